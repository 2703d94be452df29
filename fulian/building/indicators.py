"""Indicators of organisation building, grouped (see ``fulian.core.indicators``): visits,
rectification items, new orgs and units cost one query each, for one org or all children."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from fulian.building.models import (
    PENDING_UNIT_STATUSES,
    UNFINISHED_STATUSES,
    GuidanceVisit,
    ItemStatus,
    RectificationItem,
    Unit,
    UnitStatus,
)
from fulian.core.indicators import Groups, as_of, indicator
from fulian.core.periods import Period
from fulian.orgs.models import NEW_SECTOR_KINDS, Org


@indicator(
    "building.guidance_visits",
    _("指导督察次数"),
    _("统计期内由本组织及下级组织开展的指导督察次数"),
    unit=_("次"),
    pillar="strong",
    grouped=True,
)
def guidance_visits(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(groups.subtree(GuidanceVisit.objects.filter(date__range=period.range)))


def _items(groups: Groups, period: Period) -> dict[str, dict[str, int]]:
    """Items raised up to the period's end: raised in it, verified, overdue at its end."""
    day = as_of(period)
    in_period = Q(visit__date__gte=period.start)
    rows = (
        groups.subtree(RectificationItem.objects.filter(visit__date__lte=period.end))
        .values("_g")
        .annotate(
            raised=Count("pk", filter=in_period),
            verified=Count("pk", filter=in_period & Q(status=ItemStatus.VERIFIED)),
            overdue=Count("pk", filter=Q(status__in=UNFINISHED_STATUSES, deadline__lt=day)),
        )
    )
    result: dict[str, dict[str, int]] = {"raised": {}, "verified": {}, "overdue": {}}
    for row in rows:
        for name in result:
            result[name][row["_g"]] = row[name]
    return result


@indicator(
    "building.rectification_items",
    _("整改事项数"),
    _("统计期内指导督察提出的、责任组织在本组织范围内的整改事项数"),
    unit=_("项"),
    pillar="strong",
    grouped=True,
)
def rectification_items(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_items, period)["raised"]


@indicator(
    "building.rectification_verified",
    _("已验收整改事项数"),
    _("统计期内提出并已验收的整改事项数"),
    unit=_("项"),
    pillar="strong",
    grouped=True,
)
def rectification_verified(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_items, period)["verified"]


@indicator(
    "building.rectification_overdue",
    _("逾期未完成整改事项数"),
    _("截至期末（当期截至今天）已过整改期限仍未完成的整改事项数"),
    unit=_("项"),
    pillar="strong",
    grouped=True,
)
def rectification_overdue(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_items, period)["overdue"]


@indicator(
    "building.new_sector_orgs_founded",
    _("新建“三新”组织妇联数"),
    _("统计期内在新经济组织、新社会组织、新就业群体中新建立的妇女组织数（按组织树的成立日期）"),
    unit=_("个"),
    pillar="strong",
    grouped=True,
)
def new_sector_orgs_founded(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(
        groups.subtree(
            Org.objects.filter(kind__in=NEW_SECTOR_KINDS, established__range=period.range), None
        )
    )


def _units(groups: Groups, period: Period) -> dict[str, dict[str, int]]:
    rows = (
        groups.subtree(Unit.objects.all())
        .values("_g")
        .annotate(
            founded=Count(
                "pk", filter=Q(status=UnitStatus.FOUNDED, founded_on__range=period.range)
            ),
            pending=Count("pk", filter=Q(status__in=PENDING_UNIT_STATUSES)),
        )
    )
    result: dict[str, dict[str, int]] = {"founded": {}, "pending": {}}
    for row in rows:
        for name in result:
            result[name][row["_g"]] = row[name]
    return result


@indicator(
    "building.units_founded",
    _("应建单位新建妇女组织数"),
    _("统计期内应建未建单位中建立妇女组织的单位数"),
    unit=_("个"),
    pillar="strong",
    grouped=True,
)
def units_founded(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_units, period)["founded"]


@indicator(
    "building.units_without_org",
    _("尚未建立妇女组织的单位数"),
    _("应建而尚未建立妇女组织的单位数（含已督促），当前值"),
    unit=_("个"),
    pillar="strong",
    grouped=True,
)
def units_without_org(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_units, period)["pending"]
