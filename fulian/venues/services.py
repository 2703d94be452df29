"""Writes of the venues app: venues, their photos, creation standards and assessments.
Each is one transaction, checked against the actor's scope and role."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from fulian.core import periods
from fulian.core.uploads import check_upload, process_photo, safe_name
from fulian.orgs.models import Org
from fulian.venues.models import (
    Assessment,
    AssessmentEvidence,
    AssessmentResult,
    ItemKind,
    Standard,
    StandardItem,
    Venue,
    VenueHost,
    VenuePhoto,
    VenueStatus,
    VenueType,
)

VENUE_FIELDS = (
    "name",
    "type",
    "host",
    "host_name",
    "shared",
    "address",
    "latitude",
    "longitude",
    "opening_hours",
    "contact_phone",
    "established",
    "status",
    "listed_publicly",
    "description",
)


def _require(actor: Any, perm: str, org: Org) -> None:
    if not actor.has_perm(perm) or not Org.objects.for_user(actor).filter(pk=org.pk).exists():
        raise PermissionDenied


def _clean_venue(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if not str(values.get("name", "")).strip():
        errors["name"] = _("请填写名称。")
    if values.get("type") not in VenueType.values:
        errors["type"] = _("阵地类型无效。")
    if values.get("host") not in VenueHost.values:
        errors["host"] = _("依托场所无效。")
    if values.get("status", VenueStatus.OPEN) not in VenueStatus.values:
        errors["status"] = _("状态无效。")
    lat, lng = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lng is None):
        errors["latitude"] = _("经纬度须同时填写。")
    elif (
        lat is not None
        and lng is not None
        and not (Decimal(-90) <= Decimal(lat) <= 90 and Decimal(-180) <= Decimal(lng) <= 180)
    ):
        errors["latitude"] = _("经纬度超出范围（WGS-84）。")
    established = values.get("established")
    if established and established > periods.today():
        errors["established"] = _("建成日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    values["name"] = values["name"].strip()
    return values


@transaction.atomic
def create_venue(*, actor: Any, org: Org, is_model_site: bool = False, **values: Any) -> Venue:
    _require(actor, "fulian.edit", org)
    unknown = set(values) - set(VENUE_FIELDS)
    if unknown:
        raise TypeError(f"unknown venue fields {sorted(unknown)}")
    if is_model_site and not actor.has_perm("fulian.configure"):
        raise PermissionDenied
    return Venue.objects.create(org=org, is_model_site=is_model_site, **_clean_venue(values))


@transaction.atomic
def update_venue(*, actor: Any, venue: Venue, org: Org | None = None, **values: Any) -> Venue:
    _require(actor, "fulian.edit", venue.org)
    if org is not None:
        _require(actor, "fulian.edit", org)
        venue.org = org
    unknown = set(values) - set(VENUE_FIELDS)
    if unknown:
        raise TypeError(f"unknown venue fields {sorted(unknown)}")
    merged = {f: getattr(venue, f) for f in VENUE_FIELDS} | values
    for key, value in _clean_venue(merged).items():
        setattr(venue, key, value)
    venue.save()
    return venue


@transaction.atomic
def set_model_site(*, actor: Any, venue: Venue, is_model_site: bool) -> Venue:
    """Model sites (示范点) are named by the district: the destinations of study tours."""
    _require(actor, "fulian.configure", venue.org)
    venue.is_model_site = is_model_site
    venue.save(update_fields=["is_model_site", "updated_at"])
    return venue


@transaction.atomic
def add_photo(*, actor: Any, venue: Venue, upload: Any, caption: str = "") -> VenuePhoto:
    _require(actor, "fulian.edit", venue.org)
    processed = process_photo(upload)  # re-encoded: no EXIF, no GPS of whoever took it
    photo = VenuePhoto(
        venue=venue,
        content_type="image/jpeg",
        size=len(processed.image),
        caption=caption.strip()[:100],
        uploaded_by=actor,
    )
    photo.file.save(safe_name(upload.name, "jpg"), ContentFile(processed.image), save=False)
    photo.save()
    return photo


# --- creation standards ----------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    label: str
    kind: str = ItemKind.PASS_FAIL
    max_score: int = 10


@transaction.atomic
def save_standard(
    *,
    actor: Any,
    venue_type: str,
    name: str,
    threshold: int,
    items: Iterable[ItemSpec],
) -> Standard:
    """A new version of the actor's org's standard for a venue type. The previous version
    is kept (old assessments refer to it) but no longer applies."""
    org = actor.org
    if org is None:
        raise PermissionDenied
    _require(actor, "fulian.configure", org)
    items = [i for i in items if i.label.strip()]
    errors: dict[str, str] = {}
    if venue_type not in VenueType.values:
        errors["venue_type"] = _("阵地类型无效。")
    if not name.strip():
        errors["name"] = _("请填写名称。")
    if not items:
        errors["items"] = _("标准至少要有一个项目。")
    elif any(i.kind not in ItemKind.values or i.max_score < 1 for i in items):
        errors["items"] = _("项目的评价方式或分值无效。")
    elif threshold > sum(i.max_score for i in items):
        errors["threshold"] = _("达标分数线不能高于满分。")
    if errors:
        raise ValidationError(errors)
    Standard.objects.filter(org=org, venue_type=venue_type, active=True).update(active=False)
    standard = Standard.objects.create(
        org=org, venue_type=venue_type, name=name.strip(), threshold=threshold
    )
    StandardItem.objects.bulk_create(
        StandardItem(
            standard=standard, order=n, label=i.label.strip(), kind=i.kind, max_score=i.max_score
        )
        for n, i in enumerate(items, start=1)
    )
    return standard


def standard_for(venue: Venue) -> Standard | None:
    """The standard that applies to a venue: the active one for its type set by the
    nearest org at or above the venue's org."""
    step = Org.steplen
    paths = [venue.org.path[:i] for i in range(step, len(venue.org.path) + 1, step)]
    return (
        Standard.objects.filter(venue_type=venue.type, active=True, org__path__in=paths)
        .order_by("-org__depth", "-pk")
        .first()
    )


