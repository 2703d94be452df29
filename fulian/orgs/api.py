from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError as APIValidationError

from fulian.api.calls import call_service
from fulian.core.scope import get_for_user_or_404, subtree_bounds
from fulian.orgs import services
from fulian.orgs.models import Org, OrgKind, OrgStatus


class OrgSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(  # type: ignore[assignment]
        source="parent_id", read_only=True, allow_null=True
    )
    parent_id = serializers.IntegerField(write_only=True, required=False)
    kind = serializers.ChoiceField(choices=OrgKind.choices)

    class Meta:
        model = Org
        fields = [
            "id",
            "name",
            "kind",
            "code",
            "parent",
            "parent_id",
            "depth",
            "numchild",
            "established",
            "status",
            "dissolved_on",
        ]
        read_only_fields = ["code", "depth", "numchild", "status", "dissolved_on"]


class OrgFilter(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(choices=OrgKind.choices)
    parent = filters.NumberFilter(method="filter_parent")
    code = filters.CharFilter()
    q = filters.CharFilter(method="filter_q")
    status = filters.ChoiceFilter(choices=OrgStatus.choices)

    class Meta:
        model = Org
        fields = ["kind", "parent", "code", "q", "status"]

    def filter_parent(self, queryset: QuerySet[Org], name: str, value: int) -> QuerySet[Org]:
        parent = Org.objects.filter(pk=value).first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__range=subtree_bounds(parent.path), depth=parent.depth + 1)

    def filter_q(self, queryset: QuerySet[Org], name: str, value: str) -> QuerySet[Org]:
        return queryset.search(value)  # type: ignore[attr-defined]


class OrgViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The org tree, limited to the caller's subtree. Only non-division orgs are written."""

    serializer_class = OrgSerializer
    filterset_class = OrgFilter
    write_perm = "fulian.manage_orgs"

    def get_queryset(self) -> QuerySet[Org]:
        return with_parent_ids(Org.objects.for_user(self.request.user).order_by("path"))

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        parent_id = data.get("parent_id")
        if parent_id is None:
            raise APIValidationError({"parent_id": ["必填。"]})
        parent = get_for_user_or_404(Org.objects, self.request.user, pk=parent_id)
        serializer.instance = call_service(
            services.create_org,
            actor=self.request.user,
            parent=parent,
            name=data["name"],
            kind=data["kind"],
            established=data.get("established"),
        )
        serializer.instance.parent_id = parent.pk

    def perform_update(self, serializer: Any) -> None:
        org = serializer.instance
        data = serializer.validated_data
        call_service(
            services.update_org,
            actor=self.request.user,
            org=org,
            name=data.get("name", org.name),
            kind=data.get("kind", org.kind),
            established=data.get("established", org.established),
        )
        if "parent_id" in data and data["parent_id"] != org.parent_id:
            new_parent = get_for_user_or_404(Org.objects, self.request.user, pk=data["parent_id"])
            call_service(services.move_org, actor=self.request.user, org=org, new_parent=new_parent)
            org.parent_id = new_parent.pk


def with_parent_ids(queryset: QuerySet[Org]) -> QuerySet[Org]:
    """Annotate each org with its parent's id in the same query (a subquery on the path)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Length, Substr

    parent = Org.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Org.steplen)
    ).values("pk")[:1]
    return queryset.annotate(parent_id=Subquery(parent))


def register(router: Any) -> None:
    router.register("orgs", OrgViewSet, basename="org")
