"""REST API of help requests and mediation cases, scoped and confidential like the pages.

* ``help-requests``: scoped by ``HelpRequest.objects.for_user``; staff intake by POST; one
  action per move. Phones are masked; ``phone`` reveals one with a reason (logged).
* ``cases``: only the cases that exist for the caller (``access.visible_cases``): a case
  they may not open is a 404, as on the pages. The confidential fields (summary, parties,
  sessions, agreement, follow-up findings, referral reasons) are absent unless the caller
  opens the case; a district admin passes ``?reason=…`` to read one (logged). Every read of
  a whole case is written to the access log.
* ``case-follow-ups`` and ``case-referrals``: of the cases the caller works on.
* ``case-stats``: anonymous counts in scope, for everyone.
* ``public/help-requests``: the public form and the status by tracking code, no login.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from fulian.accounts.models import User
from fulian.api.calls import call_service
from fulian.api.parsers import BoundedFormParser, BoundedJSONParser, CheckedMultiPartParser
from fulian.cases import access, services
from fulian.cases.models import (
    OPEN_REQUEST_STATUSES,
    Case,
    CaseHistory,
    CaseMediator,
    CaseParty,
    Category,
    DisputeType,
    Feedback,
    FollowUp,
    HelpRequest,
    MediationSession,
    Outcome,
    OutsideBody,
    PartyRole,
    Referral,
    ReferralStatus,
    RequestHistory,
    RequestReply,
    RequestStatus,
    Risk,
    Source,
)
from fulian.core import periods
from fulian.core.params import parse_year
from fulian.core.ratelimit import over_limit
from fulian.core.scope import get_for_user_or_404, user_org
from fulian.orgs.models import Org


class YearFilter(filters.NumberFilter):
    """A whole year between 1949 and 2100; anything else is a 400, not a database error."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            lookup_expr="year", min_value=periods.MIN_YEAR, max_value=periods.MAX_YEAR, **kwargs
        )


MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    """A row id in input: a whole number the database can hold (else 400)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class IdFilter(filters.NumberFilter):
    """A row id: a whole number the database can hold."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


def _org(request: Request, pk: int) -> Org:
    return get_for_user_or_404(Org.objects, request.user, pk=pk)


def _account(pk: int | None, field: str, message: Any) -> User | None:
    """A handler's or mediator's account by id. A missing one gets the service's message
    for one out of scope, so ids of other orgs' accounts cannot be probed."""
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).select_related("org").first()
    if user is None:
        raise serializers.ValidationError({field: [str(message)]})
    return user


HANDLER_MESSAGE = services.HANDLER_OUT_OF_SCOPE
MEDIATOR_MESSAGE = services.MEDIATOR_OUT_OF_SCOPE


# --- help requests ---------------------------------------------------------------------------


class StatusEventSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    at = serializers.DateTimeField()
    note = serializers.CharField()


class ReplySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")

    class Meta:
        model = RequestReply
        fields = ["id", "text", "public", "author", "at"]


class HelpRequestSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="masked_phone", help_text="Masked: 138****5678.")
    tracking_code = serializers.CharField(source="display_code")
    overdue = serializers.SerializerMethodField()
    has_case = serializers.BooleanField()
    replies = ReplySerializer(many=True)
    history = StatusEventSerializer(many=True)
    allowed_moves = serializers.SerializerMethodField()

    class Meta:
        model = HelpRequest
        fields = [
            "id",
            "org",
            "place",
            "category",
            "source",
            "source_ref",
            "visit",
            "description",
            "name",
            "phone",
            "may_call",
            "tracking_code",
            "status",
            "handler",
            "received_on",
            "due_on",
            "answered_on",
            "closed_on",
            "feedback",
            "feedback_text",
            "overdue",
            "has_case",
            "replies",
            "history",
            "allowed_moves",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: HelpRequest) -> bool:
        return obj.is_overdue(self.context["today"])

    def get_allowed_moves(self, obj: HelpRequest) -> list[str]:
        user = self.context["request"].user
        if not user.has_perm("fulian.edit"):
            return []
        return HelpRequest.workflow.allowed_targets(user, obj)


