"""Indicators of organisation building, for a scope org's subtree and a year."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from fulian.building.models import (
    PENDING_UNIT_STATUSES,
    GuidanceVisit,
    RectificationItem,
    Unit,
    UnitStatus,
)
from fulian.core import periods
from fulian.core.indicators import indicator
from fulian.orgs.models import NEW_SECTOR_KINDS, Org


def _as_of(year: int) -> datetime.date:
    """Year end, or today for the current year."""
    return min(datetime.date(year, 12, 31), periods.today())


@indicator(
    "building.guidance_visits",
    _("指导督察次数"),
    _("本年度由本组织及下级组织开展的指导督察次数"),
    unit=_("次"),
    pillar="strong",
)
def guidance_visits(org: Org, year: int) -> int:
    return GuidanceVisit.objects.in_subtree(org).filter(date__year=year).count()


@indicator(
    "building.rectification_items",
    _("整改事项数"),
    _("本年度指导督察提出的、责任组织在本组织范围内的整改事项数"),
    unit=_("项"),
    pillar="strong",
)
def rectification_items(org: Org, year: int) -> int:
    return RectificationItem.objects.in_subtree(org).filter(visit__date__year=year).count()


@indicator(
    "building.rectification_verified",
    _("已验收整改事项数"),
    _("本年度提出并已验收的整改事项数"),
    unit=_("项"),
    pillar="strong",
)
def rectification_verified(org: Org, year: int) -> int:
    return (
        RectificationItem.objects.in_subtree(org)
        .filter(visit__date__year=year, status="verified")
        .count()
    )


@indicator(
    "building.rectification_overdue",
    _("逾期未完成整改事项数"),
    _("截至年末（本年度截至今天）已过整改期限仍未完成的整改事项数"),
    unit=_("项"),
    pillar="strong",
)
def rectification_overdue(org: Org, year: int) -> int:
    return (
        RectificationItem.objects.in_subtree(org)
        .filter(visit__date__year__lte=year)
        .overdue(_as_of(year))
        .count()
    )


@indicator(
    "building.new_sector_orgs_founded",
    _("新建“三新”组织妇联数"),
    _("本年度在新经济组织、新社会组织、新就业群体中新建立的妇女组织数（按组织树的成立日期）"),
    unit=_("个"),
    pillar="strong",
)
def new_sector_orgs_founded(org: Org, year: int) -> int:
    return (
        Org.objects.in_subtree(org)
        .filter(kind__in=NEW_SECTOR_KINDS, established__year=year)
        .count()
    )


@indicator(
    "building.units_founded",
    _("应建单位新建妇女组织数"),
    _("本年度应建未建单位中建立妇女组织的单位数"),
    unit=_("个"),
    pillar="strong",
)
def units_founded(org: Org, year: int) -> int:
    return (
        Unit.objects.in_subtree(org)
        .filter(status=UnitStatus.FOUNDED, founded_on__year=year)
        .count()
    )


@indicator(
    "building.units_without_org",
    _("尚未建立妇女组织的单位数"),
    _("应建而尚未建立妇女组织的单位数（含已督促），当前值"),
    unit=_("个"),
    pillar="strong",
)
def units_without_org(org: Org, year: int) -> int:
    return Unit.objects.in_subtree(org).filter(status__in=PENDING_UNIT_STATUSES).count()
