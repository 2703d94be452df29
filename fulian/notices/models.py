"""Work up and down the tree: notices (通知) with read receipts, replies and tasks, and
periodic reports (报表报送) in reporting rounds, submitted, reviewed and locked."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fulian.core.audit import OrgAuditMixin
from fulian.core.models import StatusHistory
from fulian.core.periods import Period, today
from fulian.core.scope import ScopedQuerySet, subtree_bounds, user_org
from fulian.core.workflow import Transition, Workflow


def upload_path(instance: Any, filename: str) -> str:
    """A random name: the uploader's file name never reaches disk."""
    return f"notices/{today():%Y/%m}/{uuid.uuid4().hex}"


# --- notices ---------------------------------------------------------------------------------


class Urgency(models.TextChoices):
    NORMAL = "normal", _("普通")
    URGENT = "urgent", _("紧急")
    VERY_URGENT = "very_urgent", _("特急")


class RecipientRole(models.TextChoices):
    """Positions a notice can be addressed to (``people.PositionKind`` values)."""

    CHAIR = "chair", _("主席")
    EXECUTIVE = "executive", _("执委")
    GRID_WORKER = "grid_worker", _("网格员")


class TaskKind(models.TextChoices):
    """What a task asks for, and which record shows it done (nobody reports twice)."""

    NONE = "", _("无任务")
    ACTIVITY = "activity", _("开展活动（按活动品牌）")
    VISIT = "visit", _("入户走访")
    ASSESSMENT = "assessment", _("阵地评估")
    MANUAL = "manual", _("其他（由接收组织标记完成）")


RECORD_TASKS = frozenset({TaskKind.ACTIVITY, TaskKind.VISIT, TaskKind.ASSESSMENT})


class NoticeQuerySet(models.QuerySet["Notice"]):
    def sent_in_subtree(self, org: Any) -> NoticeQuerySet:
        return self.filter(org__path__range=subtree_bounds(org.path))

    def for_user(self, user: Any) -> NoticeQuerySet:
        """Notices the user's subtree sent, and notices to the user's own org."""
        org = user_org(user)
        if org is None:
            return self.none()
        return self.filter(
            models.Q(org__path__range=subtree_bounds(org.path))
            | models.Q(pk__in=Recipient.objects.filter(org=org).values("notice_id"))
        )


class Notice(OrgAuditMixin, models.Model):
    """A notice sent by ``org`` to some of the orgs below it; sent when saved."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("发文组织"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    urgency = models.CharField(
        _("紧急程度"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    roles = models.JSONField(_("发送对象职务"), default=list, blank=True)
    reply_required = models.BooleanField(_("需要回执"), default=False)
    reply_deadline = models.DateField(_("回执截止日期"), null=True, blank=True)
    task_kind = models.CharField(
        _("任务类型"), max_length=12, choices=TaskKind.choices, default="", blank=True
    )
    task_campaign = models.ForeignKey(
        "events.Campaign",
        verbose_name=_("活动品牌"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    task_due = models.DateField(_("任务完成期限"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("发送时间"))
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_task(self) -> bool:
        return bool(self.task_kind)

    def role_labels(self) -> list[str]:
        return [str(RecipientRole(r).label) for r in self.roles if r in RecipientRole.values]


class RecipientQuerySet(ScopedQuerySet["Recipient"]):
    pass


class Recipient(OrgAuditMixin, models.Model):
    """One org a notice went to: its read receipt (the first reader), reminders, its task."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("接收组织"), on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅读人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_at = models.DateTimeField(_("最近提醒时间"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("提醒次数"), default=0)
    task_done_at = models.DateTimeField(_("标记完成时间"), null=True, blank=True)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知接收组织")
        verbose_name_plural = _("通知接收组织")
        ordering = ["org__path", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "org"], name="notices_recipient_once")
        ]
        indexes = [models.Index(fields=["org", "read_at"])]

    def __str__(self) -> str:
        return f"{self.notice} → {self.org}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Reading(models.Model):
    """Each user who opened a notice for a recipient org, the first time: who, when."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="readings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("阅读时间"))

    class Meta:
        verbose_name = _("阅读记录")
        verbose_name_plural = _("阅读记录")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "user"], name="notices_reading_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to=upload_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("通知附件")
        verbose_name_plural = _("通知附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.notice.org_id, "org_path": self.notice.org.path}


class Reply(models.Model):
    """A recipient org's reply (回执): text and/or a file; late when after the deadline."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("回执内容"), blank=True)
    file = models.FileField(_("回执附件"), upload_to=upload_path, max_length=200, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回执人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("回执时间"))
    late = models.BooleanField(_("逾期"), default=False)

    class Meta:
        verbose_name = _("回执")
        verbose_name_plural = _("回执")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.recipient} {self.at:%Y-%m-%d}"

    def get_additional_data(self) -> dict[str, Any]:
        org = self.recipient.org
        return {"org_id": org.pk, "org_path": org.path}


# --- periodic reports ------------------------------------------------------------------------


class RoundQuerySet(models.QuerySet["Round"]):
    def for_user(self, user: Any) -> RoundQuerySet:
        """Rounds set by the user's org or above it (which it reports in), or below it."""
        org = user_org(user)
        if org is None:
            return self.none()
        ancestors = [org.path[:i] for i in range(org.steplen, len(org.path) + 1, org.steplen)]
        return self.filter(
            models.Q(org__path__in=ancestors) | models.Q(org__path__range=subtree_bounds(org.path))
        )