class RequestInput(serializers.Serializer):
    # The metaclass moves declared fields off the class; the name shadows nothing at runtime.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[s for s in Source.choices if s[0] != Source.ONLINE]
    )
    source_ref = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    visit_ref = IdField(required=False, allow_null=True, default=None)
    category = serializers.ChoiceField(choices=Category.choices)
    place = IdField(help_text="The village (or town) in the caller's scope.")
    description = serializers.CharField(max_length=2000)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    may_call = serializers.BooleanField(required=False, default=True)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    idempotency_key = serializers.UUIDField(required=False, allow_null=True, default=None)


class AssignInput(serializers.Serializer):
    handler = IdField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ReassignInput(serializers.Serializer):
    org = IdField()
    handler = IdField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ReplyInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    public = serializers.BooleanField(required=False, default=True)


class AnswerInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    on = serializers.DateField(required=False, allow_null=True, default=None)


class CloseInput(serializers.Serializer):
    feedback = serializers.ChoiceField(choices=Feedback.choices, default=Feedback.NONE)
    feedback_text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300
    )
    on = serializers.DateField(required=False, allow_null=True, default=None)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class RevealOutput(serializers.Serializer):
    value = serializers.CharField()


class HelpRequestFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=RequestStatus.choices)
    open = filters.BooleanFilter(method="filter_open")
    category = filters.MultipleChoiceFilter(choices=Category.choices)
    source = filters.MultipleChoiceFilter(choices=Source.choices)
    overdue = filters.BooleanFilter(method="filter_overdue")
    year = YearFilter(field_name="received_on")

    class Meta:
        model = HelpRequest
        fields = ["status", "open", "category", "source", "overdue", "year"]

    def filter_open(self, queryset: Any, name: str, value: bool) -> Any:
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=OPEN_REQUEST_STATUSES)
        return queryset.exclude(status__in=OPEN_REQUEST_STATUSES)

    def filter_overdue(self, queryset: Any, name: str, value: bool) -> Any:
        if value is None:
            return queryset
        late = queryset.overdue(periods.today())
        return late if value else queryset.exclude(pk__in=late.values("pk"))


class HelpRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Help requests routed to the caller's org and below. POST takes one in (a walk-in, a
    12338 call, a department's referral, a visit's need); the actions move it."""

    serializer_class = HelpRequestSerializer
    filterset_class = HelpRequestFilter

    def get_queryset(self) -> QuerySet[HelpRequest]:
        return (
            HelpRequest.objects.for_user(self.request.user)
            .annotate(has_case=Exists(Case.objects.filter(request=OuterRef("pk"))))
            .prefetch_related(
                Prefetch("replies", queryset=RequestReply.objects.select_related("author")),
                Prefetch("history", queryset=RequestHistory.objects.select_related("actor")),
            )
            .order_by("-received_on", "-pk")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": periods.today()}

    def _done(self, req: HelpRequest, code: int = 200) -> Response:
        req = self.get_queryset().filter(pk=req.pk).first() or req
        if not HelpRequest.objects.for_user(self.request.user).filter(pk=req.pk).exists():
            # Handed up the tree, out of the caller's sight.
            return Response({"id": req.pk, "status": req.status}, status=code)
        return Response(self.get_serializer(req).data, status=code)

    @extend_schema(request=RequestInput, responses={201: HelpRequestSerializer})
    def create(self, request: Request) -> Response:
        data = RequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["place"] = _org(request, values["place"])
        req = call_service(services.take_request, actor=request.user, **values)
        return self._done(req, status.HTTP_201_CREATED)

    def _run(self, request: Request, input_class: Any, run: Any) -> Response:
        req = self.get_object()
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(run, actor=request.user, request=req, **data.validated_data)
        return self._done(req)

    @extend_schema(request=AssignInput, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        req = self.get_object()
        data = AssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        handler = _account(data.validated_data["handler"], "handler", HANDLER_MESSAGE)
        call_service(
            services.assign_request,
            actor=request.user,
            request=req,
            handler=handler,
            note=data.validated_data["note"],
        )
        return self._done(req)

    @extend_schema(request=ReassignInput, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str) -> Response:
        req = self.get_object()
        data = ReassignInput(data=request.data)
        data.is_valid(raise_exception=True)
        # Up the tree is allowed beyond the caller's scope: the org is looked up plainly
        # and the service decides (an org that is neither above nor in scope is refused).
        org = Org.objects.filter(pk=data.validated_data["org"]).first()
        if org is None:
            raise Http404
        handler = _account(data.validated_data["handler"], "handler", HANDLER_MESSAGE)
        call_service(
            services.reassign_request,
            actor=request.user,
            request=req,
            org=org,
            handler=handler,
            note=data.validated_data["note"],
        )
        return self._done(req)

    @extend_schema(request=NoteInput, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        return self._run(request, NoteInput, services.start_request)

    @extend_schema(request=ReplyInput, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        return self._run(request, ReplyInput, services.add_reply)

    @extend_schema(request=AnswerInput, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        return self._run(request, AnswerInput, services.answer_request)

    @extend_schema(request=NoteInput, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        return self._run(request, NoteInput, services.reopen_request)

    @extend_schema(request=CloseInput, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        return self._run(request, CloseInput, services.close_request)

    @extend_schema(request=ReasonInput, responses=RevealOutput)
    @action(detail=True, methods=["post"])
    def phone(self, request: Request, pk: str) -> Response:
        """The woman's phone in clear; the read is logged with the reason."""
        req = self.get_object()
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        value = call_service(
            services.reveal_phone,
            actor=request.user,
            request=req,
            reason=data.validated_data["reason"],
            http_request=request,
        )
        return Response({"value": value})


