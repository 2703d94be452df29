"""REST API: notices (read receipts, reminders, replies, tasks), reporting rounds and
reports (save, submit, review, reopen). Querysets are ``for_user``: out of scope is 404;
the orgs a notice may go to are looked up in the caller's subtree only, so an org outside
it answers exactly as a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fulian.api.calls import call_service
from fulian.core.params import parse_id
from fulian.core.scope import user_org
from fulian.notices import services
from fulian.notices.forms import AUDIENCES
from fulian.notices.models import (
    Figure,
    Notice,
    Recipient,
    RecipientRole,
    Report,
    ReportHistory,
    ReportStatus,
    Round,
    TaskKind,
    Urgency,
)
from fulian.orgs.models import Org


class ScopedOrgField(serializers.PrimaryKeyRelatedField):
    """An org id in the caller's subtree (anything else: "does not exist")."""

    def get_queryset(self) -> Any:
        return Org.objects.for_user(self.context["request"].user)


class NoticeSerializer(serializers.ModelSerializer):
    org = serializers.IntegerField(source="org_id", read_only=True)
    audience = serializers.ChoiceField(
        choices=[a for a, _label in AUDIENCES],
        write_only=True,
        required=False,
        help_text="children, towns, villages, all, or chosen (then recipients and/or codes)",
    )
    recipients = ScopedOrgField(many=True, write_only=True, required=False)
    codes = serializers.CharField(
        write_only=True, required=False, allow_blank=True, default="", max_length=4000
    )
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=RecipientRole.choices), required=False
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    task_kind = serializers.ChoiceField(choices=TaskKind.choices, required=False, default="")
    n_recipients = serializers.IntegerField(read_only=True)
    n_read = serializers.IntegerField(read_only=True)
    idempotency_key = serializers.UUIDField(write_only=True, required=False, allow_null=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "org",
            "title",
            "body",
            "urgency",
            "audience",
            "recipients",
            "codes",
            "roles",
            "reply_required",
            "reply_deadline",
            "task_kind",
            "task_campaign",
            "task_due",
            "sent_at",
            "n_recipients",
            "n_read",
            "idempotency_key",
        ]
        read_only_fields = ["sent_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("audience") and not attrs.get("recipients") and not attrs.get("codes"):
            raise serializers.ValidationError({"audience": [_("请选择发送范围，或指定接收组织。")]})
        return attrs


class ReceiptSerializer(serializers.ModelSerializer):
    org = serializers.IntegerField(source="org_id")
    org_code = serializers.CharField(source="org.code")
    org_name = serializers.CharField(source="org.name")
    read_by = serializers.CharField(source="read_by.username", default=None)
    task_done_on = serializers.DateField(allow_null=True)
    replies = serializers.IntegerField(source="replies_n")
    late_replies = serializers.IntegerField(source="late_n")

    class Meta:
        model = Recipient
        fields = [
            "org",
            "org_code",
            "org_name",
            "read_at",
            "read_by",
            "reminders",
            "reminded_at",
            "task_done_on",
            "replies",
            "late_replies",
        ]


class NoticeReplyInput(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    file = serializers.FileField(required=False, allow_null=True, default=None)


class ReplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    late = serializers.BooleanField()
    at = serializers.DateTimeField()


class RemindedSerializer(serializers.Serializer):
    reminded = serializers.IntegerField()


class TaskDoneSerializer(serializers.Serializer):
    task_done_at = serializers.DateTimeField()


BOX_PARAM = OpenApiParameter(
    "box", OpenApiTypes.STR, enum=["inbox", "sent"], description="inbox: to my org; sent: by it"
)
UNREAD_PARAM = OpenApiParameter("unread", OpenApiTypes.BOOL, description="inbox only")


@extend_schema_view(list=extend_schema(parameters=[BOX_PARAM, UNREAD_PARAM]))
class NoticeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Notices sent in the caller's subtree and to the caller's org. ``box=inbox`` (to the
    caller's org, ``unread=1`` for those its user has not opened) or ``box=sent``.
    Retrieving a notice sent to the caller's org records its read receipt, as opening the
    page does. A create with ``idempotency_key`` is safe to repeat."""

    serializer_class = NoticeSerializer

    def get_queryset(self) -> QuerySet[Notice]:
        queryset: QuerySet[Notice] = Notice.objects.for_user(self.request.user)
        if self.action == "list":
            queryset = self._box(queryset)
        return queryset.annotate(
            n_recipients=Count("recipients", distinct=True),
            n_read=Count("recipients", filter=Q(recipients__read_at__isnull=False), distinct=True),
        ).order_by("-sent_at", "-pk")

    def _box(self, queryset: QuerySet[Notice]) -> QuerySet[Notice]:
        params = self.request.query_params
        box = params.get("box", "")
        if box not in ("", "inbox", "sent"):
            raise serializers.ValidationError({"box": [_("应为 inbox 或 sent。")]})
        unread = params.get("unread", "")
        if unread not in ("", "0", "1", "true", "false"):
            raise serializers.ValidationError({"unread": [_("应为 0 或 1。")]})
        org = user_org(self.request.user)
        if box == "sent":
            return queryset.filter(org=org)
        if box == "inbox":
            received = Recipient.objects.filter(org=org)
            if unread in ("1", "true"):
                received = received.exclude(readings__user_id=self.request.user.pk or 0)
            return queryset.filter(pk__in=received.values("notice_id"))
        return queryset

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notice = self.get_object()
        services.open_notice(actor=request.user, notice=notice)
        return Response(self.get_serializer(self.get_queryset().get(pk=notice.pk)).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        audience = data.pop("audience", "") or "chosen"
        targets = call_service(
            services.resolve_targets,
            actor=request.user,
            audience=audience,
            chosen=data.pop("recipients", []),
            codes=data.pop("codes", ""),
        )
        notice = call_service(services.send_notice, actor=request.user, targets=targets, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=notice.pk)).data, status=201)

    @extend_schema(responses={200: ReceiptSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def receipts(self, request: Request, pk: str) -> Response:
        """Each recipient org's read receipt, reminders, task and replies (for the sender's
        side: the sender's org and those above it)."""
        notice = self.get_object()
        org = user_org(request.user)
        if org is None or not notice.org.path.startswith(org.path):
            return Response({"detail": _("未找到。")}, status=404)
        rows = list(
            notice.recipients.select_related("org", "read_by").annotate(
                replies_n=Count("replies"), late_n=Count("replies", filter=Q(replies__late=True))
            )
        )
        progress = services.task_progress(notice, rows)
        for r in rows:
            r.task_done_on = progress.get(r.pk)  # type: ignore[attr-defined]
        return Response(ReceiptSerializer(rows, many=True).data)

    @extend_schema(request=None, responses={200: RemindedSerializer})
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str) -> Response:
        """Remind every recipient org that has not read the notice (the sender only)."""
        notice = self.get_object()
        count = call_service(services.remind, actor=request.user, notice=notice)
        return Response({"reminded": count})

    @extend_schema(request=NoticeReplyInput, responses={201: ReplyOutput})
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        """The caller's org replies; after the deadline the reply is kept and marked late."""
        notice = self.get_object()
        data = NoticeReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        answer = call_service(
            services.reply,
            actor=request.user,
            notice=notice,
            text=data.validated_data["text"],
            upload=data.validated_data["file"],
        )
        return Response({"id": answer.pk, "late": answer.late, "at": answer.at}, status=201)

    @extend_schema(request=None, responses={200: TaskDoneSerializer})
    @action(detail=True, methods=["post"], url_path="task-done")
    def task_done(self, request: Request, pk: str) -> Response:
        """Mark a task that no record shows (kind ``manual``) done for the caller's org."""
        notice = self.get_object()
        recipient = call_service(services.mark_task_done, actor=request.user, notice=notice)
        return Response({"task_done_at": recipient.task_done_at})


class ReportFigureSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Figure
        fields = ["code", "computed", "corrected", "reason", "value"]


class ReportHistorySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = ReportHistory
        fields = ["from_status", "to_status", "actor", "at", "note"]


@extend_schema_serializer(component_name="PeriodicReport")
class PeriodicReportSerializer(serializers.ModelSerializer):
    org = serializers.IntegerField(source="org_id", read_only=True)
    org_code = serializers.CharField(source="org.code", read_only=True)
    figures = ReportFigureSerializer(many=True, read_only=True)
    history = ReportHistorySerializer(many=True, read_only=True)
    timeliness = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "round",
            "org",
            "org_code",
            "status",
            "narrative",
            "from_children",
            "first_submitted_at",
            "submitted_at",
            "reviewed_at",
            "review_comment",
            "timeliness",
            "figures",
            "history",
        ]
        read_only_fields = fields

    def get_timeliness(self, obj: Report) -> str:
        return obj.timeliness()


class ReportingRoundSerializer(serializers.ModelSerializer):
    org = serializers.IntegerField(source="org_id", read_only=True)
    indicators = serializers.ListField(child=serializers.CharField(max_length=80))
    depth = serializers.IntegerField(default=1)

    class Meta:
        model = Round
        fields = [
            "id",
            "org",
            "title",
            "period_code",
            "indicators",
            "narrative_prompt",
            "due",
            "depth",
        ]


class StartInput(serializers.Serializer):
    from_children = serializers.BooleanField(required=False, default=False)


class ReportCorrectionInput(serializers.Serializer):
    code = serializers.CharField(max_length=80)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, min_value=0)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ReportSaveInput(serializers.Serializer):
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    corrections = ReportCorrectionInput(many=True, required=False, default=list)


