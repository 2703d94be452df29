"""Writes of activities, campaigns, training classes, sessions and attendance.

Each function is keyword-only, runs in one transaction and checks the actor's scope and
permission itself. ``actor=None`` is a system load (the demo, an import command): it is
never reachable from a request.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.events.models import (
    Activity,
    ActivityKind,
    ActivityPhoto,
    Audience,
    Campaign,
    MeetingType,
    Session,
    TrainingClass,
    TrainingMethod,
    TrainingSeries,
)
from fulian.events.photos import MAX_PHOTOS, process_photo
from fulian.orgs.models import Org

# --- checks -------------------------------------------------------------------------------


def require_edit(actor: Any, org: Org) -> None:
    """The actor may edit and ``org`` is in the actor's subtree (``None`` is the system)."""
    if actor is None:
        return
    if not actor.has_perm("fulian.edit") or not Org.objects.for_user(actor).filter(pk=org.pk).exists():
        raise PermissionDenied


def require_configure(actor: Any) -> None:
    if actor is not None and not actor.has_perm("fulian.configure"):
        raise PermissionDenied


def as_datetime(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """A date means the start of that day in the district's time zone."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))


def _kind(kind: ActivityKind | str) -> ActivityKind:
    if isinstance(kind, ActivityKind):
        return kind
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
    if found is None:
        raise ValidationError({"campaign": _("活动品牌不存在。")})
    return found


def _check_fields(
    *, title: str, start: datetime.datetime, end: datetime.datetime | None,
    head_count: int | None, audiences: Sequence[str], meeting_type: str,
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
    if idempotency_key is not None:
        key = uuid.UUID(str(idempotency_key))
        existing = Activity.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _same_submitter(existing, actor)
    else:
        key = None
    start_dt = as_datetime(start)
    end_dt = as_datetime(end) if end is not None else None
    _check_fields(
        title=title, start=start_dt, end=end_dt, head_count=head_count, audiences=audiences,
        meeting_type=meeting_type,
    )
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传 9 张照片。")})
    activity = Activity(
        org=org, kind=_kind(kind), campaign=_campaign(campaign), title=title.strip(),
        start=start_dt, end=end_dt, place=place.strip(), venue=venue, audiences=list(audiences),
        description=description.strip(), head_count=head_count, meeting_type=meeting_type,
        agenda=agenda, minutes=minutes, idempotency_key=key,
        created_by=actor if actor is not None else None,
    )
    try:
        with transaction.atomic():
            activity.save()
    except IntegrityError:
        # Two copies of one submission raced; the other one won.
        if key is None:
            raise
        return _same_submitter(Activity.objects.get(idempotency_key=key), actor)
    if co_organisers:
        activity.co_organisers.set(list(co_organisers))
    if destinations:
        activity.destinations.set(list(destinations))
    _add_photos(activity, photos, actor)
    return activity


def _same_submitter(existing: Activity, actor: Any) -> Activity:
    if actor is not None and existing.created_by_id != actor.pk:
        raise ValidationError(_("提交编号已被使用。"))
    return existing


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
        "org", "kind", "campaign", "title", "start", "end", "place", "venue", "audiences",
        "description", "head_count", "meeting_type", "agenda", "minutes",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown activity fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(activity, name, value.strip() if isinstance(value, str) and name != "minutes" else value)
    _check_fields(
        title=activity.title, start=activity.start, end=activity.end,
        head_count=activity.head_count, audiences=activity.audiences,
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
    require_edit(actor, activity.org)
    files = [(p.image, p.thumbnail) for p in activity.photos.all()]
    activity.delete()

    def remove() -> None:
        for image, thumb in files:
            image.delete(save=False)
            thumb.delete(save=False)

    transaction.on_commit(remove)


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
    require_edit(actor, photo.activity.org)
    image, thumb = photo.image, photo.thumbnail
    photo.delete()
    transaction.on_commit(lambda: (image.delete(save=False), thumb.delete(save=False)))


# --- configuration: kinds, campaigns, series (the district) -------------------------------


@transaction.atomic
def save_kind(
    *, actor: Any, kind: ActivityKind | None = None, code: str, name: str, order: int = 100,
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
    *, actor: Any, campaign: Campaign | None = None, code: str, name: str,
    parent: Campaign | None = None, description: str = "", order: int = 100,
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
        series = TrainingSeries.objects.filter(code=series).first()
    activity = create_activity(
        actor=actor, org=org, kind="training_class", campaign=campaign, title=title, start=start,
        end=end, place=place, venue=venue, audiences=audiences, description=description,
        head_count=head_count,
    )
    return TrainingClass.objects.create(
        activity=activity, series=series, number=number, topics=topics.strip(),
        methods=list(methods), completion_percent=completion_percent,
        self_registration=self_registration,
    )


@transaction.atomic
def update_training(*, actor: Any, training: TrainingClass, **fields: Any) -> TrainingClass:
    require_edit(actor, training.activity.org)
    class_fields = {
        name: fields.pop(name)
        for name in ("series", "number", "topics", "methods", "completion_percent", "self_registration")
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
        activity=activity, title=title.strip(), start=start, end=end, place=place.strip(),
        method=method, instructor_name=instructor_name.strip(),
        instructor_unit=instructor_unit.strip(),
    )


def _check_session(title: str, start: datetime.datetime, end: datetime.datetime, method: str) -> None:
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