# --- cases -----------------------------------------------------------------------------------


class CaseRowSerializer(serializers.ModelSerializer):
    """What anyone who sees the case in a list may see: no names, no text."""

    venue_name = serializers.CharField(source="venue.name")
    opens = serializers.SerializerMethodField(
        help_text="Whether the caller opens the case without giving a reason."
    )
    party_names = serializers.SerializerMethodField(
        help_text="Adult parties' names; empty unless the caller opens the case."
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, allow_blank=True, read_only=True, help_text="Empty until one."
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "org",
            "venue",
            "venue_name",
            "dispute_type",
            "risk",
            "domestic_violence",
            "minors_involved",
            "status",
            "outcome",
            "opened_on",
            "concluded_on",
            "closed_on",
            "opens",
            "party_names",
        ]
        read_only_fields = fields

    def get_opens(self, case: Case) -> bool:
        return case.pk in self.context["openable"]

    def get_party_names(self, case: Case) -> list[str]:
        if case.pk not in self.context["openable"]:
            return []
        return [p.name for p in case.parties.all() if not p.is_minor]


class PartySerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="masked_id_number")
    phone = serializers.CharField(source="masked_phone")

    class Meta:
        model = CaseParty
        fields = ["id", "role", "name", "is_minor", "id_number", "phone", "note"]


class MediatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseMediator
        fields = ["id", "user", "name", "lead"]


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MediationSession
        fields = ["id", "date", "attendees", "agreed", "notes"]


class FollowUpSerializer(serializers.ModelSerializer):
    on_time = serializers.BooleanField()

    class Meta:
        model = FollowUp
        fields = ["id", "case", "months", "due_on", "done_on", "finding", "on_time"]


class ReferralSerializer(serializers.ModelSerializer):
    receiver_name = serializers.CharField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "to_org",
            "to_body",
            "receiver_name",
            "reason",
            "sent_on",
            "answer_by",
            "status",
            "answer",
            "answered_on",
            "reminded_on",
            "overdue",
        ]

    def get_overdue(self, referral: Referral) -> bool:
        return referral.status == ReferralStatus.SENT and referral.answer_by < periods.today()


class CaseDetailSerializer(CaseRowSerializer):
    """The whole case, for those who open it (a read written to the access log)."""

    parties = PartySerializer(many=True)
    mediators = MediatorSerializer(many=True)
    sessions = SessionSerializer(many=True)
    follow_ups = FollowUpSerializer(many=True)
    referrals = ReferralSerializer(many=True)
    history = StatusEventSerializer(many=True)
    has_agreement_file = serializers.SerializerMethodField()
    allowed_moves = serializers.SerializerMethodField()

    class Meta(CaseRowSerializer.Meta):
        fields = [
            *CaseRowSerializer.Meta.fields,
            "request",
            "summary",
            "outcome_note",
            "agreement_text",
            "has_agreement_file",
            "parties",
            "mediators",
            "sessions",
            "follow_ups",
            "referrals",
            "history",
            "allowed_moves",
        ]
        read_only_fields = fields

    def get_has_agreement_file(self, case: Case) -> bool:
        return bool(case.agreement_file)

    def get_allowed_moves(self, case: Case) -> list[str]:
        return Case.workflow.allowed_targets(self.context["request"].user, case)


