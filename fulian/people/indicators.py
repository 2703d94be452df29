"""Indicators of 全 (the team), read by the dashboard, workbook, API and annual summary;
grouped (see ``fulian.core.indicators``).

Positions count as of the period's last day (or today, while the period runs)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from fulian.core.indicators import Groups, as_of, indicator
from fulian.core.periods import Period
from fulian.people.models import Congress, Delegate, Grid, Position, PositionKind


def _current(day: Any) -> Q:
    return (Q(start__isnull=True) | Q(start__lte=day)) & (Q(end__isnull=True) | Q(end__gte=day))


@indicator(
    "people.delegates",
    _("妇女代表大会代表人数"),
    _("本组织在期末前召开的最近一次妇女代表大会的代表人数"),
    unit=_("人"),
    pillar="team",
    grouped=True,
    additive=False,
)
def delegates(groups: Groups, period: Period) -> dict[str, int]:
    latest: dict[str, tuple[Any, int]] = {}
    for key, start, pk in groups.own(
        Congress.objects.filter(start_date__lte=period.end)
    ).values_list("_g", "start_date", "pk"):
        if key not in latest or (start, pk) > latest[key]:
            latest[key] = (start, pk)
    if not latest:
        return {}
    sizes = dict(
        Delegate.objects.filter(congress__in=[pk for _s, pk in latest.values()])
        .order_by()
        .values("congress")
        .annotate(n=Count("pk"))
        .values_list("congress", "n")
    )
    return {key: sizes.get(pk, 0) for key, (_s, pk) in latest.items()}


@indicator(
    "people.executives",
    _("执委人数"),
    _("本组织执行委员会的在任执委人数（期末或当日）"),
    unit=_("人"),
    pillar="team",
    grouped=True,
    additive=False,
)
def executives(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(
        groups.own(Position.objects.filter(_current(as_of(period)), kind=PositionKind.EXECUTIVE)),
        Count("person", distinct=True),
    )


def _subtree_positions(groups: Groups, period: Period) -> dict[str, dict[str, int]]:
    rows = (
        groups.subtree(
            Position.objects.filter(
                _current(as_of(period)),
                kind__in=[PositionKind.EXECUTIVE, PositionKind.GRID_WORKER],
            )
        )
        .values("_g", "kind")
        .annotate(n=Count("person", distinct=True))
        .values_list("_g", "kind", "n")
    )
    result: dict[str, dict[str, int]] = {}
    for key, kind, n in rows:
        result.setdefault(kind, {})[key] = n
    return result


@indicator(
    "people.executives_subtree",
    _("辖区执委人数"),
    _("本组织及下级组织的在任执委人数（按人计）"),
    unit=_("人"),
    pillar="team",
    grouped=True,
    additive=False,
)
def executives_subtree(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_subtree_positions, period).get(PositionKind.EXECUTIVE, {})


@indicator(
    "people.grid_workers",
    _("网格员人数"),
    _("辖区在任网格员人数（按人计）"),
    unit=_("人"),
    pillar="team",
    grouped=True,
    additive=False,
)
def grid_workers(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_subtree_positions, period).get(PositionKind.GRID_WORKER, {})


def _grids(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(groups.subtree(Grid.objects.all()))


@indicator(
    "people.grids",
    _("网格数"),
    _("辖区村、社区的网格数"),
    unit=_("个"),
    pillar="team",
    grouped=True,
)
def grids(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_grids, period)


@indicator(
    "people.dual_appointment_share",
    _("执委兼任网格员的网格占比"),
    _("辖区网格中，在任网格员同时是在任执委的网格所占百分比"),
    unit="%",
    pillar="team",
    grouped=True,
    additive=False,
)
def dual_appointment_share(groups: Groups, period: Period) -> dict[str, float]:
    day = as_of(period)
    totals = groups.once(_grids, period)
    executives_ids = Position.objects.filter(_current(day), kind=PositionKind.EXECUTIVE).values(
        "person_id"
    )
    covered = groups.count(
        groups.subtree(
            Position.objects.filter(
                _current(day), kind=PositionKind.GRID_WORKER, person_id__in=executives_ids
            )
        ),
        Count("grid", distinct=True),
    )
    return {
        key: round(100 * covered.get(key, 0) / total, 1) if total else 0.0
        for key, total in ((k, totals.get(k, 0)) for k in groups.keys)
    }
