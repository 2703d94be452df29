"""Writes of activities, campaigns, training classes, sessions and attendance.

Each function is keyword-only, runs in one transaction and checks the actor's scope and
permission itself. ``actor=None`` is a system load (the demo, an import command): it is
never reachable from a request.
"""

from __future__ import annotations

import datetime
import re
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.core import idempotency, periods, workflow
from fulian.core import personal_data as pd
from fulian.core.spreadsheets import RowError, compact_text, number_text, read_rows
from fulian.core.text import to_simplified
from fulian.core.uploads import process_photo
from fulian.events.models import (
    MAX_PHOTOS,
    RECYCLE_DAYS,
    Activity,
    ActivityKind,
    ActivityPhoto,
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Audience,
    Campaign,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    MeetingType,
    Session,
    TrainingClass,
    TrainingMethod,
    TrainingSeries,
)
from fulian.orgs.models import Org
from fulian.people.models import Person
from fulian.people.services import find_person_by_phone

# --- checks -------------------------------------------------------------------------------


def require_edit(actor: Any, org: Org) -> None:
    """The actor may edit and ``org`` is in the actor's subtree (``None`` is the system)."""
    if actor is None:
        return
    if (
        not actor.has_perm("fulian.edit")
        or not Org.objects.for_user(actor).filter(pk=org.pk).exists()
    ):
        raise PermissionDenied


def _people_for(actor: Any) -> Any:
    """The people an actor may name (all of them for the system)."""
    return Person.objects.all() if actor is None else Person.objects.for_user(actor)


def require_configure(actor: Any) -> None:
    if actor is not None and not actor.has_perm("fulian.configure"):
        raise PermissionDenied


