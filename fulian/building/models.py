"""Organisation building (强): units that should have a women's organisation and do not
(应建未建) with their urging records; guidance visits (指导督察), their findings and the
rectification items (整改) raised from them, tracked to closure."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fulian.core import periods
from fulian.core.audit import OrgAuditMixin
from fulian.core.models import StatusHistory
from fulian.core.scope import ScopedQuerySet, subtree_bounds, user_org
from fulian.core.workflow import Transition, Workflow

# --- units without an organisation -----------------------------------------------------------


class UnitKind(models.TextChoices):
    INSTITUTION = "institution", _("机关")
    PUBLIC_UNIT = "public_unit", _("事业单位")
    ENTERPRISE = "enterprise", _("企业")
    NEW_ECONOMIC = "new_economic", _("新经济组织")
    NEW_SOCIAL = "new_social", _("新社会组织")
    NEW_EMPLOYMENT = "new_employment", _("新就业群体")


NEW_SECTOR_UNIT_KINDS = frozenset(
    {UnitKind.NEW_ECONOMIC, UnitKind.NEW_SOCIAL, UnitKind.NEW_EMPLOYMENT}
)

# The kind of women's organisation (``orgs.OrgKind``) founded in each kind of unit.
ORG_KIND_FOR_UNIT = {
    UnitKind.INSTITUTION: "institution",
    UnitKind.PUBLIC_UNIT: "enterprise",
    UnitKind.ENTERPRISE: "enterprise",
    UnitKind.NEW_ECONOMIC: "new_economic",
    UnitKind.NEW_SOCIAL: "new_social",
    UnitKind.NEW_EMPLOYMENT: "new_employment",
}


class UnitStatus(models.TextChoices):
    NONE = "none", _("未建立")
    URGED = "urged", _("已督促")
    FOUNDED = "founded", _("已建立")
    EXEMPT = "exempt", _("免建")


PENDING_UNIT_STATUSES = (UnitStatus.NONE, UnitStatus.URGED)


class Unit(OrgAuditMixin, models.Model):
    """An institution, public unit, enterprise or new-sector organisation in an area
    (``org``, the division it lies in) that should have a women's organisation."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("单位名称"), max_length=100)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True
    )
    kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices)
    women_count = models.PositiveIntegerField(_("女职工（成员）人数"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=UnitStatus.choices, default=UnitStatus.NONE
    )
    founded_org = models.OneToOneField(
        "orgs.Org",
        verbose_name=_("建立的妇女组织"),
        on_delete=models.PROTECT,
        related_name="founded_from_unit",
        null=True,
        blank=True,
    )
    founded_on = models.DateField(_("建立日期"), null=True, blank=True)
    exempt_reason = models.CharField(_("免建理由"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    # Urging again keeps a unit "urged"; an exemption can be lifted; founded is final.
    workflow = Workflow(
        noun=_("应建单位"),
        states=UnitStatus,
        history="building.UnitHistory",
        subject="unit",
        transitions=[
            (UnitStatus.NONE, UnitStatus.URGED),
            (UnitStatus.NONE, UnitStatus.FOUNDED),
            (UnitStatus.NONE, UnitStatus.EXEMPT),
            (UnitStatus.URGED, UnitStatus.URGED),
            (UnitStatus.URGED, UnitStatus.FOUNDED),
            (UnitStatus.URGED, UnitStatus.EXEMPT),
            (UnitStatus.EXEMPT, UnitStatus.NONE),
        ],
    )

    class Meta:
        verbose_name = _("应建单位")
        verbose_name_plural = _("应建单位")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_UNIT_STATUSES


class UrgingMethod(models.TextChoices):
    VISIT = "visit", _("上门督促")
    PHONE = "phone", _("电话督促")
    DOCUMENT = "document", _("发函督促")
    MEETING = "meeting", _("会议部署")
    OTHER = "other", _("其他")


class Urging(models.Model):
    """One dated urging of a unit: who urged, how, and what the unit promised."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="urgings")
    date = models.DateField(_("督促日期"))
    by_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("督促组织"), on_delete=models.PROTECT, related_name="+"
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督促人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    method = models.CharField(_("方式"), max_length=10, choices=UrgingMethod.choices)
    promise = models.CharField(_("单位承诺"), max_length=200, blank=True)
    promised_by = models.DateField(_("承诺建立日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督促记录")
        verbose_name_plural = _("督促记录")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_method_display()}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.unit.org_id, "org_path": self.unit.org.path}


class UnitHistory(StatusHistory):
    """One status change of a unit (urged, founded, exempted, exemption lifted)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("应建单位状态记录")
        verbose_name_plural = _("应建单位状态记录")


# --- guidance visits and rectification -------------------------------------------------------


class GuidanceVisitQuerySet(models.QuerySet["GuidanceVisit"]):
    def in_subtree(self, org: Any) -> GuidanceVisitQuerySet:
        """Visits made by an org in the subtree (what the indicators count)."""
        return self.filter(org__path__range=subtree_bounds(org.path))

    def for_user(self, user: Any) -> GuidanceVisitQuerySet:
        """Visits the user's subtree made, and visits to an org in it."""
        org = user_org(user)
        if org is None:
            return self.none()
        bounds = subtree_bounds(org.path)
        visited = GuidanceVisit.visited.through.objects.filter(org__path__range=bounds).values(
            "guidancevisit_id"
        )
        return self.filter(models.Q(org__path__range=bounds) | models.Q(pk__in=visited))


class GuidanceVisit(OrgAuditMixin, models.Model):
    """A guidance / supervision visit (指导督察) by ``org`` to one or more orgs."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("督导组织"), on_delete=models.PROTECT, related_name="+"
    )
    visited = models.ManyToManyField(
        "orgs.Org", verbose_name=_("被督导组织"), related_name="guidance_visits_received"
    )
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("督导人员（账号）"), related_name="+", blank=True
    )
    visitor_names = models.CharField(_("督导人员"), max_length=200, blank=True)
    date = models.DateField(_("督导日期"))
    subject = models.CharField(_("主题"), max_length=200)
    summary = models.TextField(_("情况概述"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GuidanceVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("指导督察")
        verbose_name_plural = _("指导督察")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.subject


class Finding(models.Model):
    visit = models.ForeignKey(GuidanceVisit, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("发现的问题"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督导发现")
        verbose_name_plural = _("督导发现")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:40]

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.visit.org_id, "org_path": self.visit.org.path}


class ItemStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    DONE = "done", _("已完成")
    VERIFIED = "verified", _("已验收")
    REOPENED = "reopened", _("退回重改")


UNFINISHED_STATUSES = (ItemStatus.OPEN, ItemStatus.IN_PROGRESS, ItemStatus.REOPENED)


def _in_scope(actor: Any, org: Any) -> bool:
    from fulian.orgs.models import Org

    return Org.objects.for_user(actor).filter(pk=org.pk).exists()


def is_owner_side(actor: Any, item: RectificationItem) -> bool:
    """The owner's side: a user whose scope holds the item's org."""
    return _in_scope(actor, item.org)


def is_visitor_side(actor: Any, item: RectificationItem) -> bool:
    return _in_scope(actor, item.visit.org)


def may_check(actor: Any, item: RectificationItem) -> bool:
    """Verifying and reopening are the visiting side's: a user whose scope holds the
    visiting org, acting from above the owner (never the owner checking itself)."""
    return (
        actor.org_id is not None
        and is_visitor_side(actor, item)
        and not item.org.contains(actor.org)
    )


def _owner_works(actor: Any, item: RectificationItem) -> bool:
    return bool(actor.has_perm("fulian.edit")) and is_owner_side(actor, item)


def _visitor_checks(actor: Any, item: RectificationItem) -> bool:
    return bool(actor.has_perm("fulian.edit")) and may_check(actor, item)


class RectificationQuerySet(models.QuerySet["RectificationItem"]):
    def for_user(self, user: Any) -> RectificationQuerySet:
        """Items owned in the user's subtree, and items raised by a visit from it."""
        org = user_org(user)
        if org is None:
            return self.none()
        bounds = subtree_bounds(org.path)
        return self.filter(
            models.Q(org__path__range=bounds) | models.Q(visit__org__path__range=bounds)
        )

    def in_subtree(self, org: Any) -> RectificationQuerySet:
        return self.filter(org__path__range=subtree_bounds(org.path))

    def overdue(self, today: datetime.date | None = None) -> RectificationQuerySet:
        today = today or periods.today()
        return self.filter(status__in=UNFINISHED_STATUSES, deadline__lt=today)

    def todo_for(self, user: Any) -> RectificationQuerySet:
        """Unfinished items the user's own org must put right: not those of the orgs below
        it (theirs to do) nor those it visited and waits to verify."""
        org_id = getattr(user, "org_id", None)
        if org_id is None:
            return self.none()
        return self.filter(org_id=org_id, status__in=UNFINISHED_STATUSES)


class RectificationItem(OrgAuditMixin, models.Model):
    """Something a visit found that its owner (``org``) must put right by a deadline."""

    visit = models.ForeignKey(GuidanceVisit, on_delete=models.CASCADE, related_name="items")
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="items")
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("整改责任组织"), on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(_("整改内容"), max_length=300)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    verified_on = models.DateField(_("验收日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RectificationQuerySet.as_manager()

    # The owner works an item (start, done); the visiting side checks it (verify, reopen).
    # An open item can never jump to verified.
    workflow = Workflow(
        noun=_("整改事项"),
        states=ItemStatus,
        history="building.ItemHistory",
        subject="item",
        transitions=[
            Transition(ItemStatus.OPEN, ItemStatus.IN_PROGRESS, allowed=_owner_works),
            Transition(ItemStatus.IN_PROGRESS, ItemStatus.DONE, allowed=_owner_works),
            Transition(ItemStatus.DONE, ItemStatus.VERIFIED, allowed=_visitor_checks),
            Transition(ItemStatus.DONE, ItemStatus.REOPENED, allowed=_visitor_checks),
            Transition(ItemStatus.VERIFIED, ItemStatus.REOPENED, allowed=_visitor_checks),
            Transition(ItemStatus.REOPENED, ItemStatus.IN_PROGRESS, allowed=_owner_works),
        ],
    )

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.what

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or periods.today()
        return self.status in UNFINISHED_STATUSES and self.deadline < today


class ItemHistory(StatusHistory):
    """One row per change of an item: raised, each status change, each evidence upload."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("整改事项状态记录")
        verbose_name_plural = _("整改事项状态记录")


def evidence_path(instance: Any, filename: str) -> str:
    """A random name under building/evidence: the uploader's file name never reaches disk."""
    import uuid

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    suffix = suffix if suffix.isalnum() and len(suffix) <= 5 else "bin"
    return f"building/evidence/{periods.today():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class Evidence(models.Model):
    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("整改材料"), upload_to=evidence_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("整改材料")
        verbose_name_plural = _("整改材料")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.item.org_id, "org_path": self.item.org.path}
