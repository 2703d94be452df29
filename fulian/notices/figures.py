"""The one place a report reads an indicator for an org and a period.

``core.indicators`` counts a periodic indicator for any period (a quarter, a half-year);
an indicator defined for years only gives no figure for a shorter period (``None``): the
reporting org fills that figure in itself, and the report says it was not computed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fulian.core.indicators import REGISTRY, Groups
from fulian.core.periods import Period

CENT = Decimal("0.01")


def indicator_value(code: str, org: Any, period: Period) -> Decimal | None:
    value = REGISTRY[code].values(Groups(org), period)[org.path]
    return None if value is None else Decimal(str(value)).quantize(CENT)


def computable(code: str, period: Period) -> bool:
    """Can this indicator be counted from the records for ``period``?"""
    indicator = REGISTRY.get(code)
    return indicator is not None and (indicator.grouped or period.kind == "year")


def indicator_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The registry's indicators grouped by pillar; those that give no figure for a
    quarter or a half-year say so."""
    from django.utils.translation import gettext as _

    from fulian.core.registry import PILLARS

    groups: dict[str, list[tuple[str, str]]] = {key: [] for key in PILLARS}
    for i in sorted(REGISTRY.values(), key=lambda i: i.code):
        label = str(i.name) if i.grouped else _("%(name)s（仅年度）") % {"name": i.name}
        groups.setdefault(i.pillar, []).append((i.code, label))
    return [(str(PILLARS.get(key, key)), items) for key, items in groups.items() if items]


def indicator_name(code: str) -> str:
    indicator = REGISTRY.get(code)
    return str(indicator.name) if indicator is not None else code


def indicator_unit(code: str) -> str:
    indicator = REGISTRY.get(code)
    return str(indicator.unit) if indicator is not None else ""