def as_datetime(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """A date means the start of that day in the district's time zone."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))


def ensure_defaults() -> None:
    """Install the default kinds, campaigns and series if missing (the data migration
    does; a database flushed by a test, or restored without them, may lack them)."""
    from fulian.events.defaults import install

    install(ActivityKind, Campaign, TrainingSeries)


def _kind(kind: ActivityKind | str) -> ActivityKind:
    if isinstance(kind, ActivityKind):
        return kind
    found = ActivityKind.objects.filter(code=kind).first()
    if found is None and not ActivityKind.objects.exists():
        ensure_defaults()
        found = ActivityKind.objects.filter(code=kind).first()
    if found is None:
        raise ValidationError({"kind": _("活动类型不存在。")})
    return found


def _campaign(campaign: Campaign | str | None) -> Campaign | None:
    if campaign is None or isinstance(campaign, Campaign):
        return campaign
    if campaign == "":
        return None
    found = Campaign.objects.filter(code=campaign).first()
    if found is None and not Campaign.objects.exists():
        ensure_defaults()
        found = Campaign.objects.filter(code=campaign).first()
    if found is None:
        raise ValidationError({"campaign": _("活动品牌不存在。")})
    return found


def _check_fields(
    *,
    title: str,
    start: datetime.datetime,
    end: datetime.datetime | None,
    head_count: int | None,
    audiences: Sequence[str],
    meeting_type: str,
) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("请填写标题。")
    if end is not None and end < start:
        errors["end"] = _("结束时间不能早于开始时间。")
    if head_count is not None and head_count < 0:
        errors["head_count"] = _("人数不能为负数。")
    if any(a not in Audience.values for a in audiences):
        errors["audiences"] = _("参加对象无效。")
    if meeting_type and meeting_type not in MeetingType.values:
        errors["meeting_type"] = _("会议类型无效。")
    if errors:
        raise ValidationError(errors)


# --- activities ---------------------------------------------------------------------------


@transaction.atomic
def create_activity(
    *,
    actor: Any,
    org: Org,
    kind: ActivityKind | str,
    campaign: Campaign | str | None = None,
    title: str,
    start: datetime.date | datetime.datetime,
    end: datetime.date | datetime.datetime | None = None,
    place: str = "",
    venue: Any = None,
    destinations: Iterable[Any] = (),
    head_count: int | None = None,
    description: str = "",
    co_organisers: Iterable[Org] = (),
    audiences: Sequence[str] = (),
    meeting_type: str = "",
    agenda: str = "",
    minutes: str = "",
    idempotency_key: uuid.UUID | str | None = None,
    photos: Sequence[Any] = (),
) -> Activity:
    """Record an activity. With ``idempotency_key``, a repeat of the same submission
    (double tap, resubmission after a lost connection) returns the first record."""
    require_edit(actor, org)
    key, existing = idempotency.existing(Activity, idempotency_key, actor)
    if existing is not None:
        return existing
    start_dt = as_datetime(start)
    end_dt = as_datetime(end) if end is not None else None
    _check_fields(
        title=title,
        start=start_dt,
        end=end_dt,
        head_count=head_count,
        audiences=audiences,
        meeting_type=meeting_type,
    )
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传 9 张照片。")})
    activity = Activity(
        org=org,
        kind=_kind(kind),
        campaign=_campaign(campaign),
        title=title.strip(),
        start=start_dt,
        end=end_dt,
        place=place.strip(),
        venue=venue,
        audiences=list(audiences),
        description=description.strip(),
        head_count=head_count,
        meeting_type=meeting_type,
        agenda=agenda,
        minutes=minutes,
        idempotency_key=key,
        created_by=actor if actor is not None else None,
    )
    activity, created = idempotency.save_new(activity, key, actor)
    if not created:
        return activity
    if co_organisers:
        activity.co_organisers.set(list(co_organisers))
    if destinations:
        activity.destinations.set(list(destinations))
    _add_photos(activity, photos, actor)
    return activity


@transaction.atomic
def update_activity(*, actor: Any, activity: Activity, **fields: Any) -> Activity:
    """Change an activity's fields (the same names as ``create_activity``)."""
    require_edit(actor, activity.org)
    if "org" in fields:
        require_edit(actor, fields["org"])
    many = {name: fields.pop(name) for name in ("co_organisers", "destinations") if name in fields}
    if "kind" in fields:
        fields["kind"] = _kind(fields["kind"])
    if "campaign" in fields:
        fields["campaign"] = _campaign(fields["campaign"])
    for name in ("start", "end"):
        if fields.get(name) is not None:
            fields[name] = as_datetime(fields[name])
    allowed = {
        "org",
        "kind",
        "campaign",
        "title",
        "start",
        "end",
        "place",
        "venue",
        "audiences",
        "description",
        "head_count",
        "meeting_type",
        "agenda",
        "minutes",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown activity fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(
            activity, name, value.strip() if isinstance(value, str) and name != "minutes" else value
        )
    _check_fields(
        title=activity.title,
        start=activity.start,
        end=activity.end,
        head_count=activity.head_count,
        audiences=activity.audiences,
        meeting_type=activity.meeting_type,
    )
    activity.save()
    if "co_organisers" in many:
        activity.co_organisers.set(list(many["co_organisers"]))
    if "destinations" in many:
        activity.destinations.set(list(many["destinations"]))
    return activity


@transaction.atomic
def delete_activity(*, actor: Any, activity: Activity) -> None:
    """Move an activity (with its photos, sessions and attendance) to the recycle bin: it
    disappears from every page, count and report; a district admin can restore it for
    ``RECYCLE_DAYS`` days, after which ``purge_recycle_bin`` removes it for good."""
    require_edit(actor, activity.org)
    activity.deleted_at = periods.now()
    activity.deleted_by = actor
    activity.save(update_fields=["deleted_at", "deleted_by", "updated_at"])


def require_restore(actor: Any) -> None:
    """Only district admins empty or restore from the recycle bin."""
    if actor is not None and not actor.has_perm("fulian.configure"):
        raise PermissionDenied


@transaction.atomic
def restore_activity(*, actor: Any, activity: Activity) -> Activity:
    require_restore(actor)
    require_edit(actor, activity.org)
    if activity.deleted_at is None:
        raise ValidationError(_("该活动没有被删除。"))
    if activity.deleted_at < recycle_cutoff():
        raise ValidationError(_("删除已超过 30 天，无法恢复。"))
    activity.deleted_at = None
    activity.deleted_by = None
    activity.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return activity


@transaction.atomic
def restore_photo(*, actor: Any, photo: ActivityPhoto) -> ActivityPhoto:
    require_restore(actor)
    require_edit(actor, photo.activity.org)
    if photo.deleted_at is None:
        raise ValidationError(_("该照片没有被删除。"))
    if photo.deleted_at < recycle_cutoff():
        raise ValidationError(_("删除已超过 30 天，无法恢复。"))
    if ActivityPhoto.objects.filter(activity=photo.activity).count() >= MAX_PHOTOS:
        raise ValidationError(_("该活动的照片已满 9 张，请先删除一张。"))
    photo.deleted_at = None
    photo.deleted_by = None
    photo.save(update_fields=["deleted_at", "deleted_by"])
    return photo


def recycle_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or periods.now()) - datetime.timedelta(days=RECYCLE_DAYS)


@transaction.atomic
def purge_recycle_bin(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Remove for good what has been in the recycle bin longer than ``RECYCLE_DAYS`` (and
    its files, once the transaction commits). Returns (activities, photos) removed."""
    cutoff = recycle_cutoff(now)
    old_activities = Activity.all_objects.filter(deleted_at__lt=cutoff)
    old_photos = ActivityPhoto.all_objects.filter(
        Q(deleted_at__lt=cutoff) | Q(activity__in=old_activities)
    )
    files = [(p.image, p.thumbnail) for p in old_photos]
    photos = old_photos.count()
    old_photos.delete()
    activities = old_activities.count()
    old_activities.delete()

    def remove() -> None:
        for image, thumb in files:
            image.delete(save=False)
            thumb.delete(save=False)

    transaction.on_commit(remove)
    return activities, photos


def _add_photos(activity: Activity, uploads: Sequence[Any], actor: Any) -> list[ActivityPhoto]:
    processed = [process_photo(u) for u in uploads]  # all checked before any is stored
    made = []
    for item in processed:
        photo = ActivityPhoto(
            activity=activity, width=item.width, height=item.height, uploaded_by=actor
        )
        photo.image.save("photo.jpg", ContentFile(item.image), save=False)
        photo.thumbnail.save("thumb.jpg", ContentFile(item.thumbnail), save=False)
        photo.save()
        made.append(photo)
    return made


@transaction.atomic
def add_photos(*, actor: Any, activity: Activity, uploads: Sequence[Any]) -> list[ActivityPhoto]:
    require_edit(actor, activity.org)
    if activity.photos.count() + len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": _("每个活动最多 9 张照片。")})
    return _add_photos(activity, uploads, actor)


@transaction.atomic
def delete_photo(*, actor: Any, photo: ActivityPhoto) -> None:
    """Move a photo to the recycle bin (restorable for ``RECYCLE_DAYS`` days)."""
    require_edit(actor, photo.activity.org)
    photo.deleted_at = periods.now()
    photo.deleted_by = actor
    photo.save(update_fields=["deleted_at", "deleted_by"])


# --- configuration: kinds, campaigns, series (the district) -------------------------------


@transaction.atomic
def save_kind(
    *,
    actor: Any,
    kind: ActivityKind | None = None,
    code: str,
    name: str,
    order: int = 100,
    is_active: bool = True,
) -> ActivityKind:
    require_configure(actor)
    kind = kind or ActivityKind()
    if kind.pk and kind.code != code:
        raise ValidationError({"code": _("已有类型的代码不能修改。")})
    if ActivityKind.objects.exclude(pk=kind.pk).filter(code=code).exists():
        raise ValidationError({"code": _("代码已被使用。")})
    kind.code, kind.name, kind.order, kind.is_active = code, name.strip(), order, is_active
    kind.save()
    return kind


@transaction.atomic
def save_campaign(
    *,
    actor: Any,
    campaign: Campaign | None = None,
    code: str,
    name: str,
    parent: Campaign | None = None,
    description: str = "",
    order: int = 100,
    is_active: bool = True,
) -> Campaign:
    require_configure(actor)
    campaign = campaign or Campaign()
    if campaign.pk and campaign.code != code:
        raise ValidationError({"code": _("已有品牌的代码不能修改。")})
    if Campaign.objects.exclude(pk=campaign.pk).filter(code=code).exists():
        raise ValidationError({"code": _("代码已被使用。")})
    if parent is not None and campaign.pk and parent.pk in campaign.family_ids():
        raise ValidationError({"parent": _("上级品牌不能是自身或其下级。")})
    campaign.code, campaign.name, campaign.parent = code, name.strip(), parent
    campaign.description, campaign.order, campaign.is_active = description, order, is_active
    campaign.save()
    return campaign


@transaction.atomic
def save_series(
    *, actor: Any, series: TrainingSeries | None = None, code: str, name: str, order: int = 100
) -> TrainingSeries:
    require_configure(actor)
    series = series or TrainingSeries()
    if series.pk and series.code != code:
        raise ValidationError({"code": _("已有系列的代码不能修改。")})
    if TrainingSeries.objects.exclude(pk=series.pk).filter(code=code).exists():
        raise ValidationError({"code": _("代码已被使用。")})
    series.code, series.name, series.order = code, name.strip(), order
    series.save()
    return series


# --- training classes and sessions --------------------------------------------------------


@transaction.atomic
def create_training(
    *,
    actor: Any,
    org: Org,
    title: str,
    start: datetime.date | datetime.datetime,
    end: datetime.date | datetime.datetime | None = None,
    series: TrainingSeries | str | None = None,
    number: int | None = None,
    place: str = "",
    venue: Any = None,
    audiences: Sequence[str] = (),
    topics: str = "",
    methods: Sequence[str] = (),
    description: str = "",
    completion_percent: int = 80,
    self_registration: bool = False,
    campaign: Campaign | str | None = None,
    head_count: int | None = None,
) -> TrainingClass:
    """A training class: an activity of kind ``training_class`` with its class details."""
    if any(m not in TrainingMethod.values for m in methods):
        raise ValidationError({"methods": _("培训方式无效。")})
    if not 1 <= completion_percent <= 100:
        raise ValidationError({"completion_percent": _("结业出勤比例应在 1 到 100 之间。")})
    if isinstance(series, str):
        if not TrainingSeries.objects.exists():
            ensure_defaults()
        series = TrainingSeries.objects.filter(code=series).first()
    activity = create_activity(
        actor=actor,
        org=org,
        kind="training_class",
        campaign=campaign,
        title=title,
        start=start,
        end=end,
        place=place,
        venue=venue,
        audiences=audiences,
        description=description,
        head_count=head_count,
    )
    return TrainingClass.objects.create(
        activity=activity,
        series=series,
        number=number,
        topics=topics.strip(),
        methods=list(methods),
        completion_percent=completion_percent,
        self_registration=self_registration,
    )


@transaction.atomic
def update_training(*, actor: Any, training: TrainingClass, **fields: Any) -> TrainingClass:
    require_edit(actor, training.activity.org)
    class_fields = {
        name: fields.pop(name)
        for name in (
            "series",
            "number",
            "topics",
            "methods",
            "completion_percent",
            "self_registration",
        )
        if name in fields
    }
    if any(m not in TrainingMethod.values for m in class_fields.get("methods", [])):
        raise ValidationError({"methods": _("培训方式无效。")})
    if not 1 <= class_fields.get("completion_percent", training.completion_percent) <= 100:
        raise ValidationError({"completion_percent": _("结业出勤比例应在 1 到 100 之间。")})
    if fields:
        update_activity(actor=actor, activity=training.activity, **fields)
    for name, value in class_fields.items():
        setattr(training, name, value)
    training.save()
    return training


@transaction.atomic
def add_session(
    *,
    actor: Any,
    activity: Activity,
    title: str,
    start: datetime.datetime,
    end: datetime.datetime,
    place: str = "",
    method: str = "",
    instructor_name: str = "",
    instructor_unit: str = "",
) -> Session:
    require_edit(actor, activity.org)
    start, end = as_datetime(start), as_datetime(end)
    _check_session(title, start, end, method)
    return Session.objects.create(
        activity=activity,
        title=title.strip(),
        start=start,
        end=end,
        place=place.strip(),
        method=method,
        instructor_name=instructor_name.strip(),
        instructor_unit=instructor_unit.strip(),
    )


def _check_session(
    title: str, start: datetime.datetime, end: datetime.datetime, method: str
) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = _("请填写主题。")
    if end <= start:
        errors["end"] = _("结束时间应晚于开始时间。")
    if method and method not in TrainingMethod.values:
        errors["method"] = _("培训方式无效。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_session(*, actor: Any, session: Session, **fields: Any) -> Session:
    require_edit(actor, session.activity.org)
    for name in ("title", "start", "end", "place", "method", "instructor_name", "instructor_unit"):
        if name in fields:
            value = fields[name]
            if name in ("start", "end"):
                value = as_datetime(value)
            setattr(session, name, value.strip() if isinstance(value, str) else value)
    _check_session(session.title, session.start, session.end, session.method)
    session.save()
    return session


@transaction.atomic
def delete_session(*, actor: Any, session: Session) -> None:
    require_edit(actor, session.activity.org)
    session.delete()


# --- QR check-in --------------------------------------------------------------------------

CHECKIN_SALT = "fulian.events.checkin"
REGISTER_SALT = "fulian.events.register"


def checkin_grace() -> datetime.timedelta:
    """How long after a session's end its check-in link still works."""
    return datetime.timedelta(minutes=settings.FULIAN_CHECKIN_GRACE_MINUTES)


def checkin_lead() -> datetime.timedelta:
    """How long before a session's start its check-in opens."""
    return datetime.timedelta(minutes=settings.FULIAN_CHECKIN_OPENS_MINUTES)


def late_after() -> datetime.timedelta:
    """A check-in this long after the start is flagged late."""
    return datetime.timedelta(minutes=settings.FULIAN_CHECKIN_LATE_MINUTES)


def checkin_token(session: Session) -> str:
    """The signed token in a session's check-in URL (it names the session, nothing else;
    when it stops working is the session's own end plus the grace)."""
    return signing.dumps({"s": session.pk}, salt=CHECKIN_SALT, compress=True)


def session_for_token(token: str) -> Session | None:
    try:
        data = signing.loads(token, salt=CHECKIN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return None
    return Session.objects.select_related("activity__org").filter(pk=data["s"]).first()


def registration_token(training: TrainingClass) -> str:
    return signing.dumps({"t": training.pk}, salt=REGISTER_SALT, compress=True)


def training_for_token(token: str) -> TrainingClass | None:
    try:
        data = signing.loads(token, salt=REGISTER_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), int):
        return None
    return TrainingClass.objects.select_related("activity__org").filter(pk=data["t"]).first()


class CheckinClosed(Exception):
    """The session's check-in window has passed (or not opened yet)."""

    def __init__(self, session: Session, *, not_yet: bool = False) -> None:
        super().__init__(session)
        self.session, self.not_yet = session, not_yet


@dataclass(frozen=True)
class CheckinResult:
    attendance: Attendance
    created: bool

    @property
    def pending(self) -> bool:
        return self.attendance.status == AttendanceStatus.PENDING


PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def _clean_name(name: str) -> str:
    return re.sub(r"\s+", "", name or "")


def _same_name(a: str, b: str) -> bool:
    return to_simplified(_clean_name(a)) == to_simplified(_clean_name(b))


def _validate_checkin(name: str, phone: str) -> tuple[str, str]:
    errors = {}
    clean_name = _clean_name(name)
    if not clean_name:
        errors["name"] = _("请填写姓名。")
    elif len(clean_name) > 50:
        errors["name"] = _("姓名过长。")
    digits = pd.normalise_phone(phone)
    if not PHONE_RE.match(digits):
        errors["phone"] = _("请填写11位手机号码。")
    if errors:
        raise ValidationError(errors)
    return clean_name, digits


def _existing_attendance(session: Session, phone_index: str, person: Any) -> Attendance | None:
    match = Q(phone_index=phone_index) if phone_index else Q(pk__in=[])
    if person is not None:
        match |= Q(person=person)
    return Attendance.objects.filter(session=session).filter(match).order_by("pk").first()


def _insert_attendance(make: Any, lookup: Any, *, actor: Any, note: str) -> tuple[Attendance, bool]:
    """Insert once (with its history row); if the database's uniqueness says someone (a
    parallel scan) was first, return theirs."""
    existing = lookup()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            attendance = make()
            attendance.save()
            workflow.record(attendance, actor=actor, note=note, created=True)
            return attendance, True
    except IntegrityError:
        existing = lookup()
        if existing is None:  # pragma: no cover - the constraint names a row that exists
            raise
        return existing, False


def _retry_when_locked(work: Any) -> Any:
    """SQLite answers "database table is locked" to a racing connection where PostgreSQL
    would wait; outside a transaction it is safe to try again a little later."""
    for attempt in range(100):
        try:
            return work()
        except OperationalError as error:
            if "locked" not in str(error) or transaction.get_connection().in_atomic_block:
                raise
            time.sleep(0.005 * (1 + attempt % 10))
    return work()


def check_in(
    *, session: Session, name: str, phone: str, now: datetime.datetime | None = None
) -> CheckinResult:
    """A trainee's own check-in from the QR page: matched by the phone's blind index among
    the people under the organiser; otherwise (or if the name differs) pending.

    Not one transaction around everything: the insert is its own, so a parallel duplicate
    fails on the unique constraint and is answered with the first one's record.
    """
    now = now or periods.now()
    if now > session.end + checkin_grace():
        raise CheckinClosed(session)
    if now < session.start - checkin_lead():
        raise CheckinClosed(session, not_yet=True)
    clean_name, digits = _validate_checkin(name, phone)
    return _retry_when_locked(lambda: _check_in(session, clean_name, digits, now))


def _check_in(
    session: Session, clean_name: str, digits: str, now: datetime.datetime
) -> CheckinResult:
    index = pd.index_of(pd.PHONE, digits)
    person = find_person_by_phone(digits, session.activity.org)
    matched = person if person is not None and _same_name(person.name, clean_name) else None

    def make() -> Attendance:
        attendance = Attendance(
            session=session,
            person=matched,
            name=clean_name,
            status=AttendanceStatus.CONFIRMED if matched else AttendanceStatus.PENDING,
            source=AttendanceSource.QR,
            late=now > session.start + late_after(),
            checked_in_at=now,
        )
        attendance.phone = digits  # fills phone_cipher and phone_index
        return attendance

    attendance, created = _insert_attendance(
        make, lambda: _existing_attendance(session, index, matched), actor=None, note="qr"
    )
    return CheckinResult(attendance, created)


@transaction.atomic
def check_in_person(
    *,
    actor: Any,
    session: Session,
    person: Any,
    late: bool = False,
    now: datetime.datetime | None = None,
) -> CheckinResult:
    """The organiser checks a person in by hand (the same one-per-session rule)."""
    require_edit(actor, session.activity.org)
    if not _people_for(actor).filter(pk=person.pk).exists():
        raise PermissionDenied

    def make() -> Attendance:
        return Attendance(
            session=session,
            person=person,
            name=person.name,
            phone_cipher=person.phone_cipher,
            phone_index=person.phone_index,
            status=AttendanceStatus.CONFIRMED,
            source=AttendanceSource.MANUAL,
            late=late,
            checked_in_at=now or periods.now(),
            recorded_by=actor,
        )

    attendance, created = _insert_attendance(
        make,
        lambda: _existing_attendance(session, person.phone_index, person),
        actor=actor,
        note="manual",
    )
    return CheckinResult(attendance, created)


@transaction.atomic
def confirm_attendance(
    *, actor: Any, attendance: Attendance, person: Any = None, new_person_org: Org | None = None
) -> Attendance:
    """Confirm a pending check-in: link it to a person in scope, or register the trainee
    as a new person under ``new_person_org``."""
    require_edit(actor, attendance.session.activity.org)
    if person is None and attendance.person_id is None:
        if new_person_org is None:
            raise ValidationError({"person": _("请选择人员，或登记为新人员。")})
        require_edit(actor, new_person_org)
        person = Person(org=new_person_org, name=attendance.name)
        person.phone_cipher, person.phone_index = attendance.phone_cipher, attendance.phone_index
        person.refresh_search_text()
        person.save()
    if person is not None:
        if not _people_for(actor).filter(pk=person.pk).exists():
            raise PermissionDenied
        clash = Attendance.objects.filter(session=attendance.session, person=person).exclude(
            pk=attendance.pk
        )
        if clash.exists():
            raise ValidationError({"person": _("此人本场次已签到。")})
        attendance.person = person
    workflow.move(attendance, AttendanceStatus.CONFIRMED, actor=actor, fields=["person"])
    return attendance


@transaction.atomic
def reject_attendance(*, actor: Any, attendance: Attendance) -> Attendance:
    require_edit(actor, attendance.session.activity.org)
    workflow.move(attendance, AttendanceStatus.REJECTED, actor=actor)
    return attendance


# --- counts -------------------------------------------------------------------------------

CONFIRMED = Q(attendances__status=AttendanceStatus.CONFIRMED)


def with_counts(sessions: Any) -> Any:
    """Sessions annotated with 人次 (``attendance_count``) and 人数 (``people_count``)."""
    return sessions.annotate(
        attendance_count=Count("attendances", filter=CONFIRMED),
        people_count=Count("attendances__person", filter=CONFIRMED, distinct=True),
        pending_count=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PENDING)),
    )


