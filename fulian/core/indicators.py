"""Indicators: every figure a report shows is defined once, by code.

An indicator has a code, a name, a definition, a unit and a pillar, and is registered with
``@indicator(code, name, definition, unit=…, pillar=…)`` in an app's ``indicators.py``. It
comes in one of two forms:

* **grouped** (``grouped=True``): a function ``(groups, period) -> {key: value}`` that
  answers for every org of a :class:`Groups` at once, in a number of queries that does not
  grow with the number of orgs. ``groups.subtree(queryset, "org")`` restricts a queryset to
  the subtree and annotates each row with its group key ``_g`` (the path prefix of the
  child it lies under); ``groups.count(…)``/``groups.total(…)`` group by it. Shared reads
  (one query per model for several indicators) go through ``groups.once(fn, period)``::

      @indicator("events.trainings", _("培训次数"), _("统计期内举办的培训次数"),
                 unit=_("次"), pillar="capacity", grouped=True)
      def trainings(groups: Groups, period: Period) -> dict[str, int]:
          return groups.count(groups.subtree(Activity.objects.filter(...), "org"))

* **per org** (the original form): a function ``(org, year) -> number``. It keeps working
  unchanged: it is evaluated once per org, for calendar-year periods only (other periods
  answer ``None``, "not available"), so its cost grows with the number of children. Move
  an indicator to the grouped form when it is read by child org.

``Groups(org)`` is one org's subtree (key ``org.path``); ``Groups(org, children)`` is each
child's subtree (keys the children's paths) and ``org``'s own records (key ``org.path``,
the "本级" row), all in the same queries. The dashboard, the statistics workbook, the API
and the annual summary (``fulian.reports``) read this registry, so a figure never
disagrees with itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Sum
from django.db.models.functions import Substr

from fulian.core.periods import Period, today
from fulian.core.scope import subtree_bounds

Value = int | float | None
Compute = Callable[..., Any]
PATH_STEP = 4  # treebeard's steplen for the org tree


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Any
    definition: Any
    unit: Any
    compute: Compute
    pillar: str
    grouped: bool = False
    # Does the parent's figure equal the sum of its children's and its own? (False for
    # distinct people, shares, and figures of an org's own committee.)
    additive: bool = True

    def values(self, groups: Groups, period: Period) -> dict[str, Value]:
        """The figure for every key of ``groups`` (missing keys are 0)."""
        if self.grouped:
            found = self.compute(groups, period)
            return {key: found.get(key, 0) for key in groups.keys}
        year = calendar_year(period)
        result: dict[str, Value] = dict.fromkeys(groups.keys)
        if year is not None:
            for org in groups.orgs:
                result[org.path] = self.compute(org, year)
        return result


REGISTRY: dict[str, Indicator] = {}


def indicator(
    code: str,
    name: Any,
    definition: Any,
    *,
    unit: Any = "",
    pillar: str = "reports",
    grouped: bool = False,
    additive: bool = True,
) -> Callable[[Compute], Compute]:
    def register(fn: Compute) -> Compute:
        REGISTRY[code] = Indicator(code, name, definition, unit, fn, pillar, grouped, additive)
        return fn

    return register


def calendar_year(period: Period) -> int | None:
    """The year a period covers exactly, or None."""
    start, end = period.start, period.end
    if start == datetime.date(start.year, 1, 1) and end == datetime.date(start.year, 12, 31):
        return start.year
    return None


def as_of(period: Period) -> datetime.date:
    """The day a stock figure (venues standing, positions held) is counted on: the
    period's last day, or today while the period is running."""
    return min(period.end, today())


@dataclass
class Groups:
    """The orgs a figure is wanted for: one org's subtree, or each child's at once."""

    org: Any
    children: list[Any] | None = None
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.children is not None:
            self.children = list(self.children)

    @property
    def orgs(self) -> list[Any]:
        """The orgs whose whole subtree is a group."""
        return [self.org] if self.children is None else list(self.children)

    @property
    def keys(self) -> list[str]:
        """Group keys: the orgs' paths, and the parent's own (本级) when by children."""
        paths = [o.path for o in self.orgs]
        return paths if self.children is None else [self.org.path, *paths]

    @property
    def length(self) -> int:
        if self.children is None:
            return len(self.org.path)
        return len(self.org.path) + PATH_STEP

    def _path(self, field: str | None) -> str:
        return f"{field}__path" if field else "path"

    def subtree(self, queryset: Any, field: str | None = "org") -> Any:
        """Rows of ``queryset`` in the subtree, each with its group key ``_g``."""
        path = self._path(field)
        return (
            queryset.filter(**{f"{path}__range": subtree_bounds(self.org.path)})
            .annotate(_g=Substr(path, 1, self.length))
            .order_by()
        )

    def own(self, queryset: Any, field: str | None = "org") -> Any:
        """Rows that belong to the groups' orgs themselves (not their subtrees)."""
        path = self._path(field)
        return queryset.filter(**{f"{path}__in": self.keys}).annotate(_g=F(path)).order_by()

    @staticmethod
    def count(queryset: Any, expression: Any = None) -> dict[str, int]:
        """``{key: n}`` of a ``subtree``/``own`` queryset (``expression`` defaults to rows)."""
        aggregate = expression if expression is not None else Count("pk")
        return dict(queryset.values("_g").annotate(n=aggregate).values_list("_g", "n"))

    @staticmethod
    def total(queryset: Any, field: str) -> dict[str, int]:
        rows = queryset.values("_g").annotate(n=Sum(field)).values_list("_g", "n")
        return {key: n or 0 for key, n in rows}

    def once(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(self, *args)``, computed once per evaluation (a read shared by several
        indicators)."""
        key = (fn, *args)
        if key not in self._cache:
            self._cache[key] = fn(self, *args)
        return self._cache[key]


def add(*maps: Mapping[str, Value]) -> dict[str, Value]:
    """Key-wise sum of several ``{key: n}`` maps."""
    total: dict[str, Value] = {}
    for m in maps:
        for key, n in m.items():
            total[key] = (total.get(key) or 0) + (n or 0)
    return total


def chosen(codes: Iterable[str] | None = None) -> list[Indicator]:
    """Registered indicators in code order, optionally only ``codes``."""
    indicators = sorted(REGISTRY.values(), key=lambda i: i.code)
    if codes is not None:
        wanted = set(codes)
        indicators = [i for i in indicators if i.code in wanted]
    return indicators


def evaluate_groups(
    groups: Groups, period: Period, codes: Iterable[str] | None = None
) -> dict[str, dict[str, Value]]:
    """``{code: {key: value}}`` for the chosen indicators over ``groups`` in ``period``."""
    return {i.code: i.values(groups, period) for i in chosen(codes)}


def evaluate(
    org: Any, period: Period | int, codes: list[str] | None = None
) -> list[tuple[Indicator, Value]]:
    """Every indicator's value for ``org``'s subtree in ``period`` (or a year), in code
    order."""
    if isinstance(period, int):
        period = Period.year(period)
    groups = Groups(org)
    return [(i, i.values(groups, period)[org.path]) for i in chosen(codes)]
