"""Pages of organisation building: units without an organisation, guidance visits,
rectification items and their evidence."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fulian.building import services, spreadsheets
from fulian.building.forms import (
    EvidenceForm,
    ExemptForm,
    FindingForm,
    FoundForm,
    ImportForm,
    ItemFilterForm,
    ItemForm,
    MoveForm,
    UnitFilterForm,
    UnitForm,
    UrgeForm,
    VisitForm,
)
from fulian.building.models import (
    PENDING_UNIT_STATUSES,
    Evidence,
    Finding,
    GuidanceVisit,
    ItemStatus,
    RectificationItem,
    Unit,
    UnitKind,
    is_owner_side,
)
from fulian.core import exports, periods
from fulian.core.confirm import confirm_page
from fulian.core.forms import add_service_errors
from fulian.core.params import parse_year
from fulian.core.scope import get_for_user_or_404, subtree_bounds, user_org
from fulian.core.uploads import serve
from fulian.orgs.models import Org

PAGE_SIZE = 50
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _service_form(form: Any, call: Any) -> Any:
    """Run a service; show its ValidationError on the form. None when it failed."""
    try:
        return call()
    except ValidationError as error:
        add_service_errors(form, error)
        return None


# --- units without an organisation -----------------------------------------------------------


def pending_counts(user: Any) -> tuple[list[dict[str, Any]], list[tuple[str, Any]]]:
    """Units still without an organisation: by area (each child of the user's org) and
    kind, in two queries."""
    root = user_org(user)
    if root is None:
        return [], []
    areas = list(Org.objects.get_children(root).filter(status="active"))
    pending = Unit.objects.for_user(user).filter(status__in=PENDING_UNIT_STATUSES)
    rows = pending.values_list("org__path", "kind")
    by_area: dict[int, dict[str, int]] = {a.pk: {} for a in areas}
    own: dict[str, int] = {}
    for path, kind in rows:
        target = own
        for area in areas:
            if path.startswith(area.path):
                target = by_area[area.pk]
                break
        target[kind] = target.get(kind, 0) + 1
    kinds = [(k.value, k.label) for k in UnitKind]
    table = [
        {
            "org": a,
            "counts": [by_area[a.pk].get(k, 0) for k, _label in kinds],
            "total": sum(by_area[a.pk].values()),
        }
        for a in areas
        if by_area[a.pk]
    ]
    if own:
        table.insert(
            0,
            {"org": root, "counts": [own.get(k, 0) for k, _l in kinds], "total": sum(own.values())},
        )
    return table, kinds


def filtered_units(request: HttpRequest) -> tuple[UnitFilterForm, Any]:
    """The units in scope as the register page's filters select them, in its order."""
    form = UnitFilterForm(request.GET or None)
    qs = Unit.objects.for_user(request.user).select_related("org", "founded_org")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(name__contains=data["q"].strip())
        if data["status"] == "pending":
            qs = qs.filter(status__in=PENDING_UNIT_STATUSES)
        elif data["status"]:
            qs = qs.filter(status=data["status"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
    return form, qs.order_by("status", "name", "pk")


@require_safe
def units(request: HttpRequest) -> HttpResponse:
    form, qs = filtered_units(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    table, kinds = pending_counts(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "building/units.html",
        {
            "page": page,
            "form": form,
            "table": table,
            "kinds": kinds,
            "export_query": query.urlencode(),
        },
    )


# --- the register in Excel -------------------------------------------------------------------

IMPORT_DIR = "building_imports"
SESSION_KEY = "building_unit_import"


@require_safe
def units_export(request: HttpRequest) -> HttpResponse:
    """The register as filtered on the page (every page of it), in the template's columns."""
    _form, qs = filtered_units(request)
    org = user_org(request.user)
    return exports.xlsx_response(
        spreadsheets.export_workbook(qs, org=org), exports.filename(org, "应建未建单位名单")
    )


@require_safe
def units_template(request: HttpRequest) -> HttpResponse:
    return exports.xlsx_response(spreadsheets.template_workbook(), "应建单位登记表模板.xlsx")


def _import_path(token: str) -> Path:
    return Path(settings.MEDIA_ROOT) / IMPORT_DIR / f"{token}.xlsx"


def _drop_pending(request: HttpRequest) -> dict[str, str] | None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending and TOKEN_RE.fullmatch(pending.get("token", "")):
        _import_path(pending["token"]).unlink(missing_ok=True)
        return pending
    return None


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def units_import(request: HttpRequest) -> HttpResponse:
    """Upload a register and see the preview; nothing is written until confirmed."""
    form = ImportForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        _drop_pending(request)
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan = spreadsheets.parse_units(data, actor=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if plan.ok and plan.rows:
                token = secrets.token_urlsafe(16)
                path = _import_path(token)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                request.session[SESSION_KEY] = {"token": token, "filename": upload.name[:200]}
    return render(request, "building/import.html", {"form": form, "plan": plan})


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def units_import_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY) or {}
    data = None
    if TOKEN_RE.fullmatch(pending.get("token", "")):
        try:
            data = _import_path(pending["token"]).read_bytes()
        except OSError:
            data = None
    _drop_pending(request)
    if data is None:
        messages.error(request, _("没有待确认的导入，请重新上传。"))
        return redirect("building:units_import")
    # Checked again: the register or the user's scope may have changed since the preview.
    plan, result = services.import_units(
        actor=request.user, data=data, filename=pending.get("filename", "")
    )
    if result is None:
        return render(request, "building/import.html", {"form": ImportForm(), "plan": plan})
    messages.success(
        request,
        _("导入完成：新增单位%(c)d个，更新%(u)d个，未变%(n)d个。")
        % {"c": result.created, "u": result.updated, "n": result.unchanged},
    )
    return redirect("building:units")


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def unit_create(request: HttpRequest) -> HttpResponse:
    form = UnitForm(
        request.POST or None, actor=request.user, initial={"org": user_org(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        unit = _service_form(
            form, lambda: services.register_unit(actor=request.user, **form.cleaned_data)
        )
        if unit is not None:
            return redirect("building:unit", pk=unit.pk)
    return render(request, "building/form.html", {"form": form, "title": _("登记应建单位")})


def _unit(request: HttpRequest, pk: int) -> Unit:
    return get_for_user_or_404(
        Unit.objects.select_related("org", "founded_org"), request.user, pk=pk
    )


@require_safe
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    return render(
        request,
        "building/unit.html",
        {
            "unit": unit,
            "urgings": unit.urgings.select_related("by_org", "by_user"),
            "history": unit.history.select_related("actor"),
            "urge_form": UrgeForm(initial={"date": periods.today()}),
            "can_act": request.user.has_perm("fulian.edit"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    initial = {
        "name": unit.name,
        "credit_code": unit.credit_code or "",
        "kind": unit.kind,
        "org": unit.org,
        "women_count": unit.women_count,
    }
    form = UnitForm(request.POST or None, actor=request.user, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _service_form(
            form, lambda: services.update_unit(actor=request.user, unit=unit, **form.cleaned_data)
        )
    ):
        return redirect("building:unit", pk=unit.pk)
    return render(
        request, "building/form.html", {"form": form, "title": _("编辑应建单位"), "unit": unit}
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def unit_urge(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    form = UrgeForm(request.POST or None, initial={"date": periods.today()})
    if (
        request.method == "POST"
        and form.is_valid()
        and _service_form(
            form, lambda: services.urge_unit(actor=request.user, unit=unit, **form.cleaned_data)
        )
    ):
        return redirect("building:unit", pk=unit.pk)
    return render(
        request, "building/form.html", {"form": form, "title": _("记录督促"), "unit": unit}
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.manage_orgs", raise_exception=True)
def unit_found(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    initial = {
        "on": periods.today(),
        "name": _("%(unit)s妇联") % {"unit": unit.name},
        "parent": unit.org,
    }
    form = FoundForm(request.POST or None, actor=request.user, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        org = _service_form(
            form, lambda: services.found_unit(actor=request.user, unit=unit, **form.cleaned_data)
        )
        if org is not None:
            messages.success(request, _("已建立妇女组织，并加入组织树。"))
            return redirect("building:unit", pk=unit.pk)
    return render(
        request, "building/form.html", {"form": form, "title": _("建立妇女组织"), "unit": unit}
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def unit_exempt(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    form = ExemptForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _service_form(
            form, lambda: services.exempt_unit(actor=request.user, unit=unit, **form.cleaned_data)
        )
    ):
        return redirect("building:unit", pk=unit.pk)
    return render(request, "building/form.html", {"form": form, "title": _("免建"), "unit": unit})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def unit_lift(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    if request.method == "GET":
        return confirm_page(
            request,
            title=_("取消免建"),
            subject=unit.name,
            lost=[
                _("免建理由“%(r)s”将被清除") % {"r": unit.exempt_reason or "—"},
                _("该单位重新列入应建未建名单，需要继续督促"),
            ],
            button=_("取消免建"),
            cancel_url=reverse("building:unit", args=[unit.pk]),
        )
    try:
        services.lift_exemption(actor=request.user, unit=unit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("building:unit", pk=unit.pk)


# --- guidance visits -------------------------------------------------------------------------


@require_safe
def visits(request: HttpRequest) -> HttpResponse:
    qs = (
        GuidanceVisit.objects.for_user(request.user)
        .select_related("org")
        .prefetch_related(Prefetch("visited", queryset=Org.objects.order_by("path")))
        .annotate(
            n_findings=Count("findings", distinct=True),
            n_items=Count("items", distinct=True),
            n_open=Count("items", filter=~Q(items__status=ItemStatus.VERIFIED), distinct=True),
        )
    )
    year = request.GET.get("year", "")
    if (chosen := parse_year(year)) is not None:
        qs = qs.filter(date__year=chosen)
    page = Paginator(qs.order_by("-date", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "building/visits.html", {"page": page, "year": year})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def visit_create(request: HttpRequest) -> HttpResponse:
    form = VisitForm(request.POST or None, actor=request.user, initial={"date": periods.today()})
    actor_org = user_org(request.user)
    assert actor_org is not None  # the permission needs an org
    if request.method == "POST" and form.is_valid():
        visit = _service_form(
            form,
            lambda: services.create_visit(
                actor=request.user,
                org=actor_org,
                visitors=[request.user],
                **form.cleaned_data,
            ),
        )
        if visit is not None:
            return redirect("building:visit", pk=visit.pk)
    return render(request, "building/form.html", {"form": form, "title": _("登记指导督察")})


def _visit(request: HttpRequest, pk: int) -> GuidanceVisit:
    return get_for_user_or_404(GuidanceVisit.objects.select_related("org"), request.user, pk=pk)


@require_safe
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    # A joint visit's items are each one org's: show only those in the user's scope.
    items = (
        RectificationItem.objects.for_user(request.user).filter(visit=visit).select_related("org")
    )
    findings = list(visit.findings.prefetch_related(Prefetch("items", queryset=items)))
    can_raise = (
        request.user.has_perm("fulian.edit")
        and Org.objects.for_user(request.user).filter(pk=visit.org_id).exists()
    )
    return render(
        request,
        "building/visit.html",
        {
            "visit": visit,
            "visited": visit.visited.order_by("path"),
            "visitors": visit.visitors.all(),
            "findings": findings,
            "can_raise": can_raise,
            "finding_form": FindingForm(),
            "today": periods.today(),
        },
    )


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            services.add_finding(actor=request.user, visit=visit, text=form.cleaned_data["text"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("building:visit", pk=visit.pk)


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def item_raise(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    form = ItemForm(request.POST or None, visit=finding.visit)
    if request.method == "POST" and form.is_valid():
        item = _service_form(
            form,
            lambda: services.raise_item(actor=request.user, finding=finding, **form.cleaned_data),
        )
        if item is not None:
            return redirect("building:item", pk=item.pk)
    return render(
        request,
        "building/form.html",
        {"form": form, "title": _("提出整改事项"), "finding": finding},
    )


def _finding(request: HttpRequest, pk: int) -> Finding:
    visits = GuidanceVisit.objects.for_user(request.user)
    finding = Finding.objects.select_related("visit__org").filter(pk=pk, visit__in=visits).first()
    if finding is None:
        raise Http404
    return finding


# --- rectification items ---------------------------------------------------------------------


def _item(request: HttpRequest, pk: int) -> RectificationItem:
    return get_for_user_or_404(
        RectificationItem.objects.select_related("org", "visit__org", "finding"),
        request.user,
        pk=pk,
    )


@require_safe
def items(request: HttpRequest) -> HttpResponse:
    """All items in scope, or only the overdue ones; each flagged as the user's to fix
    (owner) or to check (visitor)."""
    form = ItemFilterForm(request.GET or None)
    qs = RectificationItem.objects.for_user(request.user).select_related("org", "visit__org")
    overdue_only = False
    if form.is_valid():
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["todo"]:
            qs = qs.todo_for(request.user)
        overdue_only = form.cleaned_data["overdue"]
    if overdue_only:
        qs = qs.overdue()
    page = Paginator(qs.order_by("deadline", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    _flag(request.user, page.object_list)
    return render(
        request, "building/items.html", {"page": page, "form": form, "overdue_only": overdue_only}
    )


@require_safe
def overdue(request: HttpRequest) -> HttpResponse:
    qs = (
        RectificationItem.objects.for_user(request.user)
        .overdue()
        .select_related("org", "visit__org")
    )
    page = Paginator(qs.order_by("deadline", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    _flag(request.user, page.object_list)
    return render(
        request,
        "building/items.html",
        {"page": page, "form": None, "overdue_only": True},
    )


def _flag(user: Any, rows: Any) -> None:
    """Mark each item as the user's to fix (owner side) and/or to check (visitor side)."""
    root = user_org(user)
    low, high = subtree_bounds(root.path) if root else ("", "")
    today = periods.today()
    for item in rows:
        item.mine_to_fix = low <= item.org.path <= high
        item.mine_to_check = low <= item.visit.org.path <= high and not item.org.contains(root)
        item.overdue = item.is_overdue(today)


@require_safe
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    moves = RectificationItem.workflow.allowed_targets(request.user, item)
    can_upload = (
        request.user.has_perm("fulian.edit")
        and is_owner_side(request.user, item)
        and item.status != ItemStatus.VERIFIED
    )
    return render(
        request,
        "building/item.html",
        {
            "item": item,
            "history": item.history.select_related("actor"),
            "evidence": item.evidence.all(),
            "moves": [(m, ItemStatus(m).label) for m in moves],
            "can_upload": can_upload,
            "evidence_form": EvidenceForm(),
            "overdue": item.is_overdue(),
        },
    )


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.move_item(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("状态无效。"))
    return redirect("building:item", pk=item.pk)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def item_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(actor=request.user, item=item, upload=form.cleaned_data["file"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect("building:item", pk=item.pk)


@require_safe
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, only for users who may see its item."""
    items = RectificationItem.objects.for_user(request.user)
    evidence = Evidence.objects.filter(pk=pk, item__in=items).first()
    if evidence is None:
        raise Http404
    return serve(evidence.file, content_type=evidence.content_type, name=evidence.name)
