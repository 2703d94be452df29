"""REST API: venues, creation standards, assessments, and the public directory."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from fulian.api.calls import call_service
from fulian.api.throttles import PublicRateThrottle
from fulian.core.scope import get_for_user_or_404, subtree_bounds
from fulian.orgs.models import Org
from fulian.venues import public, services
from fulian.venues.models import (
    Assessment,
    AssessmentResult,
    Standard,
    StandardItem,
    Venue,
    VenueHost,
    VenueType,
)


class VenueSerializer(serializers.ModelSerializer):
    org = serializers.IntegerField(source="org_id")

    class Meta:
        model = Venue
        fields = [
            "id",
            "org",
            "name",
            "type",
            "host",
            "host_name",
            "shared",
            "address",
            "latitude",
            "longitude",
            "opening_hours",
            "contact_phone",
            "established",
            "status",
            "is_model_site",
            "listed_publicly",
            "description",
            "certified",
            "certified_on",
        ]
        read_only_fields = ["is_model_site", "certified", "certified_on"]


class VenueFilter(filters.FilterSet):
    type = filters.MultipleChoiceFilter(choices=VenueType.choices)
    host = filters.MultipleChoiceFilter(choices=VenueHost.choices)
    org = filters.NumberFilter(method="filter_org")
    established_year = filters.NumberFilter(field_name="established", lookup_expr="year")
    certified = filters.BooleanFilter()
    is_model_site = filters.BooleanFilter()

    class Meta:
        model = Venue
        fields = ["type", "host", "org", "established_year", "certified", "is_model_site"]

    def filter_org(self, queryset: QuerySet[Venue], name: str, value: int) -> QuerySet[Venue]:
        """Venues of an org and everything under it."""
        org = Org.objects.filter(pk=value).first()
        if org is None:
            return queryset.none()
        return queryset.filter(org__path__range=subtree_bounds(org.path))


class VenueViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = VenueSerializer
    filterset_class = VenueFilter
    write_perm = "fulian.edit"

    def get_queryset(self) -> QuerySet[Venue]:
        return Venue.objects.for_user(self.request.user).order_by("pk")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        org = get_for_user_or_404(Org.objects, self.request.user, pk=data.pop("org_id"))
        serializer.instance = call_service(
            services.create_venue, actor=self.request.user, org=org, **data
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        org_id = data.pop("org_id", None)
        org = get_for_user_or_404(Org.objects, self.request.user, pk=org_id) if org_id else None
        call_service(
            services.update_venue,
            actor=self.request.user,
            venue=serializer.instance,
            org=org,
            **data,
        )


class StandardItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = StandardItem
        fields = ["id", "order", "label", "kind", "max_score"]


class StandardSerializer(serializers.ModelSerializer):
    items = StandardItemSerializer(many=True)

    class Meta:
        model = Standard
        fields = ["id", "org", "venue_type", "name", "threshold", "active", "items"]
        read_only_fields = ["org", "active"]


class StandardViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Creation standards that apply to the caller's org or were set below it. POST makes a
    new version for the caller's org (district admins)."""

    serializer_class = StandardSerializer
    filterset_fields = ["venue_type", "active"]
    write_perm = "fulian.configure"

    def get_queryset(self) -> QuerySet[Standard]:
        return (
            Standard.objects.for_user(self.request.user)
            .prefetch_related(
                Prefetch("items", queryset=StandardItem.objects.order_by("order", "pk"))
            )
            .order_by("venue_type", "-pk")
        )

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = call_service(
            services.save_standard,
            actor=self.request.user,
            venue_type=data["venue_type"],
            name=data["name"],
            threshold=data["threshold"],
            items=[
                services.ItemSpec(
                    i["label"], i["kind"], i.get("max_score", services.ItemSpec.max_score)
                )
                for i in data["items"]
            ],
        )


class ResultSerializer(serializers.ModelSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=StandardItem.objects.all())

    class Meta:
        model = AssessmentResult
        fields = ["item", "passed", "score", "note"]
        read_only_fields: list[str] = []


class AssessmentSerializer(serializers.ModelSerializer):
    results = ResultSerializer(many=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "venue",
            "standard",
            "date",
            "assessor",
            "total",
            "passed",
            "note",
            "results",
        ]
        read_only_fields = ["standard", "assessor", "total", "passed"]


class AssessmentFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="date", lookup_expr="year")
    venue = filters.NumberFilter(field_name="venue_id")
    passed = filters.BooleanFilter()

    class Meta:
        model = Assessment
        fields = ["year", "venue", "passed"]


class AssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Assessments of venues in scope. POST assesses a venue against its standard:
    ``results`` gives ``passed`` for pass/fail items and ``score`` for scored ones."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    write_perm = "fulian.edit"

    def get_queryset(self) -> QuerySet[Assessment]:
        return (
            Assessment.objects.for_user(self.request.user)
            .prefetch_related(
                Prefetch("results", queryset=AssessmentResult.objects.order_by("item__order"))
            )
            .order_by("-date", "-pk")
        )

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        venue = get_for_user_or_404(Venue.objects, self.request.user, pk=data["venue"].pk)
        results = {
            r["item"].pk: services.ItemResult(
                passed=r.get("passed"), score=r.get("score"), note=r.get("note", "")
            )
            for r in data["results"]
        }
        serializer.instance = call_service(
            services.assess,
            actor=self.request.user,
            venue=venue,
            date=data["date"],
            results=results,
            note=data.get("note", ""),
        )


class PublicVenueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField()
    type_label = serializers.CharField()
    host = serializers.CharField()
    host_label = serializers.CharField()
    shared = serializers.BooleanField()
    address = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    opening_hours = serializers.CharField()
    contact_phone = serializers.CharField(help_text="The venue's office phone, never a person's.")
    town = serializers.CharField()
    village = serializers.CharField()
    distance_km = serializers.FloatField(allow_null=True)


class PublicVenueViewSet(viewsets.ViewSet):
    """The public directory, read-only and without login: open venues with their address,
    hours and the venue's office phone. No personal data."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [PublicRateThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("town", OpenApiTypes.STR, description="NBS code of a town or street"),
            OpenApiParameter(
                "village", OpenApiTypes.STR, description="NBS code of a village or community"
            ),
            OpenApiParameter("type", OpenApiTypes.STR),
            OpenApiParameter("lat", OpenApiTypes.NUMBER),
            OpenApiParameter("lng", OpenApiTypes.NUMBER),
        ],
        responses={200: PublicVenueSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        params = request.query_params
        area = None
        code = params.get("village") or params.get("town") or ""
        if code:
            area = Org.objects.filter(
                code=code, kind__in=[*public.TOWN_KINDS, *public.VILLAGE_KINDS]
            ).first()
            if area is None:
                return Response({"count": 0, "results": []})
        kind = params.get("type", "")
        if kind and kind not in VenueType.values:
            kind = "__none__"
        lat, lng = _coordinate(params.get("lat"), 90), _coordinate(params.get("lng"), 180)
        if lat is None or lng is None:
            lat = lng = None
        rows = public.find(area=area, type=kind, lat=lat, lng=lng)
        return Response({"count": len(rows), "results": [r.as_dict() for r in rows]})


def _coordinate(text: str | None, bound: int) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    if value is None or not -bound <= value <= bound or value != value:
        return None
    return value


def register(router: Any) -> None:
    router.register("venues", VenueViewSet, basename="venue")
    router.register("standards", StandardViewSet, basename="standard")
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register("public/venues", PublicVenueViewSet, basename="public-venue")
