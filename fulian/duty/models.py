"""干 duty: duty reports with one comment each, democratic evaluation rounds with anonymous
ballots, the service-project library with claims, the visit register, and the point rules
of the duty file.

Every status here moves through ``core.workflow`` (project, claim, visit follow-up,
evaluation round). The duty file itself is not stored: ``services.duty_file`` assembles it
from the records (check-ins, reports, ballots, claims, visits, activities).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fulian.core import personal_data as pd
from fulian.core.audit import OrgAuditMixin
from fulian.core.models import StatusHistory
from fulian.core.scope import ScopedQuerySet, subtree_bounds
from fulian.core.workflow import Transition, Workflow

# Positions whose holders are executives for the duty loop (the chair and vice-chairs are
# members of the executive committee too).
EXECUTIVE_KINDS = ("chair", "vice_chair", "executive")


def is_above(actor: Any, org: Any) -> bool:
    """The actor edits for an org strictly above ``org`` (the org that reviews and verifies)."""
    actor_org = getattr(actor, "org", None)
    if actor_org is None or not actor.has_perm("fulian.edit"):
        return False
    low, high = subtree_bounds(actor_org.path)
    return actor_org.path != org.path and low <= org.path <= high


class AccountLink(models.Model):
    """This account is this person: lets an executive see her own reports, projects and
    duty file, and stops her from verifying her own project."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="person_link",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="account_links",
    )

    class Meta:
        verbose_name = _("账号对应人员")
        verbose_name_plural = _("账号对应人员")

    def __str__(self) -> str:
        return f"{self.user} → {self.person}"


