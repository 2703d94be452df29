"""Indicators of venues, grouped (see ``fulian.core.indicators``): two queries for all of
them, for one org or every child at once."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from fulian.core.indicators import Groups, indicator
from fulian.core.periods import Period
from fulian.venues.models import Venue, VenueStatus, VenueType


def _venue_rows(groups: Groups, period: Period) -> dict[tuple[str, str], dict[str, int]]:
    """{(measure, type): {key: n}} in one query: established in the period, standing at
    its end (established by then, not closed or planned), shared, certified, model sites."""
    standing = Q(established__lte=period.end) & ~Q(
        status__in=[VenueStatus.CLOSED, VenueStatus.PLANNED]
    )
    rows = (
        groups.subtree(Venue.objects.all())
        .values("_g", "type")
        .annotate(
            n_established=Count("pk", filter=Q(established__range=period.range)),
            n_standing=Count("pk", filter=standing),
            n_shared=Count("pk", filter=standing & Q(shared=True)),
            n_certified=Count("pk", filter=Q(certified=True)),
            n_model_sites=Count("pk", filter=Q(is_model_site=True)),
        )
    )
    result: dict[tuple[str, str], dict[str, int]] = {}
    for row in rows:
        for measure in ("established", "standing", "shared", "certified", "model_sites"):
            for type_ in (row["type"], "*"):
                bucket = result.setdefault((measure, type_), {})
                bucket[row["_g"]] = bucket.get(row["_g"], 0) + row[f"n_{measure}"]
    return result


def _measure(groups: Groups, period: Period, measure: str, type_: str = "*") -> dict[str, int]:
    return groups.once(_venue_rows, period).get((measure, type_), {})


@indicator(
    "venues.mediation_workrooms_established",
    _("新建执委婚调工作室数"),
    _("统计期内建成的执委婚调工作室数"),
    unit=_("个"),
    pillar="strong",
    grouped=True,
)
def mediation_workrooms_established(groups: Groups, period: Period) -> dict[str, int]:
    return _measure(groups, period, "established", VenueType.MEDIATION_WORKROOM)


@indicator(
    "venues.micro_homes_established",
    _("新建妇女微家数"),
    _("统计期内建成的妇女微家数"),
    unit=_("个"),
    pillar="strong",
    grouped=True,
)
def micro_homes_established(groups: Groups, period: Period) -> dict[str, int]:
    return _measure(groups, period, "established", VenueType.MICRO_HOME)


@indicator(
    "venues.womens_homes",
    _("妇女之家数"),
    _("截至期末已建成、未撤销的妇女之家数"),
    unit=_("个"),
    pillar="strong",
    grouped=True,
)
def womens_homes(groups: Groups, period: Period) -> dict[str, int]:
    return _measure(groups, period, "standing", VenueType.WOMENS_HOME)


@indicator(
    "venues.womens_homes_shared",
    _("共建共享共用的妇女之家数"),
    _("截至期末依托党群服务中心或新时代文明实践所（站）共建共享共用的妇女之家数"),
    unit=_("个"),
    pillar="strong",
    grouped=True,
)
def womens_homes_shared(groups: Groups, period: Period) -> dict[str, int]:
    return _measure(groups, period, "shared", VenueType.WOMENS_HOME)


@indicator(
    "venues.mediation_workrooms",
    _("执委婚调工作室数"),
    _("截至期末已建成、未撤销的执委婚调工作室数"),
    unit=_("个"),
    pillar="strong",
    grouped=True,
)
def mediation_workrooms(groups: Groups, period: Period) -> dict[str, int]:
    return _measure(groups, period, "standing", VenueType.MEDIATION_WORKROOM)


@indicator(
    "venues.micro_homes",
    _("妇女微家数"),
    _("截至期末已建成、未撤销的妇女微家数"),
    unit=_("个"),
    pillar="strong",
    grouped=True,
)
def micro_homes(groups: Groups, period: Period) -> dict[str, int]:
    return _measure(groups, period, "standing", VenueType.MICRO_HOME)


@indicator(
    "venues.assessed",
    _("评估阵地数"),
    _("统计期内经创建标准评估的阵地数"),
    unit=_("个"),
    pillar="strong",
    grouped=True,
)
def assessed(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(
        groups.subtree(Venue.objects.filter(assessments__date__range=period.range)),
        Count("pk", distinct=True),
    )


@indicator(
    "venues.certified",
    _("达标阵地数"),
    _("最近一次评估达到创建标准的阵地数（当前值）"),
    unit=_("个"),
    pillar="strong",
    grouped=True,
)
def certified(groups: Groups, period: Period) -> dict[str, int]:
    return _measure(groups, period, "certified")


@indicator(
    "venues.model_sites",
    _("示范点数"),
    _("被确定为示范点（观摩学习目的地）的阵地数"),
    unit=_("个"),
    pillar="strong",
    grouped=True,
)
def model_sites(groups: Groups, period: Period) -> dict[str, int]:
    return _measure(groups, period, "model_sites")
