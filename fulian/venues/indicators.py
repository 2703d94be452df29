"""Indicators of venues, for a scope org's subtree and a year."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fulian.core.indicators import indicator
from fulian.orgs.models import Org
from fulian.venues.models import Venue, VenueStatus, VenueType


def _established_in(org: Org, year: int, type: str) -> int:
    return Venue.objects.in_subtree(org).filter(type=type, established__year=year).count()


def _standing(org: Org, year: int, type: str) -> int:
    """Venues of a type established by the year's end and not closed."""
    return (
        Venue.objects.in_subtree(org)
        .filter(type=type, established__lte=datetime.date(year, 12, 31))
        .exclude(status__in=[VenueStatus.CLOSED, VenueStatus.PLANNED])
        .count()
    )


@indicator(
    "venues.mediation_workrooms_established",
    _("新建执委婚调工作室数"),
    _("本年度建成的执委婚调工作室数"),
    unit=_("个"),
    pillar="strong",
)
def mediation_workrooms_established(org: Org, year: int) -> int:
    return _established_in(org, year, VenueType.MEDIATION_WORKROOM)


@indicator(
    "venues.micro_homes_established",
    _("新建妇女微家数"),
    _("本年度建成的妇女微家数"),
    unit=_("个"),
    pillar="strong",
)
def micro_homes_established(org: Org, year: int) -> int:
    return _established_in(org, year, VenueType.MICRO_HOME)


@indicator(
    "venues.womens_homes",
    _("妇女之家数"),
    _("截至年末已建成、未撤销的妇女之家数"),
    unit=_("个"),
    pillar="strong",
)
def womens_homes(org: Org, year: int) -> int:
    return _standing(org, year, VenueType.WOMENS_HOME)


@indicator(
    "venues.womens_homes_shared",
    _("共建共享共用的妇女之家数"),
    _("截至年末依托党群服务中心或新时代文明实践所（站）共建共享共用的妇女之家数"),
    unit=_("个"),
    pillar="strong",
)
def womens_homes_shared(org: Org, year: int) -> int:
    return (
        Venue.objects.in_subtree(org)
        .filter(
            type=VenueType.WOMENS_HOME, shared=True, established__lte=datetime.date(year, 12, 31)
        )
        .exclude(status__in=[VenueStatus.CLOSED, VenueStatus.PLANNED])
        .count()
    )


@indicator(
    "venues.mediation_workrooms",
    _("执委婚调工作室数"),
    _("截至年末已建成、未撤销的执委婚调工作室数"),
    unit=_("个"),
    pillar="strong",
)
def mediation_workrooms(org: Org, year: int) -> int:
    return _standing(org, year, VenueType.MEDIATION_WORKROOM)


@indicator(
    "venues.micro_homes",
    _("妇女微家数"),
    _("截至年末已建成、未撤销的妇女微家数"),
    unit=_("个"),
    pillar="strong",
)
def micro_homes(org: Org, year: int) -> int:
    return _standing(org, year, VenueType.MICRO_HOME)


@indicator(
    "venues.assessed",
    _("评估阵地数"),
    _("本年度经创建标准评估的阵地数"),
    unit=_("个"),
    pillar="strong",
)
def assessed(org: Org, year: int) -> int:
    return Venue.objects.in_subtree(org).filter(assessments__date__year=year).distinct().count()


@indicator(
    "venues.certified",
    _("达标阵地数"),
    _("最近一次评估达到创建标准的阵地数（当前值）"),
    unit=_("个"),
    pillar="strong",
)
def certified(org: Org, year: int) -> int:
    return Venue.objects.in_subtree(org).filter(Q(certified=True)).count()


@indicator(
    "venues.model_sites",
    _("示范点数"),
    _("被确定为示范点（观摩学习目的地）的阵地数"),
    unit=_("个"),
    pillar="strong",
)
def model_sites(org: Org, year: int) -> int:
    return Venue.objects.in_subtree(org).filter(is_model_site=True).count()