@dataclass(frozen=True)
class Counts:
    attendances: int  # 人次
    people: int  # 人数


def activity_counts(activity: Activity) -> Counts:
    confirmed = Attendance.objects.filter(
        session__activity=activity, status=AttendanceStatus.CONFIRMED
    )
    return Counts(
        attendances=confirmed.count(),
        people=confirmed.exclude(person=None).values("person").distinct().count(),
    )


def session_counts(session: Session) -> Counts:
    confirmed = session.attendances.filter(status=AttendanceStatus.CONFIRMED)
    return Counts(
        attendances=confirmed.count(),
        people=confirmed.exclude(person=None).values("person").distinct().count(),
    )


def completers(training: TrainingClass) -> list[tuple[Any, int, int]]:
    """(person, sessions attended, sessions held) for those who attended at least the
    class's completion share of its sessions, by name."""
    total = training.activity.sessions.count()
    if total == 0:
        return []
    attended = (
        Attendance.objects.filter(
            session__activity=training.activity,
            status=AttendanceStatus.CONFIRMED,
            person__isnull=False,
        )
        .values("person")
        .annotate(n=Count("session", distinct=True))
    )
    eligible = {
        row["person"]: row["n"]
        for row in attended
        if row["n"] * 100 >= training.completion_percent * total
    }
    people = Person.objects.filter(pk__in=eligible).select_related("org").order_by("name", "pk")
    return [(p, eligible[p.pk], total) for p in people]


