"""Venues (阵地): women's homes, micro-homes, marriage-mediation workrooms and children's
homes; the creation standard of each venue type and assessments against it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fulian.core import periods
from fulian.core.audit import OrgAuditMixin
from fulian.core.scope import ScopedQuerySet, subtree_bounds, user_org


class VenueType(models.TextChoices):
    WOMENS_HOME = "womens_home", _("妇女之家")
    MICRO_HOME = "micro_home", _("妇女微家")
    MEDIATION_WORKROOM = "mediation_workroom", _("执委婚调工作室")
    CHILDRENS_HOME = "childrens_home", _("儿童之家")
    # A women's industry base (巾帼产业基地): a model site that study tours visit.
    INDUSTRY_BASE = "industry_base", _("妇女产业基地")


class VenueHost(models.TextChoices):
    PARTY_SERVICE_CENTRE = "party_service_centre", _("党群服务中心")
    CIVILISATION_PRACTICE = "civilisation_practice", _("新时代文明实践所（站）")
    ENTERPRISE = "enterprise", _("企业")
    INTEREST_GROUP = "interest_group", _("兴趣团体")
    SCHOOL = "school", _("学校")
    OTHER = "other", _("其他")


class VenueStatus(models.TextChoices):
    PLANNED = "planned", _("筹建中")
    OPEN = "open", _("运行中")
    SUSPENDED = "suspended", _("暂停")
    CLOSED = "closed", pgettext_lazy("venue status", "已撤销")


class Venue(OrgAuditMixin, models.Model):
    """A venue run by a women's organisation (``org``), usually in a host's building."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属组织"), on_delete=models.PROTECT, related_name="venues"
    )
    name = models.CharField(_("名称"), max_length=100)
    type = models.CharField(_("类型"), max_length=20, choices=VenueType.choices)
    host = models.CharField(_("依托场所"), max_length=30, choices=VenueHost.choices)
    host_name = models.CharField(_("依托场所名称"), max_length=100, blank=True)
    shared = models.BooleanField(_("共建共享共用"), default=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    # The venue's own office phone, public by design; never a person's number.
    contact_phone = models.CharField(_("场所联系电话"), max_length=30, blank=True)
    established = models.DateField(_("建成日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=VenueStatus.choices, default=VenueStatus.OPEN
    )
    is_model_site = models.BooleanField(_("示范点"), default=False)
    listed_publicly = models.BooleanField(_("在公众查询中显示"), default=True)
    description = models.TextField(_("简介"), blank=True)
    # Set by the latest assessment against the venue type's standard.
    certified = models.BooleanField(_("达标"), default=False)
    certified_on = models.DateField(_("达标日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("阵地")
        verbose_name_plural = pgettext_lazy("plural", "阵地")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["type", "established"]),
            models.Index(fields=["is_model_site"]),
            # The public directory's "near me" searches a box around a point.
            models.Index(fields=["latitude", "longitude"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class VenueChildQuerySet(ScopedQuerySet[Any]):
    """Records that belong to a venue are in scope where their venue is."""

    org_field = "venue__org"


def _stored_name(prefix: str, filename: str) -> str:
    """A random name under ``prefix``: the uploader's file name never reaches the disk."""
    import uuid

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    suffix = suffix if suffix.isalnum() and len(suffix) <= 5 else "bin"
    return f"{prefix}/{periods.today():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


def venue_photo_path(instance: Any, filename: str) -> str:
    return _stored_name("venues/photos", filename)


def assessment_evidence_path(instance: Any, filename: str) -> str:
    return _stored_name("venues/evidence", filename)


class VenuePhoto(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=venue_photo_path, max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = VenueChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("阵地照片")
        verbose_name_plural = _("阵地照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.caption or self.file.name)

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.venue.org_id, "org_path": self.venue.org.path}


class StandardQuerySet(models.QuerySet["Standard"]):
    def for_user(self, user: Any) -> StandardQuerySet:
        """Standards set by the user's org, its ancestors (which apply to it) or below it."""
        org = user_org(user)
        if org is None:
            return self.none()
        step = 4
        ancestors = [org.path[:i] for i in range(step, len(org.path) + 1, step)]
        return self.filter(
            models.Q(org__path__in=ancestors) | models.Q(org__path__range=subtree_bounds(org.path))
        )


class Standard(OrgAuditMixin, models.Model):
    """The creation standard of a venue type, set by an org for the venues below it."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("制定组织"), on_delete=models.PROTECT, related_name="+"
    )
    venue_type = models.CharField(_("阵地类型"), max_length=20, choices=VenueType.choices)
    name = models.CharField(_("名称"), max_length=100)
    threshold = models.PositiveIntegerField(_("达标分数线"))
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("创建标准")
        verbose_name_plural = _("创建标准")
        ordering = ["venue_type", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def max_total(self) -> int:
        return sum(item.max_score for item in self.items.all())


class ItemKind(models.TextChoices):
    PASS_FAIL = "pass_fail", _("达标/不达标")
    SCORED = "scored", _("评分")


class StandardItem(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    label = models.CharField(_("项目"), max_length=100)
    kind = models.CharField(_("评价方式"), max_length=10, choices=ItemKind.choices)
    # A pass counts max_score points; a scored item counts 0..max_score.
    max_score = models.PositiveSmallIntegerField(_("分值"), default=10)

    class Meta:
        verbose_name = _("标准项目")
        verbose_name_plural = _("标准项目")
        ordering = ["standard", "order", "pk"]

    def __str__(self) -> str:
        return self.label


class Assessment(OrgAuditMixin, models.Model):
    """One assessment of a venue against its standard, with a result per item."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="assessments")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="assessments")
    date = models.DateField(_("评估日期"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    total = models.PositiveIntegerField(_("总分"), default=0)
    passed = models.BooleanField(_("达标"), default=False)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VenueChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("阵地评估")
        verbose_name_plural = _("阵地评估")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.venue} {self.date:%Y-%m-%d}"

    @property
    def org(self) -> Any:  # type: ignore[override]
        return self.venue.org


class AssessmentResult(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(StandardItem, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("达标"), null=True)
    score = models.PositiveSmallIntegerField(_("得分"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["item__order", "item__pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="venues_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score}"


class AssessmentEvidence(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("佐证材料"), upload_to=assessment_evidence_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