class DutySettings(OrgAuditMixin, models.Model):
    """Per-org settings of the duty loop; an org without a row uses its nearest ancestor's,
    or the defaults."""

    org = models.OneToOneField(
        "orgs.Org", verbose_name=_("组织"), on_delete=models.CASCADE, related_name="duty_settings"
    )
    max_active_claims = models.PositiveSmallIntegerField(
        _("每人同时认领项目数上限"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("“一人一事”：默认每名执委同时只认领一个项目。"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("履职设置")
        verbose_name_plural = _("履职设置")

    def __str__(self) -> str:
        return str(self.org)


# --- 1. duty reports at meetings ---


class DutyReport(OrgAuditMixin, models.Model):
    """One executive's duty report (述职) at a meeting, with its one comment (一述一评)."""

    meeting = models.ForeignKey(
        "events.Activity",
        verbose_name=_("会议"),
        on_delete=models.PROTECT,
        related_name="duty_reports",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="duty_reports"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("述职执委"),
        on_delete=models.PROTECT,
        related_name="duty_reports",
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    title = models.CharField(_("述职题目"), max_length=200, blank=True)
    text = models.TextField(_("述职内容"), blank=True)
    file = models.FileField(_("述职材料"), upload_to="duty/reports/", blank=True)
    file_type = models.CharField(max_length=100, blank=True, editable=False)
    file_name = models.CharField(max_length=200, blank=True, editable=False)
    reported_on = models.DateField(_("述职日期"))
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("述职")
        verbose_name_plural = _("述职")
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="duty_report_unique_person")
        ]
        indexes = [models.Index(fields=["org", "reported_on"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.meeting}"


class DutyComment(models.Model):
    """The one comment given to a duty report: by the chair or a named commenter."""

    report = models.OneToOneField(
        DutyReport, verbose_name=_("述职"), on_delete=models.CASCADE, related_name="comment"
    )
    commenter = models.CharField(_("点评人"), max_length=50)
    text = models.TextField(_("点评意见"))
    given_on = models.DateField(_("点评日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("述职点评")
        verbose_name_plural = _("述职点评")

    def __str__(self) -> str:
        return f"{self.commenter}: {self.text[:20]}"


# --- 2. democratic evaluation ---


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    UNFIT = "unfit", _("不称职")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("准备中")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已结束")


def may_chair(actor: Any, obj: Any) -> bool:
    """The chair's side: an editor of the round's org or above."""
    if actor is None:
        return True
    org = getattr(actor, "org", None)
    if org is None or not actor.has_perm("fulian.edit"):
        return False
    low, high = subtree_bounds(org.path)
    return low <= obj.org.path <= high


class EvaluationRound(OrgAuditMixin, models.Model):
    """A democratic evaluation (民主评议测评) at a meeting."""

    meeting = models.ForeignKey(
        "events.Activity",
        verbose_name=_("会议"),
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("组织"),
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
    )
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    unfit_flag_percent = models.DecimalField(
        _("不称职票超过此比例即认定不称职（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("33.33"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    excellent_percent = models.DecimalField(
        _("优秀票达到此比例评为优秀（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    opened_at = models.DateTimeField(_("开始投票"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束投票"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    workflow = Workflow(
        noun=_("测评"),
        states=RoundStatus,
        history="duty.RoundHistory",
        subject="round",
        transitions=[
            Transition(RoundStatus.DRAFT, RoundStatus.OPEN, allowed=may_chair),
            Transition(RoundStatus.OPEN, RoundStatus.CLOSED, allowed=may_chair),
        ],
    )

    class Meta:
        verbose_name = _("民主评议测评")
        verbose_name_plural = _("民主评议测评")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class RoundHistory(StatusHistory):
    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("测评状态记录")
        verbose_name_plural = _("测评状态记录")


class RoundScopedQuerySet(ScopedQuerySet[Any]):
    org_field = "round__org"


class Evaluee(models.Model):
    """An executive evaluated in a round."""

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("测评"), on_delete=models.CASCADE, related_name="evaluees"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("被测评执委"), on_delete=models.PROTECT,
        related_name="evaluations",
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)

    objects = RoundScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("被测评人")
        verbose_name_plural = _("被测评人")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="duty_evaluee_unique")
        ]

    def __str__(self) -> str:
        return str(self.person)


class BallotCode(models.Model):
    """A one-time ballot code handed out at the meeting. It carries no time and no link to
    the ballot cast with it: voting only flips ``used``."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="codes", editable=False
    )
    code = models.CharField(_("投票码"), max_length=12, unique=True)
    used = models.BooleanField(_("已使用"), default=False)

    objects = RoundScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("投票码")
        verbose_name_plural = _("投票码")
        ordering = ["round", "code"]
        indexes = [models.Index(fields=["round", "used"])]

    def __str__(self) -> str:
        return self.code


class Ballot(models.Model):
    """A cast ballot: the round and the grade given to each evaluee (``{evaluee id: grade}``),
    nothing else (no code, no time, no voter). The random primary key keeps the order of
    voting out of the ids, and ``services.cast_ballot`` rewrites the round's ballots in a
    random order at every vote, so that not even the order of rows on disk follows it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="ballots")
    grades = models.JSONField(default=dict)

    objects = RoundScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")

    def __str__(self) -> str:
        return str(self.round)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("a cast ballot cannot be changed")
        super().save(*args, **kwargs)


# --- 3. service-project library and claims ---


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    RETURNED = "returned", _("已退回")
    PUBLISHED = "published", _("可认领")
    CLAIMED = "claimed", _("已认领")
    COMPLETED = "completed", _("待验收")
    VERIFIED = "verified", _("已验收")


class ProjectQuerySet(ScopedQuerySet["Project"]):
    def in_year(self, year: int) -> ProjectQuerySet:
        return self.filter(
            Q(planned_start__year=year) | Q(planned_start__isnull=True, created_at__year=year)
        )


def _reviewer(actor: Any, project: Any) -> bool:
    return actor is None or is_above(actor, project.org)


class Project(OrgAuditMixin, models.Model):
    """A service project (我为妇女儿童办实事) proposed for a village, community or grid."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("村/社区"), on_delete=models.PROTECT, related_name="projects"
    )
    grid = models.ForeignKey(
        "people.Grid", verbose_name=_("网格"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="projects",
    )  # fmt: skip
    campaign = models.ForeignKey(
        "events.Campaign", verbose_name=_("活动品牌"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="projects",
    )  # fmt: skip
    title = models.CharField(_("项目名称"), max_length=200)
    need = models.TextField(_("解决的需求"))
    beneficiaries = models.CharField(_("受益对象"), max_length=200)
    beneficiary_count = models.PositiveIntegerField(_("受益人数"), null=True, blank=True)
    planned_start = models.DateField(_("计划开始"), null=True, blank=True)
    planned_end = models.DateField(_("计划完成"), null=True, blank=True)
    budget = models.DecimalField(
        _("预算（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    workflow = Workflow(
        noun=_("服务项目"),
        states=ProjectStatus,
        history="duty.ProjectHistory",
        subject="project",
        transitions=[
            Transition(ProjectStatus.PROPOSED, ProjectStatus.PUBLISHED, allowed=_reviewer),
            Transition(ProjectStatus.PROPOSED, ProjectStatus.RETURNED, allowed=_reviewer),
            Transition(ProjectStatus.RETURNED, ProjectStatus.PROPOSED),
            # Claims, releases, completion and verification move the project with the claim.
            (ProjectStatus.PUBLISHED, ProjectStatus.CLAIMED),
            (ProjectStatus.CLAIMED, ProjectStatus.PUBLISHED),
            (ProjectStatus.CLAIMED, ProjectStatus.COMPLETED),
            (ProjectStatus.COMPLETED, ProjectStatus.CLAIMED),
            Transition(ProjectStatus.COMPLETED, ProjectStatus.VERIFIED, allowed=_reviewer),
        ],
    )

    class Meta:
        verbose_name = _("实事项目")
        verbose_name_plural = _("实事项目")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["org", "status"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title


class ProjectHistory(StatusHistory):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("项目状态记录")
        verbose_name_plural = _("项目状态记录")


class ClaimStatus(models.TextChoices):
    ACTIVE = "active", _("推进中")
    COMPLETED = "completed", _("已完成待验收")
    VERIFIED = "verified", _("已验收")
    RELEASED = "released", _("已放弃")


class ClaimQuerySet(ScopedQuerySet["Claim"]):
    org_field = "project__org"


def _claim_reviewer(actor: Any, claim: Any) -> bool:
    return actor is None or is_above(actor, claim.project.org)


class Claim(models.Model):
    """An executive's claim of a project. Two constraints make claims race-safe whatever
    the timing: a project has at most one claim that is not released, and an executive's
    active claims each hold a distinct slot (1 … the org's limit, "一人一事")."""

    project = models.ForeignKey(
        Project, verbose_name=_("服务项目"), on_delete=models.CASCADE, related_name="claims"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("认领执委"), on_delete=models.PROTECT,
        related_name="claims",
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.ACTIVE
    )
    slot = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    claimed_on = models.DateField(_("认领日期"))
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    verified_on = models.DateField(_("验收日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    workflow = Workflow(
        noun=_("认领"),
        states=ClaimStatus,
        history="duty.ClaimHistory",
        subject="claim",
        transitions=[
            (ClaimStatus.ACTIVE, ClaimStatus.COMPLETED),
            (ClaimStatus.ACTIVE, ClaimStatus.RELEASED),
            Transition(ClaimStatus.COMPLETED, ClaimStatus.VERIFIED, allowed=_claim_reviewer),
            Transition(ClaimStatus.COMPLETED, ClaimStatus.ACTIVE, allowed=_claim_reviewer),
        ],
    )

    class Meta:
        verbose_name = _("项目认领")
        verbose_name_plural = _("项目认领")
        ordering = ["-claimed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=~Q(status="released"),
                name="duty_claim_one_per_project",
            ),
            models.UniqueConstraint(
                fields=["person", "slot"],
                condition=Q(slot__isnull=False),
                name="duty_claim_person_slot",
            ),
            models.CheckConstraint(
                condition=Q(slot__isnull=True, status__in=["completed", "verified", "released"])
                | Q(slot__gte=1, status="active"),
                name="duty_claim_active_has_slot",
            ),
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.project}"


class ClaimHistory(StatusHistory):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("认领状态记录")
        verbose_name_plural = _("认领状态记录")


class UpdateKind(models.TextChoices):
    PROGRESS = "progress", _("进展")
    COMPLETION = "completion", _("完成")


class ProjectUpdateQuerySet(ScopedQuerySet["ProjectUpdate"]):
    org_field = "claim__project__org"


class ProjectUpdate(models.Model):
    """A progress update (with photos) or the completion report (with evidence)."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("认领"), on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(
        _("类型"), max_length=12, choices=UpdateKind.choices, default=UpdateKind.PROGRESS
    )
    on = models.DateField(_("日期"))
    text = models.TextField(_("进展情况"))
    evidence = models.FileField(_("佐证材料"), upload_to="duty/evidence/", blank=True)
    evidence_type = models.CharField(max_length=100, blank=True, editable=False)
    evidence_name = models.CharField(max_length=200, blank=True, editable=False)
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目进展")
        verbose_name_plural = _("项目进展")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.claim} {self.on}"


class UpdateScopedQuerySet(ScopedQuerySet[Any]):
    org_field = "update__claim__project__org"


class UpdatePhoto(models.Model):
    update = models.ForeignKey(ProjectUpdate, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="duty/photos/")
    thumbnail = models.FileField(upload_to="duty/photos/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    objects = UpdateScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name or ""


# --- 4. visits ---


DEFAULT_CATEGORIES = [
    ("special_hardship", "特殊困难群体"),
    ("poor_family", "困难家庭"),
    ("employment", "就业创业妇女"),
    ("left_behind", "留守妇女儿童"),
    ("single_parent", "单亲家庭"),
    ("disabled", "残疾妇女"),
    ("elderly_alone", "独居老人"),
    ("illness", "大病家庭"),
]


class DifficultyCategory(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("困难类别")
        verbose_name_plural = _("困难类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class FollowUp(models.TextChoices):
    NONE = "none", _("无需回访")
    DUE = "due", _("待回访")
    DONE = "done", _("已回访")


# The eight actions of an executive's service (看、听、问、帮、报、想、讲、记).
ACTIONS = [
    ("look", _("看")),
    ("listen", _("听")),
    ("ask", _("问")),
    ("help", _("帮")),
    ("report", _("报")),
    ("think", _("想")),
    ("explain", _("讲")),
    ("note", _("记")),
]


class VisitQuerySet(ScopedQuerySet["Visit"]):
    def overdue(self, on: Any) -> VisitQuerySet:
        return self.filter(follow_up=FollowUp.DUE, follow_up_on__lt=on)


class Visit(OrgAuditMixin, models.Model):
    """A visit (走访) to a woman or household: the eight actions, the needs found, the help
    given and the follow-up. ``needs`` is what a help request (cases) may be opened from."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("村/社区"), on_delete=models.PROTECT, related_name="visits"
    )
    visitor = models.ForeignKey(
        "people.Person", verbose_name=_("走访执委"), on_delete=models.PROTECT,
        related_name="visits_made",
    )  # fmt: skip
    person = models.ForeignKey(
        "people.Person", verbose_name=_("被走访人（人员库）"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="visits_received",
    )  # fmt: skip
    name = models.CharField(_("被走访人"), max_length=50)
    is_minor = models.BooleanField(_("未成年人"), default=False)
    phone_cipher = pd.cipher_field(_("联系电话（密文）"))
    phone_index = pd.index_field(_("联系电话（盲索引）"))
    address = models.CharField(_("住址"), max_length=200, blank=True)
    household = models.TextField(_("家庭情况"), blank=True)
    categories = models.ManyToManyField(
        DifficultyCategory, verbose_name=_("困难类别"), blank=True, related_name="visits"
    )
    visited_on = models.DateField(_("走访日期"))
    campaign = models.ForeignKey(
        "events.Campaign", verbose_name=_("活动品牌"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="visits",
    )  # fmt: skip
    activity = models.ForeignKey(
        "events.Activity", verbose_name=_("所属活动"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="visits",
    )  # fmt: skip
    look = models.CharField(_("看"), max_length=300, blank=True)
    listen = models.CharField(_("听"), max_length=300, blank=True)
    ask = models.CharField(_("问"), max_length=300, blank=True)
    help = models.CharField(_("帮"), max_length=300, blank=True)
    report = models.CharField(_("报"), max_length=300, blank=True)
    think = models.CharField(_("想"), max_length=300, blank=True)
    explain = models.CharField(_("讲"), max_length=300, blank=True)
    note = models.CharField(_("记"), max_length=300, blank=True)
    needs = models.TextField(_("诉求"), blank=True)
    help_given = models.TextField(_("帮扶措施"), blank=True)
    follow_up = models.CharField(
        _("回访"), max_length=8, choices=FollowUp.choices, default=FollowUp.NONE
    )
    follow_up_on = models.DateField(_("回访日期"), null=True, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitQuerySet.as_manager()
    phone = pd.SensitiveValue(pd.PHONE, "phone")

    workflow = Workflow(
        noun=_("回访"),
        states=FollowUp,
        field="follow_up",
        history="duty.VisitHistory",
        subject="visit",
        transitions=[
            (FollowUp.DUE, FollowUp.DONE),
            (FollowUp.NONE, FollowUp.DUE),
            (FollowUp.DONE, FollowUp.DUE),
        ],
    )

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["org", "visited_on"]),
            models.Index(fields=["follow_up", "follow_up_on"]),
            models.Index(fields=["visitor", "visited_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(follow_up="due") | Q(follow_up_on__isnull=False),
                name="duty_visit_due_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.list_name} {self.visited_on}"

    @property
    def list_name(self) -> str:
        """The name as lists show it: a minor's name is masked (李*)."""
        if self.is_minor:
            return (self.name[:1] + "*" * max(len(self.name) - 1, 1)) if self.name else "*"
        return self.name

    @property
    def masked_phone(self) -> str:
        return pd.mask_phone(self.phone)

    def actions(self) -> list[tuple[str, str]]:
        return [(str(label), getattr(self, code)) for code, label in ACTIONS if getattr(self, code)]


class VisitHistory(StatusHistory):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")


# --- 5. points ---


DEFAULT_RULES = [
    # code, name, points
    ("attendance", "参加会议、培训（每场次）", Decimal("2")),
    ("absence", "无故缺席执委会议（每次）", Decimal("-3")),
    ("duty_report", "述职（每次）", Decimal("5")),
    ("evaluation_excellent", "民主评议测评为优秀", Decimal("10")),
    ("evaluation_competent", "民主评议测评为称职", Decimal("5")),
    ("evaluation_unfit", "民主评议测评为不称职", Decimal("-10")),
    ("claim", "认领实事项目（每项）", Decimal("2")),
    ("project_completed", "完成实事项目（每项）", Decimal("5")),
    ("project_verified", "实事项目通过验收（每项）", Decimal("3")),
    ("visit", "走访（每户次）", Decimal("1")),
    ("activity", "组织开展活动（每次）", Decimal("2")),
]


class PointRule(models.Model):
    """One configurable rule of the duty points; the duty file names it for each point."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("规则"), max_length=100)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.name} {self.points:+}"
