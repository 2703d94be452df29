"""REST API of activities, campaigns, training classes and sessions, scoped like pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as APIPermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from fulian.api.calls import call_service
from fulian.core.params import parse_id, parse_year
from fulian.core.scope import get_for_user_or_404
from fulian.events import queries, services
from fulian.events.models import (
    Activity,
    ActivityKind,
    ActivityPhoto,
    Attendance,
    AttendanceStatus,
    Audience,
    Campaign,
    EnrolmentStatus,
    MeetingType,
    Session,
    TrainingClass,
    TrainingMethod,
    TrainingSeries,
)
from fulian.orgs.models import Org

YEAR_PARAM = OpenApiParameter("year", OpenApiTypes.INT, description="calendar year of the start")


def _org_ref(user: Any, value: str) -> Org | None:
    """An org in the caller's scope by NBS code or id; None if there is none."""
    scope = Org.objects.for_user(user)
    found = scope.filter(code=value).first()
    if found is None and (pk := parse_id(value)) is not None:
        found = scope.filter(pk=pk).first()
    return found


def _campaign_ref(value: str) -> Campaign | None:
    found = Campaign.objects.filter(code=value).first()
    if found is None and (pk := parse_id(value)) is not None:
        found = Campaign.objects.filter(pk=pk).first()
    return found


# --- activities ---------------------------------------------------------------------------