class Round(OrgAuditMixin, models.Model):
    """A reporting round (报表报送): the orgs ``depth`` levels below ``org`` report the
    chosen indicators for ``period`` and a narrative by ``due``; each to the org above it."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("发起组织"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=200)
    period_code = models.CharField(_("报告期"), max_length=24)
    indicators = models.JSONField(_("报送指标"), default=list)
    narrative_prompt = models.TextField(_("文字报告要求"), blank=True)
    due = models.DateField(_("报送截止日期"))
    depth = models.PositiveSmallIntegerField(
        _("报送层级"), default=1, help_text=_("1：下一级组织报送；2：再下一级也报送（向其上级）")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("报送轮次")
        verbose_name_plural = _("报送轮次")
        ordering = ["-due", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> Period:
        return Period.parse(self.period_code)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已采纳")
    REOPENED = "reopened", _("已重新打开")


EDITABLE_STATUSES = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED, ReportStatus.REOPENED})


def is_reporting_org(actor: Any, report: Report) -> bool:
    return bool(actor.org_id == report.org_id and actor.has_perm("fulian.edit"))


def is_reviewer(actor: Any, report: Report) -> bool:
    """The org directly above the reporting org reviews; never the reporting org itself."""
    parent_path = report.org.path[: -report.org.steplen]
    return bool(
        actor.org_id
        and actor.org_id != report.org_id
        and actor.org.path == parent_path
        and actor.has_perm("fulian.edit")
    )


def is_round_owner(actor: Any, report: Report) -> bool:
    """Only the org that set the round (the district) reopens an accepted report."""
    return bool(actor.org_id == report.round.org_id and actor.has_perm("fulian.edit"))


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("按时")
    LATE = "late", _("逾期报送")
    MISSING = "missing", _("未报")
    PENDING = "pending", _("未到期")


class Report(OrgAuditMixin, models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reports")
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("报送组织"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    narrative = models.TextField(_("文字报告"), blank=True)
    from_children = models.BooleanField(_("按下级已采纳报表汇总"), default=False)
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    workflow = Workflow(
        noun=_("报表"),
        states=ReportStatus,
        history="notices.ReportHistory",
        subject="report",
        transitions=[
            Transition(ReportStatus.DRAFT, ReportStatus.SUBMITTED, allowed=is_reporting_org),
            Transition(ReportStatus.RETURNED, ReportStatus.SUBMITTED, allowed=is_reporting_org),
            Transition(ReportStatus.REOPENED, ReportStatus.SUBMITTED, allowed=is_reporting_org),
            Transition(ReportStatus.SUBMITTED, ReportStatus.RETURNED, allowed=is_reviewer),
            Transition(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, allowed=is_reviewer),
            Transition(ReportStatus.ACCEPTED, ReportStatus.REOPENED, allowed=is_round_owner),
        ],
    )

    class Meta:
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        ordering = ["round", "org__path", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "org"], name="notices_report_once")]

    def __str__(self) -> str:
        return f"{self.round} · {self.org}"

    @property
    def locked(self) -> bool:
        return self.status not in EDITABLE_STATUSES

    def ordered_figures(self) -> list[Figure]:
        """The figures in the order the round lists its indicators."""
        order = {code: n for n, code in enumerate(self.round.indicators)}
        return sorted(self.figures.all(), key=lambda f: (order.get(f.code, len(order)), f.code))

    def timeliness(self, on: datetime.date | None = None) -> str:
        return timeliness(self.first_submitted_at, self.round.due, on)


def timeliness(submitted_at: Any, due: datetime.date, on: datetime.date | None = None) -> str:
    from django.utils import timezone

    if submitted_at is not None:
        day = timezone.localtime(submitted_at).date()
        return Timeliness.ON_TIME if day <= due else Timeliness.LATE
    return Timeliness.MISSING if (on or today()) > due else Timeliness.PENDING


class ReportHistory(StatusHistory):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("报表状态记录")
        verbose_name_plural = _("报表状态记录")

    @property
    def from_label(self) -> str:
        return Report.workflow.label(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return Report.workflow.label(self.to_status)


class Figure(models.Model):
    """One indicator of a report: the figure from the records when the report was filled
    (``computed``), and the org's correction (``corrected``, with its ``reason``)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="figures")
    code = models.CharField(_("指标代码"), max_length=80)
    computed = models.DecimalField(
        _("系统数据"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("空：该指标不能按此报告期从记录计算，由报送组织填写"),
    )
    corrected = models.DecimalField(
        _("更正数据"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    reason = models.CharField(_("更正理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("报表数据")
        verbose_name_plural = _("报表数据")
        ordering = ["report", "code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "code"], name="notices_figure_once")
        ]

    def __str__(self) -> str:
        return f"{self.code}={self.value}"

    @property
    def value(self) -> Decimal | None:
        return self.corrected if self.corrected is not None else self.computed

    @property
    def is_correction(self) -> bool:
        """A figure the org changed from the records' (not one it filled in because the
        records could not give it)."""
        return self.corrected is not None and self.computed is not None

    def get_additional_data(self) -> dict[str, Any]:
        org = self.report.org
        return {"org_id": org.pk, "org_path": org.path}
