"""The difficulty categories and point rules every installation starts with. Codes are
stable; names and points may be edited by the district."""

from __future__ import annotations

from typing import Any


def install(category_model: Any, rule_model: Any) -> None:
    from fulian.duty.models import DEFAULT_CATEGORIES, DEFAULT_RULES

    for order, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        category_model.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name, points) in enumerate(DEFAULT_RULES, start=1):
        rule_model.objects.get_or_create(
            code=code, defaults={"name": name, "points": points, "order": order}
        )
