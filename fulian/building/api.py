"""REST API: units without an organisation, guidance visits with their findings and
rectification items. Scoped like the pages; writes go through the services."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fulian.api.calls import call_service
from fulian.building import services
from fulian.building.models import (
    PENDING_UNIT_STATUSES,
    Finding,
    GuidanceVisit,
    ItemHistory,
    ItemStatus,
    RectificationItem,
    Unit,
    UnitKind,
    UnitStatus,
    Urging,
    UrgingMethod,
)
from fulian.core import periods
from fulian.core.scope import get_for_user_or_404, subtree_bounds, user_org
from fulian.orgs.models import Org


def _org_in_scope(request: Request, pk: int) -> Org:
    return get_for_user_or_404(Org.objects, request.user, pk=pk)


# --- units -----------------------------------------------------------------------------------


class UrgingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Urging
        fields = ["id", "date", "by_org", "method", "promise", "promised_by"]


class UnitSerializer(serializers.ModelSerializer):
    org = serializers.IntegerField(source="org_id")
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    credit_code = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    urgings = UrgingSerializer(many=True, read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "credit_code",
            "kind",
            "org",
            "women_count",
            "status",
            "founded_org",
            "founded_on",
            "exempt_reason",
            "urgings",
        ]
        read_only_fields = ["status", "founded_org", "founded_on", "exempt_reason"]


class UnitFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=UnitStatus.choices)
    pending = filters.BooleanFilter(method="filter_pending")
    kind = filters.MultipleChoiceFilter(choices=UnitKind.choices)
    area = filters.NumberFilter(method="filter_area")
    founded_year = filters.NumberFilter(field_name="founded_on", lookup_expr="year")

    class Meta:
        model = Unit
        fields = ["status", "kind", "area", "founded_year", "pending"]

    def filter_pending(self, queryset: QuerySet[Unit], name: str, value: bool) -> QuerySet[Unit]:
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=PENDING_UNIT_STATUSES)
        return queryset.exclude(status__in=PENDING_UNIT_STATUSES)

    def filter_area(self, queryset: QuerySet[Unit], name: str, value: int) -> QuerySet[Unit]:
        area = Org.objects.filter(pk=value).first()
        if area is None:
            return queryset.none()
        return queryset.filter(org__path__range=subtree_bounds(area.path))


class UrgeInput(serializers.Serializer):
    date = serializers.DateField()
    method = serializers.ChoiceField(choices=UrgingMethod.choices)
    promise = serializers.CharField(required=False, allow_blank=True, default="")
    promised_by = serializers.DateField(required=False, allow_null=True, default=None)


class FoundInput(serializers.Serializer):
    on = serializers.DateField()
    name = serializers.CharField(required=False, allow_blank=True, default="")
    # The metaclass moves declared fields off the class; the name shadows nothing at runtime.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, allow_null=True, default=None
    )


class ExemptInput(serializers.Serializer):
    reason = serializers.CharField()


class UnitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Units that should have a women's organisation. Actions: ``urge``, ``found``, ``exempt``."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    write_perm = "fulian.edit"

    def get_queryset(self) -> QuerySet[Unit]:
        return (
            Unit.objects.for_user(self.request.user)
            .prefetch_related("urgings")
            .order_by("name", "pk")
        )

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = call_service(
            services.register_unit,
            actor=self.request.user,
            org=_org_in_scope(self.request, data["org_id"]),
            name=data["name"],
            kind=data["kind"],
            credit_code=data.get("credit_code") or "",
            women_count=data.get("women_count", 0),
        )

    def perform_update(self, serializer: Any) -> None:
        unit, data = serializer.instance, serializer.validated_data
        org = _org_in_scope(self.request, data["org_id"]) if "org_id" in data else unit.org
        call_service(
            services.update_unit,
            actor=self.request.user,
            unit=unit,
            org=org,
            name=data.get("name", unit.name),
            kind=data.get("kind", unit.kind),
            credit_code=data.get("credit_code", unit.credit_code) or "",
            women_count=data.get("women_count", unit.women_count),
        )

    def _done(self, unit: Unit) -> Response:
        return Response(UnitSerializer(self.get_queryset().get(pk=unit.pk)).data)

    @action(detail=True, methods=["post"], serializer_class=UrgeInput)
    def urge(self, request: Request, pk: str) -> Response:
        unit = self.get_object()
        data = UrgeInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.urge_unit, actor=request.user, unit=unit, **data.validated_data)
        return self._done(unit)

    @action(
        detail=True,
        methods=["post"],
        serializer_class=FoundInput,
        write_perm="fulian.manage_orgs",
    )
    def found(self, request: Request, pk: str) -> Response:
        unit = self.get_object()
        data = FoundInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        parent_id = values.pop("parent")
        parent = _org_in_scope(request, parent_id) if parent_id else None
        call_service(services.found_unit, actor=request.user, unit=unit, parent=parent, **values)
        return self._done(unit)

    @action(detail=True, methods=["post"], serializer_class=ExemptInput)
    def exempt(self, request: Request, pk: str) -> Response:
        unit = self.get_object()
        data = ExemptInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.exempt_unit, actor=request.user, unit=unit, **data.validated_data)
        return self._done(unit)


# --- guidance visits and rectification items -------------------------------------------------


class HistorySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username")

    class Meta:
        model = ItemHistory
        fields = ["from_status", "to_status", "actor", "at", "note"]


class ItemSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    history = HistorySerializer(many=True, read_only=True)

    class Meta:
        model = RectificationItem
        fields = [
            "id",
            "visit",
            "finding",
            "org",
            "what",
            "deadline",
            "status",
            "done_on",
            "verified_on",
            "overdue",
            "evidence",
            "history",
        ]
        read_only_fields = fields

    def get_overdue(self, item: RectificationItem) -> bool:
        return item.is_overdue(self.context.get("today"))

    def get_evidence(self, item: RectificationItem) -> list[dict[str, Any]]:
        return [
            {"id": e.id, "name": e.name, "content_type": e.content_type, "size": e.size}
            for e in item.evidence.all()
        ]


class FindingSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "text", "items"]


class VisitSerializer(serializers.ModelSerializer):
    org = serializers.IntegerField(source="org_id", read_only=True)
    visited = serializers.PrimaryKeyRelatedField(many=True, queryset=Org.objects.all())
    findings = FindingSerializer(many=True, read_only=True)
    finding_texts = serializers.ListField(
        child=serializers.CharField(), write_only=True, required=False, default=list
    )

    class Meta:
        model = GuidanceVisit
        fields = [
            "id",
            "org",
            "visited",
            "visitor_names",
            "date",
            "subject",
            "summary",
            "findings",
            "finding_texts",
        ]


class VisitFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="date", lookup_expr="year")
    org = filters.NumberFilter(field_name="org_id")

    class Meta:
        model = GuidanceVisit
        fields = ["year", "org"]


def _items_prefetch(queryset: QuerySet[RectificationItem]) -> QuerySet[RectificationItem]:
    return queryset.prefetch_related(
        "evidence", Prefetch("history", queryset=ItemHistory.objects.select_related("actor"))
    )


class VisitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Guidance visits made by or to the caller's subtree, each with findings and items."""

    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    write_perm = "fulian.edit"

    def get_queryset(self) -> QuerySet[GuidanceVisit]:
        # Nested items are scoped like top-level ones: a joint visit shows each town only
        # its own rectification items (and their history).
        items = _items_prefetch(
            RectificationItem.objects.for_user(self.request.user).order_by("pk")
        )
        return (
            GuidanceVisit.objects.for_user(self.request.user)
            .prefetch_related(
                "visited",
                Prefetch(
                    "findings",
                    queryset=Finding.objects.prefetch_related(Prefetch("items", queryset=items)),
                ),
            )
            .order_by("-date", "-pk")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": periods.today()}

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        user = self.request.user
        visited = [_org_in_scope(self.request, o.pk) for o in data["visited"]]
        serializer.instance = call_service(
            services.create_visit,
            actor=user,
            org=user_org(user),
            visited=visited,
            date=data["date"],
            subject=data["subject"],
            summary=data.get("summary", ""),
            visitor_names=data.get("visitor_names", ""),
            visitors=[user],
            findings=data.get("finding_texts", []),
        )


class ItemFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=ItemStatus.choices)
    overdue = filters.BooleanFilter(method="filter_overdue")
    visit = filters.NumberFilter(field_name="visit_id")

    class Meta:
        model = RectificationItem
        fields = ["status", "overdue", "visit"]

    def filter_overdue(self, queryset: Any, name: str, value: bool) -> Any:
        if value is None:
            return queryset
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class ItemInput(serializers.Serializer):
    finding = serializers.IntegerField()
    org = serializers.IntegerField()
    what = serializers.CharField()
    deadline = serializers.DateField()


class MoveInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=ItemStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rectification items owned in, or raised from, the caller's subtree. Raise with POST
    (``finding``, ``org``, ``what``, ``deadline``); change status with ``move``."""

    serializer_class = ItemSerializer
    filterset_class = ItemFilter
    write_perm = "fulian.edit"

    def get_queryset(self) -> QuerySet[RectificationItem]:
        return _items_prefetch(
            RectificationItem.objects.for_user(self.request.user).order_by("deadline", "pk")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": periods.today()}

    def create(self, request: Request) -> Response:
        data = ItemInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        visits = GuidanceVisit.objects.for_user(request.user)
        finding = (
            Finding.objects.filter(pk=values["finding"], visit__in=visits)
            .select_related("visit")
            .first()
        )
        if finding is None:
            from django.http import Http404

            raise Http404
        org = _org_in_scope(request, values["org"])
        item = call_service(
            services.raise_item,
            actor=request.user,
            finding=finding,
            org=org,
            what=values["what"],
            deadline=values["deadline"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data, status=201)

    @action(detail=True, methods=["post"], serializer_class=MoveInput)
    def move(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        data = MoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.move_item, actor=request.user, item=item, **data.validated_data)
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(ItemSerializer(fresh, context=self.get_serializer_context()).data)


def register(router: Any) -> None:
    router.register("units", UnitViewSet, basename="unit")
    router.register("guidance-visits", VisitViewSet, basename="guidance-visit")
    router.register("rectification-items", ItemViewSet, basename="rectification-item")
