"""Places where apps plug into the shared shell without editing it.

* ``nav_item``: a link in the top navigation, under one of the pillars. ``grassroots=False``
  hides it from users of a village, community or unit (supervision and configuration pages
  they have no use for).
* ``home_action``: a big button at the top of the home page, one tap from opening the app
  (record an activity, my rectification items…), with an optional count.
* ``offline_page``: a page the service worker keeps for use without a signal (the home
  page, the phone forms); its form should post through ``static/fulian/outbox.js``.
* ``nav_item``: a link in the top navigation, under one of the pillars. With ``badge`` (a
  function of the user returning a count, e.g. unread notices) and ``icon`` (a Bootstrap
  icon name) it is also a shortcut in the top bar, visible on a phone without opening the
  menu, showing the count. The count is fetched after the page has loaded (htmx, one small
  request to ``core:nav_badge``), so a badge never adds a query to the page itself.
* ``org_section``: a section of the org page (its people, its records…).
* ``todo``: a kind of to-do on the dashboard (overdue items, check-ins waiting…): a count
  for an org's subtree on a day (one query, whatever the subtree's size) and the page
  that lists them.

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


# Orgs whose users supervise others; everyone else works at the grassroots.
SUPERVISING_KINDS = frozenset({"province", "city", "district", "street", "town"})


@dataclass(frozen=True)
class NavItem:
    pillar: str
    label: Any
    url_name: str
    order: int
    perm: str
    grassroots: bool = True
    badge: Callable[[Any], int] | None = None
    icon: str = ""

    @property
    def has_badge(self) -> bool:
        # Templates call callables, so they test this rather than ``badge`` itself.
        return self.badge is not None

    @property
    def key(self) -> str:
        """The item's name in element ids (``notices:inbox`` → ``notices-inbox``)."""
        return self.url_name.replace(":", "-").replace("_", "-")


@dataclass(frozen=True)
class HomeAction:
    label: Any
    url_name: str
    icon: str  # a Bootstrap Icons name: "pencil-square"
    order: int
    perm: str
    query: str = ""
    count: Callable[[Any], int | None] | None = None  # count(request): a badge when > 0


@dataclass(frozen=True)
class OrgSection:
    """A section on the org page: ``context(request, org)`` returns the template's context."""

    title: Any
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    order: int
    perm: str


@dataclass(frozen=True)
class Todo:
    """A to-do on the dashboard: ``count(org, day)`` the open ones in ``org``'s subtree,
    ``url_name`` (with ``query``) the page that lists them."""

    key: str
    label: Any
    count: Callable[[Any, Any], int]
    url_name: str
    query: str
    order: int
    perm: str


@dataclass
class _Registry:
    nav: list[NavItem] = field(default_factory=list)
    home_actions: list[HomeAction] = field(default_factory=list)
    offline_pages: list[tuple[str, Any]] = field(default_factory=list)  # (URL name, label)
    org_sections: list[OrgSection] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)


registry = _Registry()


def nav_item(
    pillar: str,
    label: Any,
    url_name: str,
    *,
    order: int = 50,
    perm: str = "fulian.view",
    grassroots: bool = True,
    badge: Callable[[Any], int] | None = None,
    icon: str = "",
) -> None:
    if pillar not in PILLARS:
        raise ValueError(f"unknown pillar {pillar!r}")
    if any(item.url_name == url_name for item in registry.nav):
        return
    registry.nav.append(NavItem(pillar, label, url_name, order, perm, grassroots, badge, icon))
    registry.nav.sort(key=lambda item: (item.order, str(item.url_name)))


def home_action(
    label: Any,
    url_name: str,
    *,
    icon: str,
    order: int = 50,
    perm: str = "fulian.view",
    query: str = "",
    count: Callable[[Any], int | None] | None = None,
) -> None:
    if any(a.url_name == url_name and a.query == query for a in registry.home_actions):
        return
    registry.home_actions.append(HomeAction(label, url_name, icon, order, perm, query, count))
    registry.home_actions.sort(key=lambda a: a.order)


def offline_page(url_name: str, label: Any) -> None:
    if all(name != url_name for name, _label in registry.offline_pages):
        registry.offline_pages.append((url_name, label))


def at_grassroots(user: Any) -> bool:
    org = getattr(user, "org", None)
    return org is not None and org.kind not in SUPERVISING_KINDS


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
    grassroots = at_grassroots(user)
    for key, label in PILLARS.items():
        items = [
            i
            for i in registry.nav
            if i.pillar == key and user.has_perm(i.perm) and (i.grassroots or not grassroots)
        ]
        if items:
            menus.append((key, label, items))
    return menus


def home_actions_for(request: Any) -> list[tuple[HomeAction, int | None]]:
    """The home page's buttons the user may use, each with its count (or None)."""
    user = request.user
    return [
        (a, a.count(request) if a.count is not None else None)
        for a in registry.home_actions
        if user.has_perm(a.perm)
    ]


def todo(
    key: str,
    label: Any,
    count: Callable[[Any, Any], int],
    url_name: str,
    *,
    query: str = "",
    order: int = 50,
    perm: str = "fulian.view",
) -> None:
    if any(item.key == key for item in registry.todos):
        return
    registry.todos.append(Todo(key, label, count, url_name, query, order, perm))
    registry.todos.sort(key=lambda item: (item.order, item.key))


def shortcuts_for(user: Any) -> list[NavItem]:
    """The top-bar shortcuts a user sees: items with a badge and an icon they may open."""
    return [i for i in registry.nav if i.badge and i.icon and user.has_perm(i.perm)]


def badges_for(user: Any) -> list[tuple[NavItem, int]]:
    """Each badge the user sees, with its count now."""
    return [(i, int(i.badge(user))) for i in registry.nav if i.badge and user.has_perm(i.perm)]
