"""Help requests (诉求) and family-dispute mediation (婚调): a woman asks for help, the
village or town federation of her place answers; a dispute becomes a case in a mediation
workroom, with parties, mediators, sessions, an outcome, referrals and follow-up visits.

Cases are confidential: who may open one is decided in ``fulian.cases.access``, never here.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fulian.core.audit import OrgAuditMixin
from fulian.core.models import StatusHistory
from fulian.core.personal_data import (
    ID_NUMBER,
    PHONE,
    SensitiveValue,
    cipher_field,
    index_field,
    mask,
)
from fulian.core.scope import ScopedQuerySet
from fulian.core.workflow import Transition, Workflow

# --- configuration ---------------------------------------------------------------------------


class Category(models.TextChoices):
    MARRIAGE = "marriage", _("婚姻家庭纠纷")
    VIOLENCE = "violence", _("家庭暴力")
    RIGHTS = "rights", _("权益维护")
    LEGAL = "legal", _("法律咨询")
    COUNSELLING = "counselling", _("心理疏导")
    EMPLOYMENT = "employment", _("就业创业")
    HARDSHIP = "hardship", _("生活困难")
    CHILD = "child", _("儿童保护")
    OTHER = "other", _("其他")


# Working days are not modelled: a limit is in calendar days from receipt.
DEFAULT_LIMITS: dict[str, tuple[int, bool]] = {
    # category: (days to answer, route to the town federation rather than the village)
    Category.MARRIAGE: (7, False),
    Category.VIOLENCE: (1, True),
    Category.RIGHTS: (7, False),
    Category.LEGAL: (5, False),
    Category.COUNSELLING: (5, False),
    Category.EMPLOYMENT: (10, False),
    Category.HARDSHIP: (7, False),
    Category.CHILD: (1, True),
    Category.OTHER: (10, False),
}


class CategoryRule(models.Model):
    """The time limit of a category and where its requests go (district configuration)."""

    category = models.CharField(_("诉求类别"), max_length=20, choices=Category.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("办理时限（天）"))
    route_to_town = models.BooleanField(_("直接交乡镇（街道）妇联办理"), default=False)

    class Meta:
        verbose_name = _("诉求办理时限")
        verbose_name_plural = _("诉求办理时限")
        ordering = ["category"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.days}"


class BodyKind(models.TextChoices):
    COURT = "court", _("法院")
    JUSTICE = "justice", _("司法所")
    POLICE = "police", _("公安")
    CIVIL = "civil", _("民政")
    LEGAL_AID = "legal_aid", _("法律援助")
    PSYCHOLOGY = "psychology", _("心理服务机构")
    OTHER = "other", _("其他")


class OutsideBody(models.Model):
    """A body outside the federation that cases are referred to (a configurable list)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=BodyKind.choices)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("外部转介机构")
        verbose_name_plural = _("外部转介机构")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


# --- help requests ---------------------------------------------------------------------------


