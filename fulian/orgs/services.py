"""Writes to the org tree. Each is one transaction, checked against the actor's scope."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fulian.orgs.models import DIVISION_KINDS, UNIT_KINDS, Org, OrgKind, OrgStatus

# --- loading the NBS divisions -------------------------------------------------------------


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    parent_code: str
    kind: str


def division_kind(code: str) -> str:
    """The org kind of an NBS statistical division code.

    Provinces have 2 digits, cities 4, counties 6. Township codes (9 digits): 001–099
    street (街道), 100–399 town (镇, 乡), 400–599 special units such as development
    zones (treated as towns). Village codes (12 digits): 001–199 community (居委会/社区,
    and 498 virtual communities), 200–399 village (村委会).
    """
    if len(code) == 2:
        return OrgKind.PROVINCE
    if len(code) == 4:
        return OrgKind.CITY
    if len(code) == 6:
        return OrgKind.DISTRICT
    if len(code) == 9:
        return OrgKind.STREET if int(code[6:9]) < 100 else OrgKind.TOWN
    if len(code) == 12:
        part = int(code[9:12])
        return OrgKind.VILLAGE if 200 <= part <= 399 else OrgKind.COMMUNITY
    raise ValueError(f"not an NBS division code: {code!r}")


def read_division_rows(area: str = "qinzhou") -> list[DivisionRow]:
    """Rows of the bundled NBS 2023 data, parents before children.

    ``area`` is ``qinzhou`` (秦州区, 491 nodes) or ``tianshui`` (天水市, 2,762 nodes).
    """
    data_dir = Path(settings.FULIAN_DIVISIONS_DIR)
    with (data_dir / "tianshui_counties.csv").open(encoding="utf-8") as f:
        counties = list(csv.DictReader(f))
    if area == "qinzhou":
        rows = [DivisionRow("620502", "秦州区", "", OrgKind.DISTRICT)]
        source = "qinzhou_divisions.csv"
    elif area == "tianshui":
        rows = [DivisionRow("6205", "天水市", "", OrgKind.CITY)]
        rows += [DivisionRow(c["code"], c["name"], "6205", OrgKind.DISTRICT) for c in counties]
        source = "tianshui_divisions.csv"
    else:
        raise ValueError(f"unknown area {area!r}")
    with (data_dir / source).open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append(
                DivisionRow(r["code"], r["name"], r["parent_code"], division_kind(r["code"]))
            )
    return rows


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0


@transaction.atomic
def load_divisions(rows: Iterable[DivisionRow]) -> LoadResult:
    """Create or update division orgs by code. A second run changes nothing.

    New nodes are inserted in bulk with their tree paths computed here (a national tree of
    660,000 nodes node by node through treebeard took about an hour). A root that is later
    given a parent (秦州区 loaded alone, then all of 天水市) is moved under it, node by node.
    This is a system load, not a user's edit, so it is not audited row by row.
    """
    rows = list(rows)
    by_code: dict[str, Org] = {o.code: o for o in Org.objects.filter(code__isnull=False) if o.code}
    if any(_needs_move(row, by_code) for row in rows):
        return _load_node_by_node(rows, by_code)
    result = LoadResult()
    with disable_auditlog():
        for row in rows:
            org = by_code.get(row.code)
            if org is None:
                continue
            if org.name != row.name or org.kind != row.kind:
                org.name, org.kind = row.name, row.kind
                org.refresh_search_text()
                org.save(update_fields=["name", "kind", "search_text", "updated_at"])
                result.updated += 1
            else:
                result.unchanged += 1
        result.created = _bulk_insert([r for r in rows if r.code not in by_code], by_code)
    return result


def _needs_move(row: DivisionRow, by_code: dict[str, Org]) -> bool:
    org = by_code.get(row.code)
    if org is None or not row.parent_code:
        return False
    parent = by_code.get(row.parent_code)
    return parent is None or not parent.contains(org)


def _bulk_insert(rows: list[DivisionRow], by_code: dict[str, Org], batch: int = 5000) -> int:
    """Insert new division nodes (parents before children) with computed paths."""
    next_step: dict[str, int] = {}  # parent path ("" for roots) -> the next free step
    grown: dict[int, Org] = {}  # existing parents that get new children
    new: list[Org] = []

    def step_after(parent: Org | None) -> int:
        key = parent.path if parent else ""
        if key not in next_step:
            if parent is None:
                last = Org.objects.filter(depth=1).last()
            elif parent.pk:
                last = Org.objects.get_children(parent).last()
            else:  # a parent created in this load has no children yet
                last = None
            next_step[key] = Org._str2int(last.path[-Org.steplen :]) + 1 if last else 1
        step = next_step[key]
        next_step[key] = step + 1
        return step

    for row in rows:
        parent = by_code.get(row.parent_code) if row.parent_code else None
        if row.parent_code and parent is None:
            raise ValueError(f"parent {row.parent_code} of {row.code} is not loaded")
        depth = parent.depth + 1 if parent else 1
        org = Org(
            name=row.name,
            kind=row.kind,
            code=row.code,
            depth=depth,
            numchild=0,
            path=Org._get_path(parent.path if parent else None, depth, step_after(parent)),
        )
        org.refresh_search_text()
        if parent is not None:
            parent.numchild += 1
            if parent.pk:
                grown[parent.pk] = parent
        by_code[row.code] = org
        new.append(org)
    Org.objects.bulk_create(new, batch_size=batch)
    for parent in grown.values():
        Org.objects.filter(pk=parent.pk).update(numchild=parent.numchild)
    return len(new)


def _load_node_by_node(rows: list[DivisionRow], by_code: dict[str, Org]) -> LoadResult:
    result = LoadResult()
    with disable_auditlog():
        for row in rows:
            parent = by_code.get(row.parent_code) if row.parent_code else None
            if row.parent_code and parent is None:
                raise ValueError(f"parent {row.parent_code} of {row.code} is not loaded")
            org = by_code.get(row.code)
            if org is None:
                org = Org(name=row.name, kind=row.kind, code=row.code)
                org.refresh_search_text()
                org = (
                    Org.objects.add_child(parent, instance=org)
                    if parent
                    else Org.objects.add_root(instance=org)
                )
                by_code[row.code] = org
                result.created += 1
                continue
            if parent is not None and not parent.contains(org):
                Org.objects.move(org, parent, pos="last-child")
                # A move rewrites the paths of the whole subtree: reload what we hold.
                by_code = {o.code: o for o in Org.objects.filter(code__isnull=False) if o.code}
                org = by_code[row.code]
                result.moved += 1
            if org.name != row.name or org.kind != row.kind:
                org.name, org.kind = row.name, row.kind
                org.refresh_search_text()
                org.save(update_fields=["name", "kind", "search_text", "updated_at"])
                result.updated += 1
            else:
                result.unchanged += 1
    return result


# --- users' edits ------------------------------------------------------------------------


def _require_manage(actor: Any, org: Org) -> None:
    """The actor may manage orgs and ``org`` is in the actor's subtree."""
    if (
        not actor.has_perm("fulian.manage_orgs")
        or not Org.objects.for_user(actor).filter(pk=org.pk).exists()
    ):
        raise PermissionDenied


