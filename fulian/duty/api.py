"""REST API of 干 duty, scoped like the pages: duty reports and comments, evaluation rounds
(open, close, codes, turnout, results) and the public ballot, projects and claims (claim,
release, progress, complete, verify), visits (follow-up), duty files and the ranking."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from fulian.api.calls import call_service
from fulian.core import periods
from fulian.core.params import parse_id, parse_int
from fulian.core.ratelimit import over_limit
from fulian.core.scope import get_for_user_or_404
from fulian.duty import services
from fulian.duty.models import (
    Claim,
    ClaimStatus,
    DifficultyCategory,
    DutyReport,
    EvaluationRound,
    Grade,
    PointRule,
    Project,
    ProjectStatus,
    Visit,
)
from fulian.events.models import Activity, Campaign
from fulian.orgs.models import Org
from fulian.people.models import Grid, Person

YEAR_PARAM = OpenApiParameter("year", OpenApiTypes.INT, description="calendar year")
ORG_PARAM = OpenApiParameter("org", OpenApiTypes.STR, description="NBS code or id of an org")


def _org_ref(user: Any, value: str | None) -> Org | None:
    if not value:
        return None
    scope = Org.objects.for_user(user)
    found = scope.filter(code=value).first()
    if found is None and (pk := parse_id(value)) is not None:
        found = scope.filter(pk=pk).first()
    return found


def _int(request: Request, name: str, low: int = 1, high: int = 2**31 - 1) -> int | None:
    """An integer query parameter, or ``None`` when absent; anything else answers 400."""
    value = request.query_params.get(name, "")
    if value == "":
        return None
    number = parse_int(value, lo=low, hi=high)
    if number is None:
        raise serializers.ValidationError(
            {name: [_("应为 %(low)d 到 %(high)d 之间的整数。") % {"low": low, "high": high}]}
        )
    return number


def _choice(request: Request, name: str, choices: Any) -> str | None:
    value = request.query_params.get(name, "")
    if value == "":
        return None
    if value not in choices.values:
        raise serializers.ValidationError({name: [_("无效的取值：%(v)s。") % {"v": value[:40]}]})
    return value


def _year(request: Request) -> int:
    year = _int(request, "year", 2000, 2100)
    return periods.default_year() if year is None else year


@extend_schema_field(OpenApiTypes.INT)
class ScopedPeople(serializers.PrimaryKeyRelatedField):
    """A person in the caller's scope (others do not exist: 'invalid pk')."""

    def get_queryset(self) -> Any:
        return Person.objects.for_user(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class ScopedMeetings(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return Activity.objects.for_user(self.context["request"].user).filter(kind__code="meeting")


@extend_schema_field(OpenApiTypes.INT)
class ScopedOrgs(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return Org.objects.for_user(self.context["request"].user)


class Empty(serializers.Serializer):
    pass


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


# --- duty reports ---


class CommentSerializer(serializers.Serializer):
    commenter = serializers.CharField(max_length=50)
    text = serializers.CharField()
    given_on = serializers.DateField(required=False, allow_null=True)


class ReportSerializer(serializers.ModelSerializer):
    meeting = ScopedMeetings()
    person = ScopedPeople()
    person_name = serializers.CharField(source="person.name", read_only=True)
    comment = serializers.SerializerMethodField()
    idempotency_key = serializers.UUIDField(write_only=True, required=False, allow_null=True)

    class Meta:
        model = DutyReport
        fields = [
            "id", "meeting", "person", "person_name", "order", "title", "text", "reported_on",
            "comment", "idempotency_key",
        ]  # fmt: skip
        read_only_fields = ["order"]
        extra_kwargs = {"reported_on": {"required": False}}

    def get_comment(self, report: DutyReport) -> dict[str, Any] | None:
        comment = getattr(report, "comment", None)
        if comment is None:
            return None
        return {"commenter": comment.commenter, "text": comment.text, "given_on": comment.given_on}


class ReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Duty reports (述职) at meetings, each with its one comment (一述一评). Filters:
    ``meeting`` (id), ``year``. A create with ``idempotency_key`` is safe to repeat."""

    serializer_class = ReportSerializer

    def get_queryset(self) -> Any:
        queryset = DutyReport.objects.for_user(self.request.user).select_related(
            "person", "comment"
        )
        meeting = _int(self.request, "meeting")
        if meeting is not None:
            queryset = queryset.filter(meeting_id=meeting)
        year = _int(self.request, "year", 2000, 2100)
        if year is not None:
            queryset = queryset.filter(reported_on__year=year)
        return queryset.order_by("meeting", "order", "pk")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = call_service(
            services.add_report, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: DutyReport) -> None:
        call_service(services.delete_report, actor=self.request.user, report=instance)

    @extend_schema(request=CommentSerializer, responses={201: ReportSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str) -> Response:
        """Give the report its one comment; a second one answers 400."""
        report = self.get_object()
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.comment_report, actor=request.user, report=report, **data.validated_data
        )
        report = self.get_queryset().get(pk=report.pk)
        return Response(ReportSerializer(report, context={"request": request}).data, status=201)


# --- evaluation ---


class RoundSerializer(serializers.ModelSerializer):
    meeting = ScopedMeetings()
    people = serializers.ListField(
        child=ScopedPeople(), write_only=True, required=False, min_length=1
    )
    evaluees = serializers.SerializerMethodField()
    turnout = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationRound
        fields = [
            "id", "meeting", "title", "status", "unfit_flag_percent", "excellent_percent",
            "opened_at", "closed_at", "people", "evaluees", "turnout",
        ]  # fmt: skip
        read_only_fields = ["status", "opened_at", "closed_at"]

    def get_evaluees(self, rnd: EvaluationRound) -> list[dict[str, Any]]:
        return [
            {"id": e.pk, "person": e.person_id, "name": e.person.name}
            for e in rnd.evaluees.select_related("person")
        ]

    def get_turnout(self, rnd: EvaluationRound) -> dict[str, int]:
        t = services.turnout(rnd)
        return {"issued": t.issued, "used": t.used}


class CodesSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=1000)


class RoundViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Democratic evaluation rounds. Results only once closed (400 before)."""

    serializer_class = RoundSerializer

    def get_queryset(self) -> Any:
        return (
            EvaluationRound.objects.for_user(self.request.user)
            .select_related("meeting", "org")
            .order_by("-created_at", "-pk")
        )

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        people = data.pop("people", None) or None
        serializer.instance = call_service(
            services.create_round, actor=self.request.user, people=people, **data
        )

    def _move(self, request: Request, service: Any) -> Response:
        rnd = self.get_object()
        call_service(service, actor=request.user, round=rnd)
        rnd.refresh_from_db()
        return Response(RoundSerializer(rnd, context={"request": request}).data)

    @extend_schema(request=Empty, responses={200: RoundSerializer})
    @action(detail=True, methods=["post"], url_path="open")
    def open_round(self, request: Request, pk: str) -> Response:
        return self._move(request, services.open_round)

    @extend_schema(request=Empty, responses={200: RoundSerializer})
    @action(detail=True, methods=["post"], url_path="close")
    def close_round(self, request: Request, pk: str) -> Response:
        return self._move(request, services.close_round)

    @extend_schema(
        request=CodesSerializer,
        responses={201: inline_serializer("IssuedCodes", {"codes": serializers.ListField()})},
    )
    @action(detail=True, methods=["post"])
    def codes(self, request: Request, pk: str) -> Response:
        """Issue one-time ballot codes (hand one to each attendee)."""
        rnd = self.get_object()
        data = CodesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = call_service(
            services.issue_codes, actor=request.user, round=rnd, count=data.validated_data["count"]
        )
        return Response({"codes": made}, status=201)

    @extend_schema(
        responses={
            200: inline_serializer(
                "EvaluationResult",
                {
                    "ballots": serializers.IntegerField(),
                    "results": serializers.ListField(child=serializers.DictField()),
                },
            )
        }
    )
    @action(detail=True)
    def results(self, request: Request, pk: str) -> Response:
        rnd = self.get_object()
        rows = call_service(services.results, rnd=rnd)
        return Response(
            {
                "ballots": rnd.ballots.count(),
                "results": [
                    {
                        "person": r.evaluee.person_id,
                        "name": r.evaluee.person.name,
                        "counts": {g: r.counts.get(g, 0) for g in Grade.values},
                        "shares": {g: str(r.share(g)) for g in Grade.values},
                        "outcome": r.outcome,
                        "flagged": r.flagged,
                    }
                    for r in rows
                ],
            }
        )


class BallotSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    grades = serializers.DictField(
        child=serializers.ChoiceField(choices=Grade.choices),
        help_text="evaluee id → grade (excellent, competent, basic, unfit)",
    )


class BallotViewSet(viewsets.GenericViewSet):
    """Cast a ballot by its one-time code, without an account (rate-limited). The answer
    says only that it was stored."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [AnonRateThrottle]
    serializer_class = BallotSerializer

    @extend_schema(
        request=BallotSerializer,
        responses={201: inline_serializer("BallotCast", {"cast": serializers.BooleanField()})},
    )
    def create(self, request: Request) -> Response:
        if over_limit(request, "duty-vote", limit=30, window=60):
            return Response({"detail": "请求过于频繁，请稍后再试。"}, status=429)
        data = BallotSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            grades = {int(k): v for k, v in data.validated_data["grades"].items()}
        except ValueError:
            return Response({"grades": ["等次无效。"]}, status=400)
        call_service(services.cast_ballot, code=data.validated_data["code"], grades=grades)
        return Response({"cast": True}, status=status.HTTP_201_CREATED)


# --- projects and claims ---


class ClaimSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id", "project", "project_title", "person", "person_name", "status", "claimed_on",
            "completed_on", "verified_on",
        ]  # fmt: skip
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    org = ScopedOrgs()
    org_name = serializers.CharField(source="org.name", read_only=True)
    grid = serializers.PrimaryKeyRelatedField(
        queryset=Grid.objects.all(), allow_null=True, required=False
    )
    campaign = serializers.SlugRelatedField(
        slug_field="code", queryset=Campaign.objects.all(), allow_null=True, required=False
    )
    claim = serializers.SerializerMethodField()
    idempotency_key = serializers.UUIDField(write_only=True, required=False, allow_null=True)

    class Meta:
        model = Project
        fields = [
            "id", "org", "org_name", "grid", "campaign", "title", "need", "beneficiaries",
            "beneficiary_count", "planned_start", "planned_end", "budget", "status", "claim",
            "idempotency_key",
        ]  # fmt: skip
        read_only_fields = ["status"]

    def get_claim(self, project: Project) -> dict[str, Any] | None:
        live = [c for c in project.claims.all() if c.status != "released"]
        if not live:
            return None
        c = live[0]
        return {"id": c.pk, "person": c.person_id, "name": c.person.name, "status": c.status}


class ReviewSerializer(serializers.Serializer):
    publish = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ClaimRequestSerializer(serializers.Serializer):
    person = ScopedPeople(required=False, allow_null=True)


class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The service-project library. Filters: ``org`` (code or id, subtree), ``status``,
    ``campaign`` (code), ``year``. Actions: ``review`` (the org above), ``claim``."""

    serializer_class = ProjectSerializer

    def get_queryset(self) -> Any:
        queryset = (
            Project.objects.for_user(self.request.user)
            .select_related("org", "campaign")
            .prefetch_related("claims__person")
        )
        params = self.request.query_params
        org = params.get("org")
        if org:
            found = _org_ref(self.request.user, org)
            queryset = queryset.none() if found is None else queryset.in_subtree(found)
        project_status = _choice(self.request, "status", ProjectStatus)
        if project_status:
            queryset = queryset.filter(status=project_status)
        if params.get("campaign"):
            campaign = Campaign.objects.filter(code=params["campaign"]).first()
            queryset = (
                queryset.none()
                if campaign is None
                else queryset.filter(campaign__in=campaign.family_ids())
            )
        year = _int(self.request, "year", 2000, 2100)
        if year is not None:
            queryset = queryset.in_year(year)
        return queryset.order_by("-created_at", "-pk")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = call_service(
            services.propose_project, actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=ReviewSerializer, responses={200: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.review_project, actor=request.user, project=project, **data.validated_data
        )
        return Response(
            ProjectSerializer(self.get_queryset().get(pk=pk), context={"request": request}).data
        )

    @extend_schema(request=ClaimRequestSerializer, responses={201: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str) -> Response:
        """Claim for ``person`` (default: the caller's own person). A taken project, or an
        executive at her limit ("一人一事"), answers 400 with the reason."""
        project = self.get_object()
        data = ClaimRequestSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        claim = call_service(
            services.claim_project,
            actor=request.user,
            project=project,
            person=data.validated_data.get("person"),
        )
        return Response(ClaimSerializer(claim).data, status=201)


class ProgressSerializer(serializers.Serializer):
    text = serializers.CharField()
    on = serializers.DateField(required=False, allow_null=True)
    photos = serializers.ListField(child=serializers.ImageField(), required=False, default=list)
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class CompleteSerializer(ProgressSerializer):
    evidence = serializers.FileField(required=False, allow_null=True)


class VerifySerializer(serializers.Serializer):
    accept = serializers.BooleanField(default=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Claims. Filters: ``person``, ``status``, ``mine=1``. Actions: ``release``,
    ``progress``, ``complete`` (the claimant's side), ``verify`` (the org above, never the
    claimant herself)."""

    serializer_class = ClaimSerializer

    def get_queryset(self) -> Any:
        queryset = Claim.objects.for_user(self.request.user).select_related("person", "project")
        params = self.request.query_params
        person = _int(self.request, "person")
        if person is not None:
            queryset = queryset.filter(person_id=person)
        claim_status = _choice(self.request, "status", ClaimStatus)
        if claim_status:
            queryset = queryset.filter(status=claim_status)
        if params.get("mine") == "1":
            queryset = queryset.filter(person=services.person_of(self.request.user))
        return queryset.order_by("-claimed_on", "-pk")

    def _done(self, request: Request, claim: Claim) -> Response:
        claim.refresh_from_db()
        return Response(ClaimSerializer(claim).data)

    @extend_schema(request=NoteSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.release_claim, actor=request.user, claim=claim, **data.validated_data)
        return self._done(request, claim)

    @extend_schema(request=ProgressSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        data = ProgressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.add_progress, actor=request.user, claim=claim, **data.validated_data)
        return self._done(request, claim)

    @extend_schema(request=CompleteSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        data = CompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.complete_claim, actor=request.user, claim=claim, **data.validated_data
        )
        return self._done(request, claim)

    @extend_schema(request=VerifySerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.verify_claim, actor=request.user, claim=claim, **data.validated_data)
        return self._done(request, claim)


# --- visits ---


@extend_schema_serializer(component_name="DutyVisit")
class VisitSerializer(serializers.ModelSerializer):
    org = ScopedOrgs()
    visitor = ScopedPeople()
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), allow_null=True, required=False,
        help_text="a person of the roster; out of the caller's scope answers 400",
    )  # fmt: skip
    name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True)
    masked_phone = serializers.CharField(read_only=True)
    categories = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=DifficultyCategory.objects.all(), required=False
    )
    campaign = serializers.SlugRelatedField(
        slug_field="code", queryset=Campaign.objects.all(), allow_null=True, required=False
    )
    idempotency_key = serializers.UUIDField(write_only=True, required=False, allow_null=True)

    class Meta:
        model = Visit
        fields = [
            "id", "org", "visitor", "person", "name", "is_minor", "phone", "masked_phone",
            "address", "household", "categories", "visited_on", "campaign", "look", "listen",
            "ask", "help", "report", "think", "explain", "note", "needs", "help_given",
            "follow_up", "follow_up_on", "idempotency_key",
        ]  # fmt: skip
        read_only_fields = ["follow_up"]

    def to_representation(self, visit: Visit) -> dict[str, Any]:
        data = super().to_representation(visit)
        if visit.is_minor and self.context.get("list"):
            data["name"] = visit.list_name
            data["address"] = ""
        return data


class FollowUpSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300)
    next_on = serializers.DateField(required=False, allow_null=True)


class VisitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The visit register. Filters: ``org`` (subtree), ``year``, ``campaign``,
    ``overdue=1``. In lists a minor's name is masked and her address left out."""

    serializer_class = VisitSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["list"] = self.action == "list"
        return context

    def get_queryset(self) -> Any:
        queryset = (
            Visit.objects.for_user(self.request.user)
            .select_related("org", "campaign")
            .prefetch_related("categories")
        )
        params = self.request.query_params
        if params.get("org"):
            found = _org_ref(self.request.user, params["org"])
            queryset = queryset.none() if found is None else queryset.in_subtree(found)
        year = _int(self.request, "year", 2000, 2100)
        if year is not None:
            queryset = queryset.filter(visited_on__year=year)
        if params.get("campaign"):
            queryset = queryset.filter(campaign__code=params["campaign"])
        if params.get("overdue") == "1":
            queryset = queryset.overdue(periods.today())
        return queryset.order_by("-visited_on", "-pk")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = call_service(services.record_visit, actor=self.request.user, **data)

    @extend_schema(request=FollowUpSerializer, responses={200: VisitSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str) -> Response:
        visit = self.get_object()
        data = FollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.follow_up_visit, actor=request.user, visit=visit, **data.validated_data
        )
        visit.refresh_from_db()
        return Response(VisitSerializer(visit, context={"request": request}).data)


# --- duty files and points ---


def _file_data(file: services.DutyFile) -> dict[str, Any]:
    return {
        "person": file.person.pk,
        "name": file.person.name,
        "org": file.person.org.name,
        "year": file.year,
        "total": str(file.total),
        "attendances": len(file.attendances),
        "absences": len(file.absences),
        "duty_reports": len(file.reports),
        "evaluations": [r.outcome for r in file.evaluations],
        "claims": len(file.claims),
        "visits": len(file.visits),
        "activities": len(file.activities),
        "points": [
            {"rule": line.rule.code, "name": line.rule.name, "per": str(line.rule.points),
             "count": line.count, "points": str(line.points)}
            for line in file.lines
        ],
    }  # fmt: skip


class DutyFileViewSet(viewsets.ViewSet):
    """Duty files: ``/duty-files/?org=&year=`` is the ranking of an org's executives,
    ``/duty-files/{person}/?year=`` one executive's file with the rule of every point."""

    lookup_value_regex = r"\d+"

    @extend_schema(
        parameters=[ORG_PARAM, YEAR_PARAM],
        responses={200: inline_serializer("DutyRanking", {"results": serializers.ListField()})},
    )
    def list(self, request: Request) -> Response:
        user: Any = request.user
        org = _org_ref(user, request.query_params.get("org")) or user.org
        if request.query_params.get("org") and org is user.org:
            org = _org_ref(request.user, request.query_params["org"])
            if org is None:
                return Response({"results": []})
        files = services.ranking(org, _year(request)) if org else []
        return Response({"results": [_file_data(f) for f in files]})

    @extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH), YEAR_PARAM],
        responses={200: inline_serializer("DutyFile", {"total": serializers.CharField()})},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        person = get_for_user_or_404(Person.objects.select_related("org"), request.user, pk=pk)
        return Response(_file_data(services.duty_file(person, _year(request))))


class PointRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = PointRule
        fields = ["id", "code", "name", "points", "is_active", "order"]
        read_only_fields = ["code"]


class PointRuleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """The point rules; district admins change them."""

    serializer_class = PointRuleSerializer
    write_perm = "fulian.configure"
    queryset = PointRule.objects.all()


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = DifficultyCategory
        fields = ["id", "code", "name", "order", "is_active"]


class CategoryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """Difficulty categories of the visit register; district admins change them."""

    serializer_class = CategorySerializer
    write_perm = "fulian.configure"
    queryset = DifficultyCategory.objects.all()


def register(router: Any) -> None:
    router.register("duty-reports", ReportViewSet, basename="duty-report")
    router.register("evaluation-rounds", RoundViewSet, basename="evaluation-round")
    router.register("ballots", BallotViewSet, basename="ballot")
    router.register("projects", ProjectViewSet, basename="project")
    router.register("claims", ClaimViewSet, basename="claim")
    router.register("visits", VisitViewSet, basename="visit")
    router.register("duty-files", DutyFileViewSet, basename="duty-file")
    router.register("point-rules", PointRuleViewSet, basename="point-rule")
    router.register("difficulty-categories", CategoryViewSet, basename="difficulty-category")