class Source(models.TextChoices):
    ONLINE = "online", _("网上求助")
    WALK_IN = "walk_in", _("来访")
    HOTLINE = "hotline", _("12338 热线")
    DEPARTMENT = "department", _("部门转来")
    VISIT = "visit", _("走访发现")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ASSIGNED = "assigned", _("已分派")
    IN_PROGRESS = "in_progress", _("办理中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


OPEN_REQUEST_STATUSES = (
    RequestStatus.RECEIVED,
    RequestStatus.ASSIGNED,
    RequestStatus.IN_PROGRESS,
)


class Feedback(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
    NONE = "none", _("未评价")


# Letters and digits that cannot be misread (no 0/O, 1/I/L): 31 symbols, 12 of them
# (about 59 bits); drawn by ``secrets``, so neither guessable nor sequential.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return "".join(c for c in (text or "").upper() if c.isalnum())[: CODE_LENGTH + 4]


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _staff_edits(actor: Any, obj: Any) -> bool:
    return bool(actor is not None and actor.has_perm("fulian.edit"))


class HelpRequestQuerySet(ScopedQuerySet["HelpRequest"]):
    def overdue(self, today: datetime.date) -> HelpRequestQuerySet:
        return self.filter(status__in=OPEN_REQUEST_STATUSES, due_on__lt=today)


class HelpRequest(OrgAuditMixin, models.Model):
    """One request for help: from the public form or taken in by staff, routed to ``org``
    (the village or town federation of ``place``)."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("承办组织"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        "orgs.Org", verbose_name=_("所在村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("诉求类别"), max_length=20, choices=Category.choices)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    # Which visit, hotline ticket or department letter it came from, as text.
    source_ref = models.CharField(_("来源说明"), max_length=100, blank=True)
    # The visit whose need this request is (source "visit"), in the duty app's register.
    visit = models.ForeignKey(
        "duty.Visit", verbose_name=_("走访记录"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="help_requests", db_column="visit_ref",
    )  # fmt: skip
    description = models.TextField(_("诉求内容"))
    name = models.CharField(_("称呼"), max_length=30, blank=True)
    phone_cipher = cipher_field()
    phone_index = index_field()
    phone = SensitiveValue(PHONE, "phone")
    may_call = models.BooleanField(_("可以电话联系"), default=True)
    tracking_code = models.CharField(
        _("查询码"), max_length=CODE_LENGTH, unique=True, default=new_tracking_code, editable=False
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    received_on = models.DateField(_("受理日期"))
    due_on = models.DateField(_("办理期限"))
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    feedback = models.CharField(
        _("评价"), max_length=20, choices=Feedback.choices, default=Feedback.NONE
    )
    feedback_text = models.CharField(_("评价意见"), max_length=300, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HelpRequestQuerySet.as_manager()

    workflow = Workflow(
        noun=_("诉求"),
        states=RequestStatus,
        history="cases.RequestHistory",
        subject="request",
        transitions=[
            Transition(RequestStatus.RECEIVED, RequestStatus.ASSIGNED, allowed=_staff_edits),
            # Reassignment (up or down the tree, or to another handler) lands in "assigned".
            Transition(RequestStatus.ASSIGNED, RequestStatus.ASSIGNED, allowed=_staff_edits),
            Transition(RequestStatus.IN_PROGRESS, RequestStatus.ASSIGNED, allowed=_staff_edits),
            Transition(RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS, allowed=_staff_edits),
            Transition(RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS, allowed=_staff_edits),
            Transition(RequestStatus.IN_PROGRESS, RequestStatus.ANSWERED, allowed=_staff_edits),
            Transition(RequestStatus.ANSWERED, RequestStatus.IN_PROGRESS, allowed=_staff_edits),
            Transition(RequestStatus.ANSWERED, RequestStatus.CLOSED, allowed=_staff_edits),
        ],
    )

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["category", "received_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.received_on:%Y-%m-%d}"

    @property
    def masked_phone(self) -> str:
        return mask(PHONE, self.phone) if self.phone_cipher else ""

    @property
    def display_code(self) -> str:
        return format_code(self.tracking_code)

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status in OPEN_REQUEST_STATUSES and self.due_on < today

    def answered_in_time(self) -> bool:
        return self.answered_on is not None and self.answered_on <= self.due_on


class RequestHistory(StatusHistory):
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="history")
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta(StatusHistory.Meta):
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")


class RequestReply(models.Model):
    """A reply to the woman (shown on her status page) or an internal note."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("内容"))
    public = models.BooleanField(_("求助人可见"), default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("诉求答复")
        verbose_name_plural = _("诉求答复")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.request.org_id, "org_path": self.request.org.path}


# --- mediation cases -------------------------------------------------------------------------


class DisputeType(models.TextChoices):
    MARRIAGE = "marriage", _("婚姻矛盾")
    DIVORCE = "divorce", _("离婚纠纷")
    VIOLENCE = "violence", _("家庭暴力")
    CUSTODY = "custody", _("抚养探视")
    SUPPORT = "support", _("赡养扶养")
    IN_LAWS = "in_laws", _("婆媳（代际）矛盾")
    PROPERTY = "property", _("家庭财产继承")
    OTHER = "other", _("其他家庭纠纷")


class Risk(models.TextChoices):
    NORMAL = "normal", _("一般")
    ELEVATED = "elevated", _("较高")
    HIGH = "high", _("高")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("调解成功")
    PARTIAL = "partial", _("部分成功")
    FAILED = "failed", _("未成功")
    REFERRED = "referred", _("转介")


class CaseStatus(models.TextChoices):
    ACCEPTED = "accepted", _("已受理")
    MEDIATING = "mediating", _("调解中")
    CONCLUDED = "concluded", _("已出结果")
    CLOSED = "closed", _("已结案")


def _case_worker(actor: Any, case: Any) -> bool:
    from fulian.cases.access import may_work_on

    return may_work_on(actor, case)


class CaseQuerySet(ScopedQuerySet["Case"]):
    pass


class Case(OrgAuditMixin, models.Model):
    """A family dispute mediated in a workroom (``venue``, of type 执委婚调工作室). ``org``
    is the workroom's org, kept here so scope is one range on the path."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("工作室所属组织"), on_delete=models.PROTECT, related_name="+"
    )
    venue = models.ForeignKey(
        "venues.Venue", verbose_name=_("婚调工作室"), on_delete=models.PROTECT, related_name="+"
    )
    request = models.OneToOneField(
        HelpRequest,
        verbose_name=_("来源诉求"),
        on_delete=models.PROTECT,
        related_name="case",
        null=True,
        blank=True,
    )
    number = models.CharField(_("案件编号"), max_length=20, unique=True)
    dispute_type = models.CharField(_("纠纷类型"), max_length=20, choices=DisputeType.choices)
    risk = models.CharField(_("风险等级"), max_length=10, choices=Risk.choices)
    domestic_violence = models.BooleanField(_("涉及家庭暴力"), default=False)
    minors_involved = models.BooleanField(_("涉及未成年人"), default=False)
    summary = models.TextField(_("案情摘要"))
    status = models.CharField(
        _("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACCEPTED
    )
    opened_on = models.DateField(_("受理日期"))
    outcome = models.CharField(_("调解结果"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    concluded_on = models.DateField(_("结果日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    agreement_text = models.TextField(_("协议内容"), blank=True)
    agreement_file = models.FileField(
        _("调解协议"), upload_to="cases/agreements/%Y/%m/", max_length=200, blank=True
    )
    agreement_name = models.CharField(max_length=200, blank=True)
    agreement_type = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    workflow = Workflow(
        noun=_("案件"),
        states=CaseStatus,
        history="cases.CaseHistory",
        subject="case",
        transitions=[
            Transition(CaseStatus.ACCEPTED, CaseStatus.MEDIATING, allowed=_case_worker),
            Transition(CaseStatus.ACCEPTED, CaseStatus.CONCLUDED, allowed=_case_worker),
            Transition(CaseStatus.MEDIATING, CaseStatus.CONCLUDED, allowed=_case_worker),
            Transition(CaseStatus.CONCLUDED, CaseStatus.MEDIATING, allowed=_case_worker),
            Transition(CaseStatus.CONCLUDED, CaseStatus.CLOSED, allowed=_case_worker),
        ],
    )

    class Meta:
        verbose_name = _("婚调案件")
        verbose_name_plural = _("婚调案件")
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "risk"]),
            models.Index(fields=["opened_on"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_high_risk(self) -> bool:
        return self.risk == Risk.HIGH


class CaseHistory(StatusHistory):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("案件记录")
        verbose_name_plural = _("案件记录")


class CaseChildQuerySet(ScopedQuerySet[Any]):
    org_field = "case__org"


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")
    OTHER = "other", _("其他当事人")
    CHILD = "child", _("未成年子女")


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=20, choices=PartyRole.choices)
    name = models.CharField(_("姓名"), max_length=30)
    is_minor = models.BooleanField(_("未成年人"), default=False)
    id_number_cipher = cipher_field()
    id_number_index = index_field()
    id_number = SensitiveValue(ID_NUMBER, "id_number")
    phone_cipher = cipher_field()
    phone_index = index_field()
    phone = SensitiveValue(PHONE, "phone")
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.get_role_display()

    @property
    def masked_phone(self) -> str:
        return mask(PHONE, self.phone) if self.phone_cipher else ""

    @property
    def masked_id_number(self) -> str:
        return mask(ID_NUMBER, self.id_number) if self.id_number_cipher else ""

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.case.org_id, "org_path": self.case.org.path}


class CaseMediator(models.Model):
    """A mediator on a case: an account (an executive: opens the case) or a named mediator
    without an account (recorded, opens nothing)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调解员账号"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    name = models.CharField(_("调解员"), max_length=30)
    lead = models.BooleanField(_("主调解员"), default=False)

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")
        ordering = ["-lead", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="cases_one_mediator_per_user")
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.case.org_id, "org_path": self.case.org.path}


class MediationSession(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("调解日期"))
    attendees = models.CharField(_("参加人员"), max_length=200)
    agreed = models.TextField(_("达成事项"), blank=True)
    notes = models.TextField(_("调解记录"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("调解会谈")
        verbose_name_plural = _("调解会谈")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.case.org_id, "org_path": self.case.org.path}


class FollowUpQuerySet(ScopedQuerySet["FollowUp"]):
    org_field = "case__org"

    def pending(self) -> FollowUpQuerySet:
        return self.filter(done_on__isnull=True)


class FollowUp(models.Model):
    """A follow-up visit planned ``months`` after the outcome, and what it found."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("结果后月数"))
    due_on = models.DateField(_("应回访日期"))
    done_on = models.DateField(_("回访日期"), null=True, blank=True)
    finding = models.TextField(_("回访情况"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on", "done_on"])]

    def __str__(self) -> str:
        return f"{self.months}"

    @property
    def on_time(self) -> bool:
        return self.done_on is not None and self.done_on <= self.due_on

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.case.org_id, "org_path": self.case.org.path}


# --- referrals -------------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("已转介")
    ANSWERED = "answered", _("已回复")
    WITHDRAWN = "withdrawn", _("已撤回")


class ReferralQuerySet(ScopedQuerySet["Referral"]):
    org_field = "case__org"

    def awaiting(self, today: datetime.date) -> ReferralQuerySet:
        """Sent, unanswered, past the day an answer was expected."""
        return self.filter(status=ReferralStatus.SENT, answer_by__lt=today)


class Referral(models.Model):
    """A case referred to another org in the tree or to an outside body."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    to_org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("转介至组织"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    to_body = models.ForeignKey(
        OutsideBody,
        verbose_name=_("转介至机构"),
        on_delete=models.PROTECT,
        related_name="referrals",
        null=True,
        blank=True,
    )
    reason = models.TextField(_("转介理由"))
    sent_on = models.DateField(_("转介日期"))
    answer_by = models.DateField(_("应回复日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    answer = models.TextField(_("接收方回复"), blank=True)
    answered_on = models.DateField(_("回复日期"), null=True, blank=True)
    reminded_on = models.DateField(_("最近催办日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()

    workflow = Workflow(
        noun=_("转介"),
        states=ReferralStatus,
        history="cases.ReferralHistory",
        subject="referral",
        transitions=[
            Transition(ReferralStatus.SENT, ReferralStatus.ANSWERED),
            Transition(ReferralStatus.SENT, ReferralStatus.WITHDRAWN),
        ],
    )

    class Meta:
        verbose_name = _("转介")
        verbose_name_plural = _("转介")
        ordering = ["sent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_org__isnull=False, to_body__isnull=True)
                | models.Q(to_org__isnull=True, to_body__isnull=False),
                name="cases_referral_one_receiver",
            )
        ]

    def __str__(self) -> str:
        return self.receiver_name

    @property
    def receiver_name(self) -> str:
        target = self.to_org if self.to_org_id else self.to_body
        return str(target) if target is not None else ""

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.case.org_id, "org_path": self.case.org.path}


class ReferralHistory(StatusHistory):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("转介记录")
        verbose_name_plural = _("转介记录")
