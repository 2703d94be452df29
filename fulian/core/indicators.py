"""Indicators: every figure a report shows is defined once here, by code.

An indicator is a function of a scope org and a year returning a number. Apps register
theirs in ``AppConfig.ready`` (or at import of their ``indicators.py``) with::

    @indicator("events.trainings", _("培训次数"), _("本年度举办的培训次数"), unit=_("次"))
    def trainings(org: Org, year: int) -> int:
        return Activity.objects.in_subtree(org).filter(kind=..., start__year=year).count()

The dashboard, the statistics workbook, the API (``/api/v1/indicators/``) and the annual
summary all read this registry, so a figure never disagrees with itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Compute = Callable[[Any, int], int | float]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Any
    definition: Any
    unit: Any
    compute: Compute
    pillar: str


REGISTRY: dict[str, Indicator] = {}


def indicator(
    code: str, name: Any, definition: Any, *, unit: Any = "", pillar: str = "reports"
) -> Callable[[Compute], Compute]:
    def register(fn: Compute) -> Compute:
        REGISTRY[code] = Indicator(code, name, definition, unit, fn, pillar)
        return fn

    return register


def evaluate(org: Any, year: int, codes: list[str] | None = None) -> list[tuple[Indicator, Any]]:
    """Every indicator's value for ``org``'s subtree in ``year``, in code order."""
    chosen = sorted(REGISTRY.values(), key=lambda i: i.code)
    if codes is not None:
        chosen = [i for i in chosen if i.code in codes]
    return [(i, i.compute(org, year)) for i in chosen]
