"""Long lists by town: a district's list of 467 villages is a table of its 23 towns and
streets with counts, each opening its own (paginated) rows; a town's own user sees its
rows at once. Like every other list, no page holds hundreds of rows.

    groups = by_town(rows, org=lambda r: r.org, scope=user_org(request.user))
    chosen = chosen_group(groups, request.GET.get("town"), orgs=Org.objects.for_user(user))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from fulian.core.params import parse_id

TOWN_KINDS = ("town", "street")


@dataclass
class TownGroup:
    town: Any  # the town or street; or the org itself when it sits above the towns
    rows: list[Any] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)


def by_town(rows: Iterable[Any], *, org: Callable[[Any], Any]) -> list[TownGroup]:
    """Rows grouped by the town or street their org is in, in tree order. An org above
    the towns (the district itself) is a group of its own."""
    from fulian.orgs.models import Org

    rows = list(rows)
    paths = {org(r).path for r in rows}
    steplen = Org.steplen
    prefixes = {p[: steplen * d] for p in paths for d in range(1, len(p) // steplen + 1)}
    towns = {t.path: t for t in Org.objects.filter(path__in=prefixes, kind__in=TOWN_KINDS)}
    groups: dict[str, TownGroup] = {}
    for row in rows:
        own = org(row)
        town = next(
            (
                towns[own.path[: steplen * d]]
                for d in range(1, own.depth + 1)
                if own.path[: steplen * d] in towns
            ),
            own,
        )
        groups.setdefault(town.path, TownGroup(town)).rows.append(row)
    return [groups[path] for path in sorted(groups)]


def chosen_group(groups: list[TownGroup], town: str | None, *, orgs: Any) -> TownGroup | None:
    """The group ``?town=<id>`` names (an empty one for a town in scope with no rows; 404
    for anything else: out of scope looks like missing); the only group when there is one;
    else None (show the summary). ``orgs``: the user's scoped org queryset."""
    if town:
        pk = parse_id(town)
        if pk is None:
            raise Http404
        for group in groups:
            if group.town.pk == pk:
                return group
        found = orgs.filter(pk=pk, kind__in=TOWN_KINDS).first()
        if found is None:
            raise Http404
        return TownGroup(found)
    return groups[0] if len(groups) == 1 else None