# --- enrolment ----------------------------------------------------------------------------


def _enrol_one(
    training: TrainingClass,
    *,
    person: Any,
    name: str,
    phone: str,
    unit: str,
    source: str,
    status: str,
    actor: Any,
) -> tuple[Enrolment, bool]:
    index = pd.index_of(pd.PHONE, phone) if phone else (person.phone_index if person else "")
    match = Q(phone_index=index) if index else Q(pk__in=[])
    if person is not None:
        match |= Q(person=person)
    existing = training.enrolments.filter(match).first()
    if existing is not None:
        return existing, False
    enrolment = Enrolment(
        training=training, person=person, name=name, unit=unit, source=source, status=status
    )
    if phone:
        enrolment.phone = phone
    elif person is not None:
        enrolment.phone_cipher, enrolment.phone_index = person.phone_cipher, person.phone_index
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        return training.enrolments.filter(match).get(), False
    workflow.record(enrolment, actor=actor, created=True)
    return enrolment, True


@transaction.atomic
def enrol_people(*, actor: Any, training: TrainingClass, people: Iterable[Any]) -> int:
    """Enrol people from the rosters (approved at once). Returns how many were new."""
    require_edit(actor, training.activity.org)
    scope = _people_for(actor)
    chosen = list(people)
    visible = set(scope.filter(pk__in=[p.pk for p in chosen]).values_list("pk", flat=True))
    if len(visible) != len({p.pk for p in chosen}):
        raise PermissionDenied
    created = 0
    for person in chosen:
        _e, new = _enrol_one(
            training,
            person=person,
            name=person.name,
            phone="",
            unit="",
            source=EnrolmentSource.ROSTER,
            status=EnrolmentStatus.APPROVED,
            actor=actor,
        )
        created += new
    return created


