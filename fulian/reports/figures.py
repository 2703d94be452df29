"""Figures for the dashboard, the workbook, the API and the summary: the registry's
indicators for an org (or each of its children) in a period, with the previous period and
the same period last year beside each figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fulian.core.indicators import Groups, Indicator, Value, chosen, evaluate_groups
from fulian.core.periods import Period
from fulian.core.registry import PILLARS
from fulian.orgs.models import Org


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    value: Value
    previous: Value = None
    last_year: Value = None

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def change(self) -> Value:
        """Against the same period last year."""
        if self.value is None or self.last_year is None:
            return None
        return round(self.value - self.last_year, 1)

    @property
    def change_percent(self) -> float | None:
        if self.value is None or not self.last_year:
            return None
        return round(100 * (self.value - self.last_year) / self.last_year, 1)


@dataclass
class Figures:
    """One org's figures in a period, in code order, with their comparisons."""

    org: Org
    period: Period
    figures: list[Figure]
    by_code: dict[str, Figure] = field(init=False)

    def __post_init__(self) -> None:
        self.by_code = {f.code: f for f in self.figures}

    def __getitem__(self, code: str) -> Figure:
        return self.by_code[code]

    def get(self, code: str) -> Figure | None:
        return self.by_code.get(code)

    def by_pillar(self) -> list[tuple[str, Any, list[Figure]]]:
        return [
            (key, label, [f for f in self.figures if f.indicator.pillar == key])
            for key, label in PILLARS.items()
            if any(f.indicator.pillar == key for f in self.figures)
        ]


def figures(
    org: Org, period: Period, codes: list[str] | None = None, *, compare: bool | str = True
) -> Figures:
    """``org``'s subtree in ``period``; with ``compare``, also the previous period and the
    same period last year (three evaluations, each a constant number of queries);
    ``compare="last_year"`` only last year's."""
    indicators = chosen(codes)
    wanted = [i.code for i in indicators]
    now = evaluate_groups(Groups(org), period, wanted)
    empty: dict[str, dict[str, Value]] = {}
    before = evaluate_groups(Groups(org), period.previous(), wanted) if compare is True else empty
    last = evaluate_groups(Groups(org), period.shifted_years(-1), wanted) if compare else empty
    key = org.path
    return Figures(
        org,
        period,
        [
            Figure(
                i,
                now[i.code][key],
                before[i.code][key] if before else None,
                last[i.code][key] if last else None,
            )
            for i in indicators
        ],
    )


@dataclass
class ChildRow:
    org: Org | None  # None: the parent's own records (本级)
    figures: dict[str, Value]


@dataclass
class ChildTable:
    """Each child's figures, the parent's own (本级), and the parent's figure (the total)."""

    org: Org
    period: Period
    indicators: list[Indicator]
    rows: list[ChildRow]
    own: ChildRow
    total: dict[str, Value]

    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]


def children_of(org: Org) -> list[Org]:
    return list(Org.objects.get_children(org).order_by("path"))


def by_children(
    org: Org, period: Period, codes: list[str] | None = None, *, total: bool = True
) -> ChildTable:
    """The table of children: grouped indicators in the same queries for every child; the
    total is the parent's own figure (which for distinct-people figures is not the sum)."""
    indicators = chosen(codes)
    wanted = [i.code for i in indicators]
    children = children_of(org)
    table = evaluate_groups(Groups(org, children), period, wanted)
    parent = evaluate_groups(Groups(org), period, wanted) if total else {}
    return ChildTable(
        org,
        period,
        indicators,
        [ChildRow(child, {c: table[c][child.path] for c in wanted}) for child in children],
        ChildRow(None, {c: table[c][org.path] for c in wanted}),
        {c: parent[c][org.path] for c in wanted} if total else {},
    )
