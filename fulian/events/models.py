"""Everything that happened is an event: activities, their campaigns and kinds, training
classes with sessions, named attendance (QR check-in) and photos.

One ``Activity`` shape holds trainings, lectures, campaign actions, study tours and meetings.
An activity counts its people either by a head count or by named attendance on its sessions;
named attendance gives 人次 (attendances) and 人数 (distinct people).
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fulian.core import periods
from fulian.core import personal_data as pd
from fulian.core.audit import OrgAuditMixin
from fulian.core.models import StatusHistory
from fulian.core.scope import ScopedQuerySet
from fulian.core.workflow import Workflow

if TYPE_CHECKING:
    pass


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
    PUBLIC = "public", pgettext_lazy("audience", "群众")


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
        "self",
        verbose_name=_("上级品牌"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
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


# Deleted activities and photos wait this long in the recycle bin (a district admin can
# restore them) before ``purge_recycle_bin`` removes them and their files for good.
RECYCLE_DAYS = 30


class ActivityManager(models.Manager.from_queryset(ActivityQuerySet)):  # type: ignore[misc]
    """Activities not in the recycle bin: what every page, report and API reads."""

    def get_queryset(self) -> ActivityQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Activity(OrgAuditMixin, models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("主办组织"), on_delete=models.PROTECT, related_name="activities"
    )
    co_organisers = models.ManyToManyField(
        "orgs.Org", verbose_name=_("协办组织"), blank=True, related_name="co_organised_activities"
    )
    kind = models.ForeignKey(
        ActivityKind,
        verbose_name=_("活动类型"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("活动品牌"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    title = models.CharField(_("标题"), max_length=200)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    venue = models.ForeignKey(
        "venues.Venue",
        verbose_name=_("阵地"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
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
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("删除人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = ActivityManager()
    # The recycle bin and the idempotency check also see deleted ones.
    all_objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-start", "-pk"]
        indexes = [
            models.Index(fields=["org", "start"]),
            # Subtree roll-ups by campaign or kind: org first (the path range gives the
            # orgs), then an index-only range per org.
            models.Index(fields=["org", "campaign", "start"]),
            models.Index(fields=["org", "kind", "start"]),
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


class TrainingManager(models.Manager.from_queryset(TrainingQuerySet)):  # type: ignore[misc]
    """Training classes whose activity is not in the recycle bin."""

    def get_queryset(self) -> TrainingQuerySet:
        return super().get_queryset().filter(activity__deleted_at__isnull=True)


class TrainingClass(models.Model):
    """What a training class (培训班) adds to its activity: series, topics, methods,
    enrolment and the completion rule. Its sessions are the activity's sessions."""

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, primary_key=True, related_name="training"
    )
    series = models.ForeignKey(
        TrainingSeries,
        verbose_name=_("系列"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="classes",
    )
    number = models.PositiveSmallIntegerField(_("期次"), null=True, blank=True)
    topics = models.TextField(_("培训主题"), blank=True, help_text=_("每行一个"))
    methods = models.JSONField(_("培训方式"), default=list, blank=True)
    completion_percent = models.PositiveSmallIntegerField(
        _("结业出勤比例（%）"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    self_registration = models.BooleanField(_("允许自主报名"), default=False)

    objects = TrainingManager()

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


class SessionManager(models.Manager.from_queryset(SessionQuerySet)):  # type: ignore[misc]
    """Sessions whose activity is not in the recycle bin."""

    def get_queryset(self) -> SessionQuerySet:
        return super().get_queryset().filter(activity__deleted_at__isnull=True)


class Session(models.Model):
    """One sitting of an activity (a half-day of a class, a meeting): people check in here."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("主题"), max_length=200)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    method = models.CharField(
        _("培训方式"), max_length=20, choices=TrainingMethod.choices, blank=True
    )
    instructor_name = models.CharField(_("授课人"), max_length=50, blank=True)
    instructor_unit = models.CharField(_("授课人单位"), max_length=100, blank=True)

    objects = SessionManager()

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


class PhotoManager(models.Manager.from_queryset(PhotoQuerySet)):  # type: ignore[misc]
    """Photos not in the recycle bin, of activities not in it."""

    def get_queryset(self) -> PhotoQuerySet:
        return (
            super()
            .get_queryset()
            .filter(deleted_at__isnull=True, activity__deleted_at__isnull=True)
        )


MAX_PHOTOS = 9  # per activity, as a phone's photo picker offers


def photo_path(instance: Any, filename: str) -> str:
    """A random name: the uploader's file name never reaches the disk."""
    return f"events/photos/{periods.today():%Y/%m}/{uuid.uuid4().hex}.jpg"


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
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("删除人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = PhotoManager()
    all_objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.pk}"


# --- named attendance and enrolment --------------------------------------------------------


class AttendanceStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已签到")
    PENDING = "pending", _("待确认")
    REJECTED = "rejected", _("未通过")


class AttendanceSource(models.TextChoices):
    QR = "qr", _("扫码签到")
    MANUAL = "manual", _("手工签到")
    IMPORT = "import", _("导入")


class AttendanceQuerySet(ScopedQuerySet["Attendance"]):
    org_field = "session__activity__org"

    def confirmed(self) -> AttendanceQuerySet:
        return self.filter(status=AttendanceStatus.CONFIRMED)


class Attendance(models.Model):
    """One person's check-in to one session. A check-in whose phone matches no person (or
    whose name differs from the matched person's) waits as *pending* for the organiser.

    The database holds the rule "one check-in per person per session": a unique person
    per session, and a unique phone (blind index) per session, however many scans race.
    """

    session = models.ForeignKey(
        Session, verbose_name=_("场次"), on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
    )
    name = models.CharField(_("签到姓名"), max_length=50)
    phone_cipher = pd.cipher_field(_("手机号（密文）"))
    phone_index = pd.index_field(_("手机号（盲索引）"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.CONFIRMED,
    )
    source = models.CharField(_("方式"), max_length=10, choices=AttendanceSource.choices)
    late = models.BooleanField(_("迟到"), default=False)
    checked_in_at = models.DateTimeField(_("签到时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AttendanceQuerySet.as_manager()

    # The organiser confirms or rejects a pending check-in; a rejection can be undone.
    workflow = Workflow(
        noun=_("签到"),
        states=AttendanceStatus,
        history="events.AttendanceHistory",
        subject="attendance",
        transitions=[
            (AttendanceStatus.PENDING, AttendanceStatus.CONFIRMED),
            (AttendanceStatus.PENDING, AttendanceStatus.REJECTED),
            (AttendanceStatus.CONFIRMED, AttendanceStatus.REJECTED),
            (AttendanceStatus.REJECTED, AttendanceStatus.PENDING),
            (AttendanceStatus.REJECTED, AttendanceStatus.CONFIRMED),
        ],
    )

    phone = pd.SensitiveValue(pd.PHONE, "phone")

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        ordering = ["checked_in_at", "pk"]
        indexes = [models.Index(fields=["session", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(person__isnull=False),
                name="events_attendance_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["session", "phone_index"],
                condition=~Q(phone_index=""),
                name="events_attendance_one_per_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.session_id}"

    @property
    def masked_phone(self) -> str:
        return pd.mask_phone(self.phone)

    def get_additional_data(self) -> dict[str, Any]:
        org = self.session.activity.org
        return {"org_id": org.pk, "org_path": org.path}


class AttendanceHistory(StatusHistory):
    """The check-in itself (from nothing, note "qr" or "manual") and each decision on it."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("签到状态记录")
        verbose_name_plural = _("签到状态记录")

    def __str__(self) -> str:
        return f"{self.attendance_id}: {self.from_status} → {self.to_status}"


class EnrolmentStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已录取")
    REJECTED = "rejected", _("未通过")


class EnrolmentSource(models.TextChoices):
    ROSTER = "roster", _("花名册")
    XLSX = "xlsx", _("表格导入")
    SELF = "self", _("自主报名")


class EnrolmentQuerySet(ScopedQuerySet["Enrolment"]):
    org_field = "training__activity__org"


class Enrolment(models.Model):
    training = models.ForeignKey(
        TrainingClass, verbose_name=_("培训班"), on_delete=models.CASCADE, related_name="enrolments"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.CharField(_("单位"), max_length=100, blank=True)
    phone_cipher = pd.cipher_field(_("手机号（密文）"))
    phone_index = pd.index_field(_("手机号（盲索引）"))
    status = models.CharField(
        _("状态"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.APPROVED
    )
    source = models.CharField(_("来源"), max_length=10, choices=EnrolmentSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnrolmentQuerySet.as_manager()

    # A self-registration waits for the organiser; a decision can be turned round.
    workflow = Workflow(
        noun=_("报名"),
        states=EnrolmentStatus,
        history="events.EnrolmentHistory",
        subject="enrolment",
        transitions=[
            (EnrolmentStatus.PENDING, EnrolmentStatus.APPROVED),
            (EnrolmentStatus.PENDING, EnrolmentStatus.REJECTED),
            (EnrolmentStatus.APPROVED, EnrolmentStatus.REJECTED),
            (EnrolmentStatus.REJECTED, EnrolmentStatus.APPROVED),
        ],
    )

    phone = pd.SensitiveValue(pd.PHONE, "phone")

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "person"],
                condition=Q(person__isnull=False),
                name="events_enrolment_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["training", "phone_index"],
                condition=~Q(phone_index=""),
                name="events_enrolment_one_per_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return pd.mask_phone(self.phone)

    def get_additional_data(self) -> dict[str, Any]:
        org = self.training.activity.org
        return {"org_id": org.pk, "org_path": org.path}


class EnrolmentHistory(StatusHistory):
    """The enrolment itself (from nothing) and each decision on it."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("报名状态记录")
        verbose_name_plural = _("报名状态记录")

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.from_status} → {self.to_status}"