ENROL_COLUMNS = ("姓名", "手机号码", "单位")


def read_enrolment_sheet(data: bytes) -> list[dict[str, str]]:
    """Rows of an enrolment list (.xlsx): columns 姓名, 手机号码, 单位 (the first row is
    the header). All-or-nothing: every bad cell is named by its row and column."""
    rows = read_rows(data)
    if not rows:
        raise ValidationError(_("表格是空的。"))
    header = [compact_text(c) for c in rows[0]]
    missing = [c for c in ENROL_COLUMNS[:2] if c not in header]
    if missing:
        raise ValidationError(_("缺少列：%(columns)s") % {"columns": "、".join(missing)})
    at = {name: header.index(name) for name in ENROL_COLUMNS if name in header}
    out, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        cells = {
            name: number_text(row[i]).strip() if i < len(row) else "" for name, i in at.items()
        }
        if not any(cells.values()):
            continue
        name, phone = _clean_name(cells["姓名"]), pd.normalise_phone(cells["手机号码"])
        if not name:
            errors.append(str(RowError(number, "姓名", _("缺少姓名。"))))
        if not PHONE_RE.match(phone):
            errors.append(str(RowError(number, "手机号码", _("手机号码无效。"))))
        out.append({"name": name, "phone": phone, "unit": cells.get("单位", "")})
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def import_enrolments(*, actor: Any, training: TrainingClass, data: bytes) -> tuple[int, int]:
    """Enrol everyone on an xlsx list; people are matched by the phone's blind index under
    the organiser. Returns (new enrolments, of which matched to a person)."""
    require_edit(actor, training.activity.org)
    created = matched = 0
    for row in read_enrolment_sheet(data):
        person = find_person_by_phone(row["phone"], training.activity.org)
        if person is not None and not _same_name(person.name, row["name"]):
            person = None
        _e, new = _enrol_one(
            training,
            person=person,
            name=row["name"],
            phone=row["phone"],
            unit=row["unit"],
            source=EnrolmentSource.XLSX,
            status=EnrolmentStatus.APPROVED,
            actor=actor,
        )
        created += new
        matched += bool(new and person)
    return created, matched


def register_self(
    *, training: TrainingClass, name: str, phone: str, unit: str = ""
) -> tuple[Enrolment, bool]:
    """Self-registration from the class's public link: waits for the organiser's approval."""
    if not training.self_registration:
        raise PermissionDenied
    clean_name, digits = _validate_checkin(name, phone)
    person = find_person_by_phone(digits, training.activity.org)
    if person is not None and not _same_name(person.name, clean_name):
        person = None
    with transaction.atomic():
        return _enrol_one(
            training,
            person=person,
            name=clean_name,
            phone=digits,
            unit=unit.strip()[:100],
            source=EnrolmentSource.SELF,
            status=EnrolmentStatus.PENDING,
            actor=None,
        )


@transaction.atomic
def decide_enrolment(*, actor: Any, enrolment: Enrolment, status: str) -> Enrolment:
    """Approve or reject an enrolment (``Enrolment.workflow``)."""
    require_edit(actor, enrolment.training.activity.org)
    workflow.move(enrolment, status, actor=actor)
    return enrolment