def _require_unit(org: Org) -> None:
    if org.kind in DIVISION_KINDS:
        raise ValidationError(_("行政区划组织由统计用区划代码维护，不能在此修改。"))


def _check_unit_kind(kind: str) -> None:
    if kind not in UNIT_KINDS:
        raise ValidationError(
            {"kind": _("只能新建机关、企事业单位、三新组织或社会组织的妇女组织。")}
        )


@transaction.atomic
def create_org(
    *,
    actor: Any,
    parent: Org,
    name: str,
    kind: str,
    established: datetime.date | None = None,
) -> Org:
    _require_manage(actor, parent)
    _check_unit_kind(kind)
    if not parent.is_active:
        raise ValidationError(_("不能在已撤销的组织下新建组织。"))
    org = Org(name=name.strip(), kind=kind, established=established)
    org.refresh_search_text()
    return Org.objects.add_child(parent, instance=org)


@transaction.atomic
def update_org(
    *, actor: Any, org: Org, name: str, kind: str, established: datetime.date | None
) -> Org:
    _require_manage(actor, org)
    _require_unit(org)
    _check_unit_kind(kind)
    org.name, org.kind, org.established = name.strip(), kind, established
    org.refresh_search_text()
    org.save(update_fields=["name", "kind", "established", "search_text", "updated_at"])
    return org


@transaction.atomic
def move_org(*, actor: Any, org: Org, new_parent: Org) -> Org:
    _require_manage(actor, org)
    _require_manage(actor, new_parent)
    _require_unit(org)
    if org.contains(new_parent):
        raise ValidationError(_("不能移动到自身或其下级组织之下。"))
    if not new_parent.is_active:
        raise ValidationError(_("不能移动到已撤销的组织之下。"))
    old_parent = Org.objects.get_parent(org)
    Org.objects.move(org, new_parent, pos="last-child")
    org.refresh_from_db()
    # treebeard moves with queryset updates, which send no signals: audit the move here.
    LogEntry.objects.log_create(
        org,
        action=LogEntry.Action.UPDATE,
        changes={"parent": [str(old_parent), str(new_parent)]},
        force_log=True,
    )
    return org


@transaction.atomic
def dissolve_org(*, actor: Any, org: Org, on: datetime.date) -> Org:
    _require_manage(actor, org)
    _require_unit(org)
    if Org.objects.get_children(org).filter(status=OrgStatus.ACTIVE).exists():
        raise ValidationError(_("请先撤销其下级组织。"))
    org.status, org.dissolved_on = OrgStatus.DISSOLVED, on
    org.save(update_fields=["status", "dissolved_on", "updated_at"])
    return org
