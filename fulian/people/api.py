"""REST API of 全: people (masked), positions, grids, congresses (with composition) and
elections (with results). Read-only collections scoped like the pages; revealing a value
is a POST that needs ``people.reveal_personal`` and writes an access-log row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as APIPermissionDenied
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.response import Response

from fulian.core import periods
from fulian.core import personal_data as pd
from fulian.core.params import parse_id
from fulian.core.scope import subtree_bounds
from fulian.orgs.models import Org
from fulian.people import services
from fulian.people.models import (
    Candidate,
    Congress,
    Election,
    Grid,
    Person,
    Position,
    PositionKind,
    TalentTag,
)

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission


class PersonSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    id_number = serializers.CharField(source="masked_id_number", read_only=True)
    phone = serializers.CharField(source="masked_phone", read_only=True)
    age = serializers.SerializerMethodField()
    talent_tags: serializers.SlugRelatedField[TalentTag] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "org",
            "org_name",
            "name",
            "gender",
            "ethnicity",
            "age",
            "id_number",
            "phone",
            "education",
            "political_status",
            "sector",
            "talent_tags",
        ]

    def get_age(self, person: Person) -> int | None:
        return person.age_on(periods.today())


def _in_org(queryset: QuerySet[Any], name: str, value: Any, field: str = "org") -> QuerySet[Any]:
    pk = parse_id(str(value))
    org = Org.objects.filter(pk=pk).first() if pk is not None else None
    if org is None:
        org = Org.objects.filter(code=value).first()
    if org is None:
        return queryset.none()
    return queryset.filter(**{f"{field}__path__range": subtree_bounds(org.path)})


class PersonFilter(filters.FilterSet):
    org = filters.CharFilter(method="filter_org", help_text="id or NBS code; its subtree")
    q = filters.CharFilter(method="filter_q", help_text="name or pinyin initials")

    class Meta:
        model = Person
        fields = ["org", "q", "gender", "ethnicity", "sector"]

    def filter_org(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        return _in_org(queryset, name, value)

    def filter_q(self, queryset: Any, name: str, value: str) -> QuerySet[Person]:
        return queryset.search(value)


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=list(pd.KINDS))
    reason = serializers.CharField(max_length=200)


class FindSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=list(pd.KINDS))
    value = serializers.CharField(max_length=40)
    reason = serializers.CharField(max_length=200)


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """People in the caller's subtree; ID numbers and phones masked."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter

    def get_queryset(self) -> QuerySet[Person]:
        return (
            Person.objects.for_user(self.request.user)
            .select_related("org")
            .prefetch_related("talent_tags")
            .order_by("org__path", "name", "pk")
        )

    @extend_schema(
        request=RevealSerializer,
        responses=inline_serializer(
            "Revealed", {"field": serializers.CharField(), "value": serializers.CharField()}
        ),
    )
    @action(detail=True, methods=["post"], url_path="reveal")
    def reveal(self, request: Request, pk: str | None = None) -> Response:
        """The full value of one field; needs people.reveal_personal; writes an access-log row."""
        if not request.user.has_perm("people.reveal_personal"):
            raise APIPermissionDenied
        person = self.get_object()
        body = RevealSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        value = services.reveal(
            actor=request.user,
            person=person,
            field=body.validated_data["field"],
            reason=body.validated_data["reason"],
            request=request,
        )
        return Response(
            {"field": body.validated_data["field"], "value": value},
            headers={"Cache-Control": "no-store"},
        )

    @extend_schema(
        request=FindSerializer,
        responses=inline_serializer("Found", {"results": PersonSerializer(many=True)}),
    )
    @action(detail=False, methods=["post"], url_path="find")
    def find(self, request: Request) -> Response:
        """Exact search by a full ID number or phone: a reveal (people.reveal_personal, a
        reason, per-user limit, an access-log row), by POST so the number is in no URL."""
        if not request.user.has_perm("people.reveal_personal"):
            raise APIPermissionDenied
        body = FindSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            found = services.find_by_personal(
                actor=request.user, request=request, **body.validated_data
            )
        except services.SearchThrottled as error:
            raise Throttled(detail=error.messages[0]) from error
        return Response(
            {"results": PersonSerializer(found, many=True).data},
            headers={"Cache-Control": "no-store"},
        )

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        # reveal and find are POSTs that only read: they need their own permission.
        if self.action in ("reveal", "find"):
            self.write_perm = "fulian.view"
        return super().get_permissions()


class PositionSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = Position
        fields = [
            "id",
            "person",
            "person_name",
            "org",
            "org_name",
            "kind",
            "part_time",
            "grid",
            "start",
            "end",
            "current",
            "election",
        ]

    def get_current(self, position: Position) -> bool:
        return position.is_current()