class ReportReviewInput(serializers.Serializer):
    accept = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ReportReopenInput(serializers.Serializer):
    note = serializers.CharField(max_length=300)


class ReportingRoundViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Reporting rounds the caller's org reports in, set, or sees below it. The district
    creates them (``fulian.configure``); ``start`` begins the caller's org's report."""

    serializer_class = ReportingRoundSerializer
    write_perm = "fulian.configure"

    def get_queryset(self) -> QuerySet[Round]:
        return Round.objects.for_user(self.request.user).select_related("org")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = call_service(
            services.create_round, actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=StartInput, responses={201: PeriodicReportSerializer})
    @action(detail=True, methods=["post"], write_perm="fulian.edit")
    def start(self, request: Request, pk: str) -> Response:
        """Start (or fetch) the caller's org's report, pre-filled from the records for the
        round's period (or, ``from_children``, summed from the accepted reports below)."""
        round = self.get_object()
        data = StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = call_service(
            services.start_report,
            actor=request.user,
            round=round,
            from_children=data.validated_data["from_children"],
        )
        fresh = Report.objects.prefetch_related("figures", "history__actor").get(pk=report.pk)
        return Response(PeriodicReportSerializer(fresh).data, status=201)


STATUS_PARAM = OpenApiParameter("status", OpenApiTypes.STR, enum=list(ReportStatus.values))
ROUND_PARAM = OpenApiParameter("round", OpenApiTypes.INT)