class ActivityFilter(filters.FilterSet):
    campaign = filters.CharFilter(
        method="filter_campaign", help_text="code or id; includes sub-campaigns"
    )
    kind = filters.CharFilter(field_name="kind__code", help_text="kind code, e.g. training")
    org = filters.CharFilter(method="filter_org", help_text="NBS code or id; includes the subtree")
    year = filters.NumberFilter(method="filter_year")
    date_from = filters.DateFilter(method="filter_from")
    date_to = filters.DateFilter(method="filter_to")

    class Meta:
        model = Activity
        fields = ["campaign", "kind", "org", "year", "date_from", "date_to"]

    def filter_campaign(self, queryset: Any, name: str, value: str) -> Any:
        campaign = _campaign_ref(value)
        return queryset.none() if campaign is None else queryset.in_campaign(campaign)

    def filter_org(self, queryset: Any, name: str, value: str) -> Any:
        org = _org_ref(self.request.user, value)
        return queryset.none() if org is None else queryset.in_subtree(org)

    def filter_year(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset.in_year(int(value)) if 1949 <= int(value) <= 2100 else queryset.none()

    def filter_from(self, queryset: Any, name: str, value: datetime.date) -> Any:
        return queries.filter_activities(queryset, since=value)

    def filter_to(self, queryset: Any, name: str, value: datetime.date) -> Any:
        return queries.filter_activities(queryset, until=value)


class ActivitySerializer(serializers.ModelSerializer):
    org = serializers.PrimaryKeyRelatedField(queryset=Org.objects.none())
    org_name = serializers.CharField(source="org.name", read_only=True)
    kind = serializers.SlugRelatedField(slug_field="code", queryset=ActivityKind.objects.all())
    campaign = serializers.SlugRelatedField(
        slug_field="code", queryset=Campaign.objects.all(), allow_null=True, required=False
    )
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), required=False
    )
    meeting_type = serializers.ChoiceField(
        choices=[("", ""), *MeetingType.choices], required=False, allow_blank=True
    )
    idempotency_key = serializers.UUIDField(write_only=True, required=False, allow_null=True)
    attendance_count = serializers.IntegerField(
        read_only=True, help_text="人次 of named attendance"
    )
    people_count = serializers.IntegerField(read_only=True, help_text="人数 of named attendance")
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "org",
            "org_name",
            "kind",
            "campaign",
            "title",
            "start",
            "end",
            "place",
            "venue",
            "audiences",
            "description",
            "head_count",
            "meeting_type",
            "agenda",
            "minutes",
            "idempotency_key",
            "attendance_count",
            "people_count",
            "photos",
            "created_at",
        ]
        read_only_fields = ["venue", "created_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            org = self.fields["org"]
            assert isinstance(org, serializers.PrimaryKeyRelatedField)
            # The stubs type RelatedField.queryset with Manager in a union, so mypy treats the
            # assignment as Manager's descriptor protocol; any queryset is refused.
            org.queryset = Org.objects.for_user(request.user)  # type: ignore[arg-type]

    def get_photos(self, activity: Activity) -> list[str]:
        return [reverse("events:photo", args=[p.pk]) for p in activity.photos.all()]


class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Activities in the caller's subtree. Filters: ``campaign`` (code, with sub-campaigns),
    ``kind`` (code), ``org`` (code or id, with its subtree), ``year``, ``date_from``,
    ``date_to``. A create with ``idempotency_key`` is safe to repeat."""

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    write_perm = "fulian.edit"

    def get_queryset(self) -> Any:
        queryset = Activity.objects.for_user(self.request.user).select_related(
            "org", "kind", "campaign"
        )
        if self.action == "retrieve":
            queryset = queries.with_activity_counts(queryset)
        if self.action in ("list", "retrieve"):
            queryset = queryset.prefetch_related(
                Prefetch("photos", queryset=ActivityPhoto.objects.only("pk", "activity_id"))
            )
        return queryset.order_by("-start", "-pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Take the page first, then count attendance for its 50 rows only: grouping every
        activity in scope before paginating (and counting the grouped query again) cost
        seconds at district scale."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API always paginates
        counts = {
            row["pk"]: row
            for row in queries.with_activity_counts(
                Activity.objects.filter(pk__in=[a.pk for a in page])
            ).values("pk", "attendance_count", "people_count", "session_count")
        }
        for activity in page:
            row = counts[activity.pk]
            activity.attendance_count = row["attendance_count"]
            activity.people_count = row["people_count"]
            activity.session_count = row["session_count"]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = call_service(
            services.create_activity, actor=self.request.user, **data
        )
        serializer.instance.attendance_count = serializer.instance.people_count = 0

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("idempotency_key", None)
        call_service(
            services.update_activity, actor=self.request.user, activity=serializer.instance, **data
        )
        counts = services.activity_counts(serializer.instance)
        serializer.instance.attendance_count = counts.attendances
        serializer.instance.people_count = counts.people

    def perform_destroy(self, instance: Activity) -> None:
        call_service(services.delete_activity, actor=self.request.user, activity=instance)

    @extend_schema(
        parameters=[YEAR_PARAM],
        responses={
            200: inline_serializer(
                "ActivitySummary",
                {
                    "activities": serializers.IntegerField(),
                    "participants": serializers.IntegerField(),
                },
            )
        },
    )
    @action(detail=False)
    def summary(self, request: Request) -> Response:
        """How many activities match the filters, and how many people they reached (named
        attendances plus head counts of activities without named attendance)."""
        queryset = self.filter_queryset(Activity.objects.for_user(request.user))
        return Response(
            {"activities": queryset.count(), "participants": queries.participant_total(queryset)}
        )


# --- campaigns ----------------------------------------------------------------------------


class CampaignSerializer(serializers.ModelSerializer):
    # Every DRF Field has a `parent` attribute (the serializer holding it); the metaclass
    # pops declared fields off the class, so only the stubs see a clash.
    parent = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", queryset=Campaign.objects.all(), allow_null=True, required=False
    )
    activity_count = serializers.SerializerMethodField(
        help_text="activities in the caller's subtree (in ?year= if given), with sub-campaigns"
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "code",
            "name",
            "parent",
            "description",
            "order",
            "is_active",
            "activity_count",
        ]

    def get_activity_count(self, campaign: Campaign) -> int:
        return int(self.context.get("counts", {}).get(campaign.pk, 0))


class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Campaigns (district configuration; written by district admins)."""

    serializer_class = CampaignSerializer
    write_perm = "fulian.configure"
    queryset = Campaign.objects.select_related("parent")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        year = self.request.query_params.get("year", "")
        context["counts"] = queries.campaign_counts(
            Activity.objects.for_user(self.request.user),
            parse_year(year, lo=1949),
        )
        return context

    @extend_schema(parameters=[YEAR_PARAM])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = call_service(
            services.save_campaign, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        current = serializer.instance
        data = {
            "code": current.code,
            "name": current.name,
            "parent": current.parent,
            "description": current.description,
            "order": current.order,
            "is_active": current.is_active,
            **serializer.validated_data,
        }
        call_service(services.save_campaign, actor=self.request.user, campaign=current, **data)


# --- training classes and sessions --------------------------------------------------------


CONFIRMED = Q(attendances__status=AttendanceStatus.CONFIRMED)


class SessionSummarySerializer(serializers.ModelSerializer):
    attendance_count = serializers.IntegerField(read_only=True, help_text="人次")
    people_count = serializers.IntegerField(read_only=True, help_text="人数")
    pending_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "activity",
            "title",
            "start",
            "end",
            "place",
            "method",
            "instructor_name",
            "instructor_unit",
            "attendance_count",
            "people_count",
            "pending_count",
        ]


class AttendanceSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="masked_phone", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "person", "name", "phone", "status", "source", "late", "checked_in_at"]


class SessionDetailSerializer(SessionSummarySerializer):
    attendances = AttendanceSerializer(many=True, read_only=True)

    class Meta(SessionSummarySerializer.Meta):
        fields = [*SessionSummarySerializer.Meta.fields, "attendances"]


class TrainingSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    title = serializers.CharField(source="activity.title")
    org = serializers.IntegerField(source="activity.org_id")
    org_name = serializers.CharField(source="activity.org.name")
    series: serializers.SlugRelatedField[TrainingSeries] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    start = serializers.DateTimeField(source="activity.start")
    end = serializers.DateTimeField(source="activity.end")
    audiences = serializers.ListField(source="activity.audiences", child=serializers.CharField())
    methods = serializers.ListField(child=serializers.ChoiceField(choices=TrainingMethod.choices))
    topics = serializers.ListField(source="topic_list", child=serializers.CharField())
    sessions = serializers.SerializerMethodField()
    attendance_count = serializers.IntegerField(read_only=True, help_text="人次 over all sessions")
    people_count = serializers.IntegerField(read_only=True, help_text="人数 over all sessions")
    enrolled = serializers.SerializerMethodField(help_text="approved enrolments")

    class Meta:
        model = TrainingClass
        fields = [
            "id",
            "title",
            "org",
            "org_name",
            "series",
            "number",
            "start",
            "end",
            "audiences",
            "topics",
            "methods",
            "completion_percent",
            "sessions",
            "attendance_count",
            "people_count",
            "enrolled",
        ]

    def get_enrolled(self, training: TrainingClass) -> int:
        return int(self.context.get("enrolled", {}).get(training.pk, 0))

    def get_sessions(self, training: TrainingClass) -> list[dict[str, Any]]:
        sessions = self.context.get("sessions", {}).get(training.pk, [])
        return SessionSummarySerializer(sessions, many=True).data  # type: ignore[return-value]


