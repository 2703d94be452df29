"""Indicators of 全 (the team), read by the dashboard, workbook, API and annual summary.

Positions count as of the year's last day (or today, for the current year)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from fulian.core import periods
from fulian.core.indicators import indicator
from fulian.people.models import Congress, Delegate, Grid, Position, PositionKind


def _as_of(year: int) -> datetime.date:
    return min(datetime.date(year, 12, 31), periods.today())


@indicator(
    "people.delegates",
    _("妇女代表大会代表人数"),
    _("本组织在该年底前召开的最近一次妇女代表大会的代表人数"),
    unit=_("人"),
    pillar="team",
)
def delegates(org: Any, year: int) -> int:
    congress = (
        Congress.objects.filter(org=org, start_date__lte=datetime.date(year, 12, 31))
        .order_by("-start_date")
        .first()
    )
    return Delegate.objects.filter(congress=congress).count() if congress else 0


@indicator(
    "people.executives",
    _("执委人数"),
    _("本组织执行委员会的在任执委人数（年底或当日）"),
    unit=_("人"),
    pillar="team",
)
def executives(org: Any, year: int) -> int:
    day = _as_of(year)
    return (
        Position.objects.filter(org=org, kind=PositionKind.EXECUTIVE)
        .current(day)
        .values("person_id")
        .distinct()
        .count()
    )


@indicator(
    "people.executives_subtree",
    _("辖区执委人数"),
    _("本组织及下级组织的在任执委人数（按人计）"),
    unit=_("人"),
    pillar="team",
)
def executives_subtree(org: Any, year: int) -> int:
    day = _as_of(year)
    return (
        Position.objects.in_subtree(org)
        .filter(kind=PositionKind.EXECUTIVE)
        .current(day)
        .values("person_id")
        .distinct()
        .count()
    )


@indicator(
    "people.grid_workers",
    _("网格员人数"),
    _("辖区在任网格员人数（按人计）"),
    unit=_("人"),
    pillar="team",
)
def grid_workers(org: Any, year: int) -> int:
    day = _as_of(year)
    return (
        Position.objects.in_subtree(org)
        .filter(kind=PositionKind.GRID_WORKER)
        .current(day)
        .values("person_id")
        .distinct()
        .count()
    )


@indicator("people.grids", _("网格数"), _("辖区村、社区的网格数"), unit=_("个"), pillar="team")
def grids(org: Any, year: int) -> int:
    return Grid.objects.in_subtree(org).count()


@indicator(
    "people.dual_appointment_share",
    _("执委兼任网格员的网格占比"),
    _("辖区网格中，在任网格员同时是在任执委的网格所占百分比"),
    unit="%",
    pillar="team",
)
def dual_appointment_share(org: Any, year: int) -> float:
    day = _as_of(year)
    total = Grid.objects.in_subtree(org).count()
    if not total:
        return 0.0
    executives_ids = (
        Position.objects.filter(kind=PositionKind.EXECUTIVE).current(day).values("person_id")
    )
    covered = (
        Position.objects.in_subtree(org)
        .filter(kind=PositionKind.GRID_WORKER, person_id__in=executives_ids)
        .current(day)
        .values("grid_id")
        .distinct()
        .count()
    )
    return round(100 * covered / total, 1)
