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

    Township codes (9 digits): 001–099 street (街道), 100–399 town (镇, 乡), 400–599
    special units such as development zones (treated as towns). Village codes (12 digits):
    001–199 community (居委会/社区, and 498 virtual communities), 200–399 village (村委会).
    """
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

    A root that is later given a parent (秦州区 loaded alone, then all of 天水市) is moved
    under it. This is a system load, not a user's edit, so it is not audited row by row.
    """
    result = LoadResult()
    by_code: dict[str, Org] = {o.code: o for o in Org.objects.filter(code__isnull=False) if o.code}
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