# --- assessments -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemResult:
    passed: bool | None = None
    score: int | None = None
    note: str = ""


@transaction.atomic
def assess(
    *,
    actor: Any,
    venue: Venue,
    date: datetime.date,
    results: dict[int, ItemResult],
    note: str = "",
    evidence: Iterable[Any] = (),
    standard: Standard | None = None,
) -> Assessment:
    """Assess a venue against its standard. The latest assessment decides whether the
    venue is certified (total at or above the threshold)."""
    _require(actor, "fulian.edit", venue.org)
    standard = standard or standard_for(venue)
    if standard is None:
        raise ValidationError(_("该类阵地尚无创建标准。"))
    if date > periods.today():
        raise ValidationError({"date": _("评估日期不能晚于今天。")})
    items = list(standard.items.all())
    missing = [i.label for i in items if i.pk not in results]
    if missing:
        raise ValidationError(_("请评价每个项目：%(items)s") % {"items": "、".join(missing)})
    rows, total = [], 0
    for item in items:
        result = results[item.pk]
        if item.kind == ItemKind.PASS_FAIL:
            if result.passed is None:
                raise ValidationError(_("请评价“%(item)s”是否达标。") % {"item": item.label})
            score = item.max_score if result.passed else 0
            passed = result.passed
        else:
            if result.score is None or not 0 <= result.score <= item.max_score:
                raise ValidationError(
                    _("“%(item)s”的得分须在 0 到 %(max)d 之间。")
                    % {"item": item.label, "max": item.max_score}
                )
            score, passed = result.score, None
        total += score
        rows.append(
            AssessmentResult(item=item, passed=passed, score=score, note=result.note.strip()[:200])
        )
    checked = [(upload, check_upload(upload)) for upload in evidence]
    assessment = Assessment.objects.create(
        venue=venue,
        standard=standard,
        date=date,
        assessor=actor,
        total=total,
        passed=total >= standard.threshold,
        note=note.strip(),
    )
    for row in rows:
        row.assessment = assessment
    AssessmentResult.objects.bulk_create(rows)
    for upload, info in checked:
        name = safe_name(upload.name, info.extension)
        record = AssessmentEvidence(
            assessment=assessment,
            name=name,
            content_type=info.content_type,
            size=info.size,
            uploaded_by=actor,
        )
        record.file.save(name, upload, save=False)
        record.save()
    latest = Assessment.objects.filter(venue=venue).order_by("-date", "-pk").first()
    if latest is not None and latest.pk == assessment.pk:
        venue.certified = assessment.passed
        venue.certified_on = date if assessment.passed else None
        venue.save(update_fields=["certified", "certified_on", "updated_at"])
    return assessment