class CaseInput(serializers.Serializer):
    venue = IdField(help_text="A 执委婚调工作室 in the caller's scope.")
    dispute_type = serializers.ChoiceField(choices=DisputeType.choices)
    risk = serializers.ChoiceField(choices=Risk.choices)
    summary = serializers.CharField(max_length=5000)
    domestic_violence = serializers.BooleanField(required=False, default=False)
    minors_involved = serializers.BooleanField(required=False, default=False)
    opened_on = serializers.DateField(required=False, allow_null=True, default=None)
    request = IdField(required=False, allow_null=True, default=None)
    mediators = serializers.ListField(child=IdField(), required=False, default=list, max_length=10)
    mediator_names = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, default=list, max_length=10
    )


class PartyInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=PartyRole.choices)
    name = serializers.CharField(max_length=30)
    is_minor = serializers.BooleanField(required=False, default=False)
    id_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class MediatorInput(serializers.Serializer):
    user = IdField(required=False, allow_null=True, default=None)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    lead = serializers.BooleanField(required=False, default=False)


class SessionInput(serializers.Serializer):
    date = serializers.DateField()
    attendees = serializers.CharField(max_length=200)
    agreed = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ConcludeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    agreement_text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000
    )


class CloseCaseInput(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ReferInput(serializers.Serializer):
    to_org = IdField(required=False, allow_null=True, default=None)
    to_body = IdField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=2000)
    on = serializers.DateField(required=False, allow_null=True, default=None)
    answer_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=90
    )


class AgreementInput(serializers.Serializer):
    file = serializers.FileField()


class RevealInput(serializers.Serializer):
    party = IdField()
    field = serializers.ChoiceField(choices=["id_number", "phone"])
    reason = serializers.CharField(max_length=200)


class CaseFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Case.workflow.states.choices)
    risk = filters.MultipleChoiceFilter(choices=Risk.choices)
    dispute_type = filters.MultipleChoiceFilter(choices=DisputeType.choices)
    outcome = filters.MultipleChoiceFilter(choices=Outcome.choices)
    venue = IdFilter(field_name="venue_id")
    year = YearFilter(field_name="opened_on")

    class Meta:
        model = Case
        fields = ["status", "risk", "dispute_type", "outcome", "venue", "year"]


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Mediation cases that exist for the caller. A district admin reads one with
    ``?reason=…``; without it the answer carries only the list fields."""

    filterset_class = CaseFilter
    # Who may write is decided per case by ``access`` (403 for a reasoned reader, 404 for
    # everyone else); the role check only keeps anonymous callers out.
    write_perm = "fulian.view"
    parser_classes = [BoundedJSONParser, BoundedFormParser, CheckedMultiPartParser]

    def get_queryset(self) -> QuerySet[Case]:
        return (
            access.visible_cases(self.request.user)
            .select_related("venue", "org")
            .prefetch_related("parties")
            .order_by("-opened_on", "-pk")
        )

    def get_serializer_class(self) -> Any:
        return CaseDetailSerializer if self.action != "list" else CaseRowSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "openable": getattr(self, "_openable", set())}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page) if page is not None else list(queryset)
        self._openable = access.openable_ids(
            request.user, Case.objects.filter(pk__in=[c.pk for c in rows])
        )
        serializer = CaseRowSerializer(rows, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    def _whole(self, case: Case) -> Case:
        return (
            Case.objects.filter(pk=case.pk)
            .select_related("venue", "org")
            .prefetch_related(
                "parties",
                "mediators",
                "sessions",
                "follow_ups",
                Prefetch(
                    "referrals", queryset=Referral.objects.select_related("to_org", "to_body")
                ),
                Prefetch("history", queryset=CaseHistory.objects.select_related("actor")),
            )
            .get()
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "reason",
                OpenApiTypes.STR,
                description="Why a district admin opens this case (written to the access log).",
            )
        ],
        responses=CaseDetailSerializer,
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        level = access.access_to(request.user, case)
        reason = request.query_params.get("reason", "")[:200]
        if level == access.Access.WITH_REASON and not reason.strip():
            self._openable = set()
            data = CaseRowSerializer(case, context=self.get_serializer_context()).data
            return Response({**data, "reason_required": True})
        call_service(
            services.read_case, actor=request.user, case=case, reason=reason, http_request=request
        )
        self._openable = {case.pk} if level == access.Access.OPEN else set()
        whole = self._whole(case)
        return Response(CaseDetailSerializer(whole, context=self.get_serializer_context()).data)

    def _worked(self, request: Request) -> Case:
        """The case, for one who works on it: 404 if it does not exist for the caller,
        403 for a district admin (a reader)."""
        case = self.get_object()
        if not access.may_work_on(request.user, case):
            raise PermissionDenied
        return case

    def _done(self, case: Case, code: int = 200) -> Response:
        self._openable = {case.pk}
        data = CaseDetailSerializer(self._whole(case), context=self.get_serializer_context()).data
        return Response(data, status=code)

    @extend_schema(request=CaseInput, responses={201: CaseDetailSerializer})
    def create(self, request: Request) -> Response:
        from fulian.venues.models import Venue

        data = CaseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        venue = get_for_user_or_404(Venue.objects, request.user, pk=values.pop("venue"))
        req_id = values.pop("request")
        req = get_for_user_or_404(HelpRequest.objects, request.user, pk=req_id) if req_id else None
        mediators = [_account(pk, "mediators", MEDIATOR_MESSAGE) for pk in values.pop("mediators")]
        case = call_service(
            services.open_case,
            actor=request.user,
            venue=venue,
            request=req,
            mediators=mediators,
            **values,
        )
        if not access.may_work_on(request.user, case):  # pragma: no cover - the opener mediates
            return Response({"id": case.pk}, status=status.HTTP_201_CREATED)
        return self._done(case, status.HTTP_201_CREATED)

    @extend_schema(request=PartyInput, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def parties(self, request: Request, pk: str) -> Response:
        case = self._worked(request)
        data = PartyInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.add_party, actor=request.user, case=case, **data.validated_data)
        return self._done(case)

    @extend_schema(request=MediatorInput, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def mediators(self, request: Request, pk: str) -> Response:
        case = self._worked(request)
        data = MediatorInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user = _account(values.pop("user"), "user", MEDIATOR_MESSAGE)
        call_service(services.add_mediator, actor=request.user, case=case, user=user, **values)
        return self._done(case)

    @extend_schema(request=SessionInput, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def sessions(self, request: Request, pk: str) -> Response:
        case = self._worked(request)
        data = SessionInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.record_session, actor=request.user, case=case, **data.validated_data)
        return self._done(case)

    @extend_schema(request=ConcludeInput, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def conclude(self, request: Request, pk: str) -> Response:
        case = self._worked(request)
        data = ConcludeInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.conclude_case, actor=request.user, case=case, **data.validated_data)
        return self._done(case)

    @extend_schema(request=ReasonInput, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        case = self._worked(request)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.resume_case,
            actor=request.user,
            case=case,
            note=data.validated_data["reason"],
        )
        return self._done(case)

    @extend_schema(request=CloseCaseInput, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        case = self._worked(request)
        data = CloseCaseInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.close_case, actor=request.user, case=case, **data.validated_data)
        return self._done(case)

    @extend_schema(request=ReferInput, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: str) -> Response:
        case = self._worked(request)
        data = ReferInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        org_id, body_id = values.pop("to_org"), values.pop("to_body")
        to_org = Org.objects.filter(pk=org_id).first() if org_id else None
        to_body = OutsideBody.objects.filter(pk=body_id).first() if body_id else None
        if (org_id and to_org is None) or (body_id and to_body is None):
            raise Http404
        call_service(
            services.refer_case,
            actor=request.user,
            case=case,
            to_org=to_org,
            to_body=to_body,
            **values,
        )
        return self._done(case)

    @extend_schema(request={"multipart/form-data": AgreementInput}, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def agreement(self, request: Request, pk: str) -> Response:
        """Upload the signed agreement (PDF, Word or a photo, checked by its content)."""
        case = self._worked(request)
        data = AgreementInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.upload_agreement,
            actor=request.user,
            case=case,
            upload=data.validated_data["file"],
        )
        return self._done(case)

    @extend_schema(request=RevealInput, responses=RevealOutput)
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        """A party's ID number or phone in clear; logged with the reason."""
        case = self._worked(request)
        data = RevealInput(data=request.data)
        data.is_valid(raise_exception=True)
        party = case.parties.filter(pk=data.validated_data["party"]).first()
        if party is None:
            raise Http404
        value = call_service(
            services.reveal_party,
            actor=request.user,
            party=party,
            field=data.validated_data["field"],
            reason=data.validated_data["reason"],
            http_request=request,
        )
        return Response({"value": value})


