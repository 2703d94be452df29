"""Everything that happened is an event: activities, their campaigns and kinds, training
classes with sessions, named attendance (QR check-in) and photos.

One ``Activity`` shape holds trainings, lectures, campaign actions, study tours and meetings.
An activity counts its people either by a head count or by named attendance on its sessions;
named attendance gives 人次 (attendances) and 人数 (distinct people).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fulian.core.audit import OrgAuditMixin
from fulian.core.scope import ScopedQuerySet


class Audience(models.TextChoices):
    CHAIRS = "chairs", _("妇联主席")
    EXECUTIVES = "executives", _("妇联执委")
    GRID_WORKERS = "grid_workers", _("网格员")
    CADRES = "cadres", _("妇联干部")
    CHILDREN_DIRECTORS = "children_directors", _("儿童主任")
    PARENTS = "parents", _("家长")
    WOMEN = "women", _("妇女群众")
    CHILDREN = "children", _("儿童")
    FAMILIES = "families", _("家庭")
    PUBLIC = "public", _("群众")


class TrainingMethod(models.TextChoices):
    LECTURE = "lecture", _("专题讲座")
    THEORY = "theory", _("理论宣讲")
    TUTORING = "tutoring", _("集中辅导")
    CASE = "case", _("案例教学")
    OBSERVATION = "observation", _("观摩学习")
    DISCUSSION = "discussion", _("交流研讨")


class MeetingType(models.TextChoices):
    PLENARY = "plenary", _("执委会全体会议")
    EXPANDED_PLENARY = "expanded_plenary", _("执委（扩大）会议")
    CHAIRS = "chairs", _("主席会议")
    OTHER = "other", _("其他会议")


class ActivityKind(models.Model):
    """A kind of activity (training, legal publicity, study tour…). ``code`` is stable:
    indicators and the API name kinds by it; the district may rename and add kinds."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("活动类型")
        verbose_name_plural = _("活动类型")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A branded campaign (法进万家安民心, 三访三帮…), configured by the district. Campaigns
    nest: counting a campaign counts its sub-campaigns too."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级品牌"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="children",
    )
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("活动品牌")
        verbose_name_plural = _("活动品牌")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def family_ids(self) -> list[int]:
        """This campaign's id and those of all campaigns below it (the table is small)."""
        return campaign_family_ids([self.pk])


def campaign_family_ids(ids: list[int]) -> list[int]:
    parents = dict(Campaign.objects.values_list("pk", "parent_id"))
    found = set(ids)
    changed = True
    while changed:
        changed = False
        for pk, parent in parents.items():
            if parent in found and pk not in found:
                found.add(pk)
                changed = True
    return sorted(found)


class ActivityQuerySet(ScopedQuerySet["Activity"]):
    def in_year(self, year: int) -> ActivityQuerySet:
        tz = timezone.get_current_timezone()
        start = datetime.datetime(year, 1, 1, tzinfo=tz)
        return self.filter(start__gte=start, start__lt=start.replace(year=year + 1))

    def in_campaign(self, campaign: Campaign) -> ActivityQuerySet:
        return self.filter(campaign_id__in=campaign.family_ids())

    def trainings_of_the_system(self) -> ActivityQuerySet:
        """Trainings other than training classes: 集中学习、以会代训、专题讲座."""
        return self.filter(kind__code="training", training__isnull=True)


class Activity(OrgAuditMixin, models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("主办组织"), on_delete=models.PROTECT, related_name="activities"
    )
    co_organisers = models.ManyToManyField(
        "orgs.Org", verbose_name=_("协办组织"), blank=True, related_name="co_organised_activities"
    )
    kind = models.ForeignKey(
        ActivityKind, verbose_name=_("活动类型"), on_delete=models.PROTECT, related_name="activities"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动品牌"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="activities",
    )
    title = models.CharField(_("标题"), max_length=200)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    venue = models.ForeignKey(
        "venues.Venue", verbose_name=_("阵地"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="activities",
    )
    # Study tours (观摩学习) visit model sites.
    destinations = models.ManyToManyField(
        "venues.Venue", verbose_name=_("观摩点"), blank=True, related_name="study_tours"
    )
    audiences = models.JSONField(_("参加对象"), default=list, blank=True)
    description = models.TextField(_("内容"), blank=True)
    head_count = models.PositiveIntegerField(_("参加人数"), null=True, blank=True)
    meeting_type = models.CharField(
        _("会议类型"), max_length=20, choices=MeetingType.choices, blank=True
    )
    agenda = models.TextField(_("议程"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    # A phone's double submit or resubmission after a lost connection carries the same key.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-start", "-pk"]
        indexes = [
            models.Index(fields=["org", "start"]),
            models.Index(fields=["kind", "start"]),
            models.Index(fields=["campaign", "start"]),
            models.Index(fields=["start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="events_activity_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_meeting(self) -> bool:
        return self.kind.code == "meeting"

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels.get(code, code)) for code in self.audiences]


class TrainingSeries(models.Model):
    """A named series of training classes (领头雁, 护航成长…)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("培训班系列")
        verbose_name_plural = _("培训班系列")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class TrainingQuerySet(ScopedQuerySet["TrainingClass"]):
    org_field = "activity__org"


class TrainingClass(models.Model):
    """What a training class (培训班) adds to its activity: series, topics, methods,
    enrolment and the completion rule. Its sessions are the activity's sessions."""

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, primary_key=True, related_name="training"
    )
    series = models.ForeignKey(
        TrainingSeries, verbose_name=_("系列"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="classes",
    )
    number = models.PositiveSmallIntegerField(_("期次"), null=True, blank=True)
    topics = models.TextField(_("培训主题"), blank=True, help_text=_("每行一个"))
    methods = models.JSONField(_("培训方式"), default=list, blank=True)
    completion_percent = models.PositiveSmallIntegerField(
        _("结业出勤比例（%）"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    self_registration = models.BooleanField(_("允许自主报名"), default=False)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")

    def __str__(self) -> str:
        return self.activity.title

    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.splitlines() if t.strip()]

    def method_labels(self) -> list[str]:
        labels = dict(TrainingMethod.choices)
        return [str(labels.get(code, code)) for code in self.methods]


class SessionQuerySet(ScopedQuerySet["Session"]):
    org_field = "activity__org"


class Session(models.Model):
    """One sitting of an activity (a half-day of a class, a meeting): people check in here."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("主题"), max_length=200)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    method = models.CharField(_("培训方式"), max_length=20, choices=TrainingMethod.choices, blank=True)
    instructor_name = models.CharField(_("授课人"), max_length=50, blank=True)
    instructor_unit = models.CharField(_("授课人单位"), max_length=100, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("场次")
        verbose_name_plural = _("场次")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="events_session_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict[str, Any]:
        org = self.activity.org
        return {"org_id": org.pk, "org_path": org.path}


class PhotoQuerySet(ScopedQuerySet["ActivityPhoto"]):
    org_field = "activity__org"


def photo_path(instance: Any, filename: str) -> str:
    """A random name: the uploader's file name never reaches the disk."""
    return f"events/photos/{datetime.date.today():%Y/%m}/{uuid.uuid4().hex}.jpg"


class ActivityPhoto(models.Model):
    """A photo, re-encoded on the server (resized, no EXIF). Served only through a view
    that checks the activity's scope; never from MEDIA_URL."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path)
    thumbnail = models.FileField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["pk"]