class PositionFilter(filters.FilterSet):
    org = filters.CharFilter(method="filter_org")
    kind = filters.MultipleChoiceFilter(choices=PositionKind.choices)
    current = filters.BooleanFilter(method="filter_current")

    class Meta:
        model = Position
        fields = ["org", "kind", "current", "person"]

    def filter_org(self, queryset: QuerySet[Position], name: str, value: str) -> QuerySet[Position]:
        return _in_org(queryset, name, value)

    def filter_current(self, queryset: Any, name: str, value: bool) -> QuerySet[Position]:
        today = periods.today()
        current = queryset.current(today)
        return current if value else queryset.exclude(pk__in=current.values("pk"))


class PositionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PositionSerializer
    filterset_class = PositionFilter

    def get_queryset(self) -> QuerySet[Position]:
        return (
            Position.objects.for_user(self.request.user)
            .select_related("person", "org")
            .order_by("org__path", "kind", "pk")
        )


class GridSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    workers = serializers.SerializerMethodField()

    class Meta:
        model = Grid
        fields = ["id", "org", "org_name", "name", "households", "workers"]

    def get_workers(self, grid: Grid) -> list[dict[str, Any]]:
        today = periods.today()
        return [
            {"person": p.person_id, "name": p.person.name}
            for p in grid.positions.all()
            if p.kind == PositionKind.GRID_WORKER and p.is_current(today)
        ]


class GridFilter(filters.FilterSet):
    org = filters.CharFilter(method="filter_org")

    class Meta:
        model = Grid
        fields = ["org"]

    def filter_org(self, queryset: QuerySet[Grid], name: str, value: str) -> QuerySet[Grid]:
        return _in_org(queryset, name, value)


class GridViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GridSerializer
    filterset_class = GridFilter

    def get_queryset(self) -> QuerySet[Grid]:
        return (
            Grid.objects.for_user(self.request.user)
            .select_related("org")
            .prefetch_related("positions__person")
            .order_by("org__path", "name")
        )


class CongressSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    delegates = serializers.IntegerField(source="delegates.count", read_only=True)

    class Meta:
        model = Congress
        fields = [
            "id",
            "org",
            "org_name",
            "number",
            "name",
            "start_date",
            "end_date",
            "delegates_due",
            "delegates_present",
            "delegates",
        ]


class CongressViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CongressSerializer

    def get_queryset(self) -> QuerySet[Congress]:
        return (
            Congress.objects.for_user(self.request.user)
            .select_related("org")
            .order_by("org__path", "-number")
        )

    @extend_schema(
        responses=inline_serializer("Composition", {"total": serializers.IntegerField()})
    )
    @action(detail=True, methods=["get"])
    def composition(self, request: Request, pk: str | None = None) -> Response:
        """Delegates by ethnicity, age band, education, political status, sector and
        front-line: counts, percentages, targets and shortfalls. Each adds up to the total."""
        congress = self.get_object()
        tables = services.composition(congress)
        return Response(
            {
                "congress": congress.pk,
                "total": tables[0].total if tables else 0,
                "dimensions": [
                    {
                        "dimension": t.dimension,
                        "label": t.label,
                        "total": t.total,
                        "rows": [
                            {
                                "category": r.category,
                                "label": r.label,
                                "count": r.count,
                                "percent": r.percent,
                                "target": r.target,
                                "shortfall": r.shortfall,
                            }
                            for r in t.rows
                        ],
                    }
                    for t in tables
                ],
            }
        )


class CandidateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Candidate
        fields = ["id", "person", "name", "votes", "rank", "outcome"]


class ElectionSerializer(serializers.ModelSerializer):
    candidates = CandidateSerializer(many=True, read_only=True)
    threshold = serializers.SerializerMethodField()
    required_candidates = serializers.SerializerMethodField()

    class Meta:
        model = Election
        fields = [
            "id",
            "congress",
            "name",
            "seats",
            "contested",
            "margin_percent",
            "held_on",
            "ballots_issued",
            "ballots_returned",
            "term_years",
            "status",
            "threshold",
            "required_candidates",
            "candidates",
        ]

    def get_threshold(self, election: Election) -> int:
        return services.vote_threshold(election)

    def get_required_candidates(self, election: Election) -> int:
        return services.required_candidates(election)


class ElectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Elections with their results (per-candidate votes, rank and outcome)."""

    serializer_class = ElectionSerializer
    filterset_fields = ["congress", "status"]

    def get_queryset(self) -> QuerySet[Election]:
        return (
            Election.objects.for_user(self.request.user)
            .select_related("congress")
            .prefetch_related("candidates__person")
            .order_by("-held_on", "pk")
        )


def register(router: Any) -> None:
    router.register("people", PersonViewSet, basename="person")
    router.register("positions", PositionViewSet, basename="position")
    router.register("grids", GridViewSet, basename="grid")
    router.register("congresses", CongressViewSet, basename="congress")
    router.register("elections", ElectionViewSet, basename="election")
