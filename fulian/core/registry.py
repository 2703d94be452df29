"""Places where apps plug into the shared shell without editing it.

* ``nav_item``: a link in the top navigation, under one of the pillars.
* ``org_section``: a section of the org page (its people, its records…).

Apps register in ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

PILLARS: dict[str, Any] = {
    "strong": _("强·组织"),
    "team": _("全·队伍"),
    "capacity": _("能·培训"),
    "action": _("干·履职"),
    "reports": _("报告"),
}


@dataclass(frozen=True)
class NavItem:
    pillar: str
    label: Any
    url_name: str
    order: int
    perm: str


@dataclass(frozen=True)
class OrgSection:
    """A section on the org page: ``context(request, org)`` returns the template's context."""

    title: Any
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    order: int
    perm: str


@dataclass
class _Registry:
    nav: list[NavItem] = field(default_factory=list)
    org_sections: list[OrgSection] = field(default_factory=list)


registry = _Registry()


def nav_item(
    pillar: str, label: Any, url_name: str, *, order: int = 50, perm: str = "fulian.view"
) -> None:
    if pillar not in PILLARS:
        raise ValueError(f"unknown pillar {pillar!r}")
    if any(item.url_name == url_name for item in registry.nav):
        return
    registry.nav.append(NavItem(pillar, label, url_name, order, perm))
    registry.nav.sort(key=lambda item: (item.order, str(item.url_name)))


def org_section(
    title: Any,
    template: str,
    context: Callable[[Any, Any], dict[str, Any]],
    *,
    order: int = 50,
    perm: str = "fulian.view",
) -> None:
    if any(section.template == template for section in registry.org_sections):
        return
    registry.org_sections.append(OrgSection(title, template, context, order, perm))
    registry.org_sections.sort(key=lambda section: section.order)


def nav_for(user: Any) -> list[tuple[str, Any, list[NavItem]]]:
    """The navigation a user sees: pillars in order, each with the items they may open."""
    menus = []
    for key, label in PILLARS.items():
        items = [i for i in registry.nav if i.pillar == key and user.has_perm(i.perm)]
        if items:
            menus.append((key, label, items))
    return menus