class FollowUpFilter(filters.FilterSet):
    pending = filters.BooleanFilter(field_name="done_on", lookup_expr="isnull")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte")
    case = IdFilter(field_name="case_id")

    class Meta:
        model = FollowUp
        fields = ["pending", "due_before", "case"]


class FollowUpInput(serializers.Serializer):
    on = serializers.DateField()
    finding = serializers.CharField(max_length=5000)


class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Follow-up visits of the cases the caller works on (``pending=true&due_before=…``
    is the due list). ``done`` records one."""

    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    write_perm = "fulian.view"

    def get_queryset(self) -> QuerySet[FollowUp]:
        return FollowUp.objects.filter(case__in=access.openable_cases(self.request.user)).order_by(
            "due_on", "pk"
        )

    @extend_schema(request=FollowUpInput, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str) -> Response:
        follow_up = self.get_object()
        data = FollowUpInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.record_follow_up,
            actor=request.user,
            follow_up=follow_up,
            **data.validated_data,
        )
        return Response(FollowUpSerializer(self.get_queryset().get(pk=follow_up.pk)).data)


class ReferralFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=ReferralStatus.choices)
    awaiting = filters.BooleanFilter(method="filter_awaiting")
    case = IdFilter(field_name="case_id")

    class Meta:
        model = Referral
        fields = ["status", "awaiting", "case"]

    def filter_awaiting(self, queryset: Any, name: str, value: bool) -> Any:
        if value is None:
            return queryset
        late = queryset.awaiting(periods.today())
        return late if value else queryset.exclude(pk__in=late.values("pk"))


class ReferralAnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)
    on = serializers.DateField(required=False, allow_null=True, default=None)


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Referrals of the cases the caller works on (``awaiting=true``: past the answer date
    with no answer). ``answer`` records the receiving body's answer; ``withdraw`` takes one
    back."""

    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    write_perm = "fulian.view"

    def get_queryset(self) -> QuerySet[Referral]:
        return (
            Referral.objects.filter(case__in=access.openable_cases(self.request.user))
            .select_related("to_org", "to_body")
            .order_by("answer_by", "pk")
        )

    def _done(self, referral: Referral) -> Response:
        return Response(ReferralSerializer(self.get_queryset().get(pk=referral.pk)).data)

    @extend_schema(request=ReferralAnswerInput, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        data = ReferralAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.answer_referral, actor=request.user, referral=referral, **data.validated_data
        )
        return self._done(referral)

    @extend_schema(request=ReasonInput, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.withdraw_referral,
            actor=request.user,
            referral=referral,
            note=data.validated_data["reason"],
        )
        return self._done(referral)


class CountSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    total = serializers.IntegerField()
    violence = serializers.IntegerField()
    minors = serializers.IntegerField()
    by_type = CountSerializer(many=True)
    by_risk = CountSerializer(many=True)
    by_outcome = CountSerializer(many=True)
    by_status = CountSerializer(many=True)
    by_org = inline_serializer(
        "CaseCountByOrg",
        {
            "org": serializers.IntegerField(),
            "name": serializers.CharField(),
            "cases": serializers.IntegerField(),
            "high_risk": serializers.IntegerField(),
        },
        many=True,
    )