class TrainingFilter(filters.FilterSet):
    year = filters.NumberFilter(method="filter_year")
    series = filters.CharFilter(field_name="series__code")
    org = filters.CharFilter(method="filter_org")

    class Meta:
        model = TrainingClass
        fields = ["year", "series", "org"]

    def filter_year(self, queryset: Any, name: str, value: Any) -> Any:
        if not 1949 <= int(value) <= 2100:
            return queryset.none()
        return queryset.filter(activity__in=Activity.objects.in_year(int(value)).values("pk"))

    def filter_org(self, queryset: Any, name: str, value: str) -> Any:
        org = _org_ref(self.request.user, value)
        return queryset.none() if org is None else queryset.in_subtree(org)


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)]
    )
)
class TrainingViewSet(viewsets.ReadOnlyModelViewSet):
    """Training classes in the caller's subtree, with sessions, 人次 and 人数."""

    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter

    def get_queryset(self) -> Any:
        confirmed = Q(activity__sessions__attendances__status=AttendanceStatus.CONFIRMED)
        return (
            TrainingClass.objects.for_user(self.request.user)
            .select_related("activity__org", "series")
            .annotate(
                attendance_count=Count("activity__sessions__attendances", filter=confirmed),
                people_count=Count(
                    "activity__sessions__attendances__person", filter=confirmed, distinct=True
                ),
            )
            .order_by("-activity__start", "-pk")
        )

    def _with_sessions(self, trainings: list[TrainingClass]) -> dict[str, Any]:
        ids = [t.pk for t in trainings]
        sessions: dict[int, list[Session]] = {}
        for s in services.with_counts(Session.objects.filter(activity_id__in=ids)).order_by(
            "start", "pk"
        ):
            sessions.setdefault(s.activity_id, []).append(s)
        enrolled = dict(
            TrainingClass.objects.filter(pk__in=ids)
            .annotate(n=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.APPROVED)))
            .values_list("pk", "n")
        )
        return {**self.get_serializer_context(), "sessions": sessions, "enrolled": enrolled}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        items = list(page if page is not None else queryset)
        data = TrainingSerializer(items, many=True, context=self._with_sessions(items)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        training = self.get_object()
        return Response(TrainingSerializer(training, context=self._with_sessions([training])).data)


class SessionFilter(filters.FilterSet):
    activity = filters.NumberFilter()
    year = filters.NumberFilter(method="filter_year")

    class Meta:
        model = Session
        fields = ["activity", "year"]

    def filter_year(self, queryset: Any, name: str, value: Any) -> Any:
        if not 1949 <= int(value) <= 2100:
            return queryset.none()
        return queryset.filter(activity__in=Activity.objects.in_year(int(value)).values("pk"))


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Sessions in the caller's subtree with 人次, 人数 and (one session) its attendances.
    ``checkin-link`` gives an organiser (editor or above) the QR check-in URL."""

    filterset_class = SessionFilter

    def get_queryset(self) -> Any:
        queryset = services.with_counts(Session.objects.for_user(self.request.user))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("attendances")
        return queryset.order_by("start", "pk")

    def get_serializer_class(self) -> Any:
        return SessionDetailSerializer if self.action == "retrieve" else SessionSummarySerializer

    @extend_schema(
        responses={
            200: inline_serializer(
                "CheckinLink",
                {
                    "url": serializers.URLField(),
                    "qr_svg": serializers.URLField(),
                    "expires": serializers.DateTimeField(),
                },
            )
        }
    )
    @action(detail=True, url_path="checkin-link")
    def checkin_link(self, request: Request, pk: str | None = None) -> Response:
        session = get_for_user_or_404(
            Session.objects.select_related("activity__org"), request.user, pk=pk
        )
        if not request.user.has_perm("fulian.edit"):
            raise APIPermissionDenied
        token = services.checkin_token(session)
        return Response(
            {
                "url": request.build_absolute_uri(reverse("events:checkin", args=[token])),
                "qr_svg": request.build_absolute_uri(
                    reverse("events:session_qr", args=[session.pk])
                ),
                "expires": timezone.localtime(session.end + services.checkin_grace()),
            }
        )


def register(router: Any) -> None:
    router.register("activities", ActivityViewSet, basename="activity")
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("trainings", TrainingViewSet, basename="training")
    router.register("sessions", SessionViewSet, basename="session")
