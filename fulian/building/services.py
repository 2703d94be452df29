"""Writes of the building app. Each is one transaction, checked against the actor's scope
and role; status changes follow the tables in models.py and leave a history row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from fulian.building.models import (
    ORG_KIND_FOR_UNIT,
    Evidence,
    Finding,
    GuidanceVisit,
    ItemStatus,
    RectificationItem,
    Unit,
    UnitKind,
    UnitStatus,
    Urging,
    is_owner_side,
)
from fulian.building.spreadsheets import UnitPlan, parse_units
from fulian.core import periods, workflow
from fulian.core.integrity import unique_or
from fulian.core.uploads import check_upload, safe_name
from fulian.orgs import services as org_services
from fulian.orgs.models import Org

# --- checks ----------------------------------------------------------------------------------


def _in_scope(actor: Any, org: Org) -> bool:
    return Org.objects.for_user(actor).filter(pk=org.pk).exists()


def _require(actor: Any, perm: str, org: Org) -> None:
    if not actor.has_perm(perm) or not _in_scope(actor, org):
        raise PermissionDenied


def clean_credit_code(value: str) -> str | None:
    """A valid unified social credit code (统一社会信用代码) in compact form, or None."""
    value = (value or "").strip().upper()
    if not value:
        return None
    try:
        return str(uscc.validate(value))
    except uscc.ValidationError as exc:
        raise ValidationError({"credit_code": _("统一社会信用代码无效。")}) from exc


# --- units without an organisation -----------------------------------------------------------


def _unit_fields(
    *, actor: Any, org: Org, name: str, credit_code: str, kind: str, women_count: int
) -> dict[str, Any]:
    _require(actor, "fulian.edit", org)
    if kind not in UnitKind.values:
        raise ValidationError({"kind": _("单位类型无效。")})
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写单位名称。")})
    return {
        "org": org,
        "name": name,
        "credit_code": clean_credit_code(credit_code),
        "kind": kind,
        "women_count": women_count,
    }


def _unique_code(code: str | None, exclude: int | None = None) -> None:
    same = Unit.objects.filter(credit_code=code)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if code and same.exists():
        raise _code_taken()


def _code_taken() -> ValidationError:
    return ValidationError({"credit_code": _("该统一社会信用代码已登记。")})


@transaction.atomic
def register_unit(
    *, actor: Any, org: Org, name: str, kind: str, credit_code: str = "", women_count: int = 0
) -> Unit:
    fields = _unit_fields(
        actor=actor, org=org, name=name, credit_code=credit_code, kind=kind, women_count=women_count
    )
    _unique_code(fields["credit_code"])
    with unique_or(_code_taken):  # two registrations of one code at once
        return Unit.objects.create(**fields)


@transaction.atomic
def update_unit(
    *,
    actor: Any,
    unit: Unit,
    org: Org,
    name: str,
    kind: str,
    credit_code: str = "",
    women_count: int = 0,
) -> Unit:
    _require(actor, "fulian.edit", unit.org)
    fields = _unit_fields(
        actor=actor, org=org, name=name, credit_code=credit_code, kind=kind, women_count=women_count
    )
    if unit.status == UnitStatus.FOUNDED and fields["kind"] != unit.kind:
        raise ValidationError({"kind": _("已建立组织的单位不能再改类型。")})
    _unique_code(fields["credit_code"], exclude=unit.pk)
    for key, value in fields.items():
        setattr(unit, key, value)
    with unique_or(_code_taken):
        unit.save(update_fields=[*fields, "updated_at"])
    return unit


@transaction.atomic
def urge_unit(
    *,
    actor: Any,
    unit: Unit,
    date: datetime.date,
    method: str,
    promise: str = "",
    promised_by: datetime.date | None = None,
) -> Urging:
    """Record one urging (督促) of a unit; the unit becomes (or stays) "urged"."""
    _require(actor, "fulian.edit", unit.org)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if date > periods.today():
        raise ValidationError({"date": _("督促日期不能晚于今天。")})
    workflow.move(unit, UnitStatus.URGED, actor=actor, note=promise)
    return Urging.objects.create(
        unit=unit,
        date=date,
        by_org=actor.org,
        by_user=actor,
        method=method,
        promise=promise.strip(),
        promised_by=promised_by,
    )


@transaction.atomic
def found_unit(
    *, actor: Any, unit: Unit, on: datetime.date, name: str = "", parent: Org | None = None
) -> Org:
    """The unit has founded its women's organisation: create it as a node of the tree
    under ``parent`` (by default the unit's area) and link it to the unit. Adding to the
    tree needs the right to manage orgs (org admins and above)."""
    _require(actor, "fulian.manage_orgs", unit.org)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    parent = parent or unit.org
    if not unit.org.contains(parent) and not parent.contains(unit.org):
        raise ValidationError({"parent": _("上级组织须为单位所在区域或其下级。")})
    Unit.workflow.check(unit, UnitStatus.FOUNDED, actor)
    # create_org checks that the actor may manage orgs under ``parent``.
    org = org_services.create_org(
        actor=actor,
        parent=parent,
        name=name.strip() or _("%(unit)s妇联") % {"unit": unit.name},
        kind=ORG_KIND_FOR_UNIT[UnitKind(unit.kind)],
        established=on,
    )
    unit.founded_org, unit.founded_on = org, on
    workflow.move(unit, UnitStatus.FOUNDED, actor=actor, fields=["founded_org", "founded_on"])
    return org


@transaction.atomic
def exempt_unit(*, actor: Any, unit: Unit, reason: str) -> Unit:
    _require(actor, "fulian.edit", unit.org)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写免建理由。")})
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    Unit.workflow.check(unit, UnitStatus.EXEMPT, actor)
    unit.exempt_reason = reason
    workflow.move(unit, UnitStatus.EXEMPT, actor=actor, note=reason, fields=["exempt_reason"])
    return unit


@transaction.atomic
def lift_exemption(*, actor: Any, unit: Unit) -> Unit:
    _require(actor, "fulian.edit", unit.org)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    Unit.workflow.check(unit, UnitStatus.NONE, actor)
    unit.exempt_reason = ""
    workflow.move(unit, UnitStatus.NONE, actor=actor, fields=["exempt_reason"])
    return unit


# --- importing the unit register ------------------------------------------------------------


@dataclass
class UnitImportResult:
    rows: int
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def import_units(
    *, actor: Any, data: bytes, filename: str = ""
) -> tuple[UnitPlan, UnitImportResult | None]:
    """Check a unit register (.xlsx) and, only if every row is good, write it: new units
    registered, matched units updated (see ``spreadsheets``), all in one transaction.
    ``actor`` None is the system (the command line without ``--user``): every area.
    Each unit is saved one by one, so the audit log records every creation and change
    with the area's path (and the actor, which the request or the command sets)."""
    if actor is not None and not actor.has_perm("fulian.edit"):
        raise PermissionDenied
    plan = parse_units(data, actor=actor)
    if not plan.ok:
        return plan, None
    if actor is not None:
        # The plan was read within the actor's scope; check again what is written.
        areas = {r.org.pk for r in plan.rows} | {r.existing.org_id for r in plan.rows if r.existing}
        in_scope = set(
            Org.objects.for_user(actor).filter(pk__in=areas).values_list("pk", flat=True)
        )
        if areas - in_scope:
            raise PermissionDenied
    created = updated = 0
    for row in plan.rows:
        if row.existing is None:
            row.existing = Unit.objects.create(
                org=row.org,
                name=row.name,
                credit_code=row.credit_code,
                kind=row.kind,
                women_count=row.women_count,
            )
            created += 1
            continue
        changes = row.changes()
        if not changes:
            continue
        unit = Unit.objects.select_for_update().get(pk=row.existing.pk)
        for key, value in changes.items():
            setattr(unit, key, value)
        unit.save(update_fields=[*changes, "updated_at"])
        row.existing = unit
        updated += 1
    return plan, UnitImportResult(
        len(plan.rows), created, updated, len(plan.rows) - created - updated
    )


# --- guidance visits -------------------------------------------------------------------------


@transaction.atomic
def create_visit(
    *,
    actor: Any,
    org: Org,
    visited: Iterable[Org],
    date: datetime.date,
    subject: str,
    summary: str = "",
    visitor_names: str = "",
    visitors: Iterable[Any] = (),
    findings: Iterable[str] = (),
) -> GuidanceVisit:
    """A visit by ``org`` (the actor's scope) to orgs below it."""
    _require(actor, "fulian.edit", org)
    visited = list(visited)
    if not visited:
        raise ValidationError({"visited": _("请选择被督导组织。")})
    for target in visited:
        if target.pk == org.pk or not org.contains(target):
            raise ValidationError({"visited": _("被督导组织须在督导组织之下。")})
    if not subject.strip():
        raise ValidationError({"subject": _("请填写主题。")})
    if date > periods.today():
        raise ValidationError({"date": _("督导日期不能晚于今天。")})
    visit = GuidanceVisit.objects.create(
        org=org,
        date=date,
        subject=subject.strip(),
        summary=summary.strip(),
        visitor_names=visitor_names.strip(),
        created_by=actor,
    )
    visit.visited.set(visited)
    visitors = list(visitors)
    for user in visitors:
        if user.org_id is None or not _in_scope(actor, user.org):
            raise ValidationError({"visitors": _("督导人员须在本组织范围内。")})
    visit.visitors.set(visitors)
    for text in findings:
        if text.strip():
            Finding.objects.create(visit=visit, text=text.strip())
    return visit


@transaction.atomic
def add_finding(*, actor: Any, visit: GuidanceVisit, text: str) -> Finding:
    _require(actor, "fulian.edit", visit.org)
    if not text.strip():
        raise ValidationError({"text": _("请填写发现的问题。")})
    return Finding.objects.create(visit=visit, text=text.strip())


@transaction.atomic
def raise_item(
    *, actor: Any, finding: Finding, org: Org, what: str, deadline: datetime.date
) -> RectificationItem:
    """Raise a rectification item from a finding; the owner is one of the visited orgs
    or an org below one."""
    visit = finding.visit
    _require(actor, "fulian.edit", visit.org)
    if not any(v.contains(org) for v in visit.visited.all()):
        raise ValidationError({"org": _("整改责任组织须为被督导组织或其下级。")})
    if not what.strip():
        raise ValidationError({"what": _("请填写整改内容。")})
    if deadline < visit.date:
        raise ValidationError({"deadline": _("整改期限不能早于督导日期。")})
    item = RectificationItem.objects.create(
        visit=visit, finding=finding, org=org, what=what.strip(), deadline=deadline
    )
    workflow.record(item, actor=actor, note=_("提出整改"), created=True)
    return item


@transaction.atomic
def move_item(
    *, actor: Any, item: RectificationItem, to: str, note: str = "", on: datetime.date | None = None
) -> RectificationItem:
    """Move an item along ``RectificationItem.workflow`` (the owner starts and finishes it,
    the visiting side verifies or reopens it)."""
    item = (
        RectificationItem.objects.select_for_update()
        .select_related("visit__org", "org")
        .get(pk=item.pk)
    )
    flow = RectificationItem.workflow
    if to not in ItemStatus.values:
        raise ValidationError({"to": _("状态无效。")})
    if not actor.has_perm("fulian.edit"):
        raise PermissionDenied
    if not flow.can(item, to):
        # Only the sides that may ever make such a move hear that the table forbids it.
        if not any(
            t.allowed is None or t.allowed(actor, item)
            for (_a, b), t in flow.table.items()
            if b == to
        ):
            raise PermissionDenied
        raise ValidationError(
            _("整改事项不能从“%(from)s”直接变为“%(to)s”。")
            % {"from": item.get_status_display(), "to": ItemStatus(to).label}
        )
    flow.check(item, to, actor)
    if to == ItemStatus.DONE and not item.evidence.exists():
        raise ValidationError(_("请先上传整改材料，再标记为已完成。"))
    if to == ItemStatus.REOPENED and not note.strip():
        raise ValidationError({"note": _("退回重改须说明理由。")})
    on = on or periods.today()
    if to == ItemStatus.DONE:
        item.done_on = on
    elif to == ItemStatus.VERIFIED:
        item.verified_on = on
    elif to == ItemStatus.REOPENED:
        item.done_on = item.verified_on = None
    workflow.move(item, to, actor=actor, note=note, fields=["done_on", "verified_on"])
    return item


@transaction.atomic
def add_evidence(*, actor: Any, item: RectificationItem, upload: Any) -> Evidence:
    """Attach a photo or file to an item (the owner's side, while it is being worked)."""
    if not actor.has_perm("fulian.edit") or not is_owner_side(actor, item):
        raise PermissionDenied
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if item.status == ItemStatus.VERIFIED:
        raise ValidationError(_("已验收的整改事项不能再上传材料。"))
    checked = check_upload(upload)
    name = safe_name(upload.name, checked.extension)
    upload.name = name
    evidence = Evidence(
        item=item,
        name=name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    workflow.record(item, actor=actor, note=_("上传材料：%(name)s") % {"name": name})
    return evidence