class OneObjectSchema(AutoSchema):
    """The stats answer one object, though the router names the view ``list``."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class CaseStatsViewSet(viewsets.ViewSet):
    """Anonymous counts of the cases in the caller's scope (by type, risk, outcome, status
    and org below), for everyone with a role: no case is identified."""

    schema = OneObjectSchema()

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT)], responses=StatsSerializer
    )
    def list(self, request: Request) -> Response:
        from fulian.cases.views import anonymous_counts, counts_by_org

        year = parse_year(request.query_params.get("year", str(periods.default_year())), lo=1949)
        if year is None:
            raise serializers.ValidationError({"year": [_("年份无效。")]})
        cases = Case.objects.for_user(request.user).filter(opened_on__year=year)
        counts = anonymous_counts(cases)
        choices: dict[str, Any] = {
            "by_type": DisputeType,
            "by_risk": Risk,
            "by_outcome": Outcome,
            "by_status": Case.workflow.states,
        }
        body: dict[str, Any] = {
            "year": year,
            "total": counts["total"],
            "violence": counts["violence"],
            "minors": counts["minors"],
        }
        for key, enum in choices.items():
            numbers = dict(counts[key])
            body[key] = [
                {"value": v, "label": str(label), "count": numbers[label]}
                for v, label in enum.choices
            ]
        org = user_org(request.user)
        body["by_org"] = [
            {"org": o.pk, "name": o.name, "cases": n, "high_risk": high}
            for o, n, high in (counts_by_org(org, cases) if org else [])
        ]
        return Response(body)


# --- the public form and status --------------------------------------------------------------


class PublicRequestInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    place = IdField(help_text="A village, community, town or street.")
    description = serializers.CharField(max_length=2000)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    phone = serializers.CharField(max_length=20)
    may_call = serializers.BooleanField(required=False, default=True)
    idempotency_key = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Send the same key again and the same request comes back.",
    )


class PublicReplySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    text = serializers.CharField()


class PublicStatusSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    category = serializers.CharField()
    received_on = serializers.DateField()
    replies = PublicReplySerializer(many=True)


class CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=20)


def _status(req: HelpRequest) -> dict[str, Any]:
    return {
        "tracking_code": req.display_code,
        "status": req.status,
        "status_label": str(req.get_status_display()),
        "category": req.category,
        "received_on": req.received_on,
        "replies": [
            {"at": r.at, "text": r.text} for r in req.replies.filter(public=True).order_by("at")
        ],
    }


class PublicHelpRequestViewSet(viewsets.ViewSet):
    """Ask for help without an account, and follow the request by its tracking code. A
    wrong code answers exactly like a missing one (404). Both are rate-limited per
    address like the pages."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(request=PublicRequestInput, responses={201: PublicStatusSerializer})
    def create(self, request: Request) -> Response:
        from fulian.cases.forms import places

        if over_limit(request, "cases-help", limit=20, window=3600):
            raise Throttled
        data = PublicRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        place = places().filter(pk=values.pop("place")).first()
        if place is None:
            raise serializers.ValidationError({"place": [_("请选择所在的村（社区）。")]})
        req = call_service(services.submit_public_request, place=place, **values)
        return Response(_status(req), status=status.HTTP_201_CREATED)

    @extend_schema(request=CodeInput, responses=PublicStatusSerializer)
    @action(detail=False, methods=["post"])
    def status(self, request: Request) -> Response:
        from fulian.cases.views import status_limit

        if over_limit(request, "cases-status", limit=status_limit(), window=600):
            raise Throttled
        data = CodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        req = services.find_by_code(data.validated_data["code"])
        if req is None:
            raise Http404
        return Response(_status(req))


def register(router: Any) -> None:
    router.register("help-requests", HelpRequestViewSet, basename="help-request")
    router.register("cases", CaseViewSet, basename="case")
    router.register("case-follow-ups", FollowUpViewSet, basename="case-follow-up")
    router.register("case-referrals", ReferralViewSet, basename="case-referral")
    router.register("case-stats", CaseStatsViewSet, basename="case-stats")
    router.register("public/help-requests", PublicHelpRequestViewSet, basename="public-help")