@extend_schema_view(list=extend_schema(parameters=[ROUND_PARAM, STATUS_PARAM]))
class PeriodicReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Reports of the caller's subtree. Filters: ``round`` (id), ``status``. Actions:
    ``save``, ``submit`` (the reporting org), ``review`` (the org directly above),
    ``reopen`` (the district)."""

    serializer_class = PeriodicReportSerializer

    def get_queryset(self) -> QuerySet[Report]:
        queryset = (
            Report.objects.for_user(self.request.user)
            .select_related("round", "org")
            .prefetch_related("figures", "history__actor")
        )
        params = self.request.query_params
        round_id = params.get("round", "")
        if round_id:
            pk = parse_id(round_id)
            if pk is None:
                raise serializers.ValidationError({"round": [_("应为报送轮次编号。")]})
            queryset = queryset.filter(round_id=pk)
        status = params.get("status", "")
        if status:
            if status not in ReportStatus.values:
                raise serializers.ValidationError(
                    {
                        "status": [
                            _("应为 %(values)s 之一。") % {"values": ", ".join(ReportStatus.values)}
                        ]
                    }
                )
            queryset = queryset.filter(status=status)
        return queryset.order_by("round", "org__path")

    def _done(self, report: Report) -> Response:
        fresh = self.get_queryset().get(pk=report.pk)
        return Response(PeriodicReportSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=ReportSaveInput, responses={200: PeriodicReportSerializer})
    @action(detail=True, methods=["post"], url_path="save")
    def save_report(self, request: Request, pk: str) -> Response:
        """Save the narrative and figures; a corrected figure needs a ``reason``."""
        report = self.get_object()
        data = ReportSaveInput(data=request.data)
        data.is_valid(raise_exception=True)
        corrections = {
            c["code"]: (c["value"], c["reason"]) for c in data.validated_data["corrections"]
        }
        call_service(
            services.save_report,
            actor=request.user,
            report=report,
            narrative=data.validated_data["narrative"],
            corrections=corrections,
        )
        return self._done(report)

    @extend_schema(request=None, responses={200: PeriodicReportSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        report = self.get_object()
        call_service(services.submit_report, actor=request.user, report=report)
        return self._done(report)

    @extend_schema(request=ReportReviewInput, responses={200: PeriodicReportSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        """Accept (the report is locked) or return it with a ``comment``."""
        report = self.get_object()
        data = ReportReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.review_report, actor=request.user, report=report, **data.validated_data
        )
        return self._done(report)

    @extend_schema(request=ReportReopenInput, responses={200: PeriodicReportSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        """Reopen an accepted report, with a ``note`` (the district only)."""
        report = self.get_object()
        data = ReportReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.reopen_report, actor=request.user, report=report, **data.validated_data
        )
        return self._done(report)


def register(router: Any) -> None:
    router.register("notices", NoticeViewSet, basename="notice")
    router.register("report-rounds", ReportingRoundViewSet, basename="report-round")
    router.register("reports", PeriodicReportViewSet, basename="report")
