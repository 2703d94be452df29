"""People pages: register, positions, roster, terms, grids, import/export, congresses and
elections. Every fetch is scoped (out of scope is 404); writes go through services."""

from __future__ import annotations

import datetime
import re
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fulian.core import periods
from fulian.core import personal_data as pd
from fulian.core.confirm import confirm_page
from fulian.core.exports import filename as export_filename
from fulian.core.exports import xlsx_response
from fulian.core.forms import add_service_errors
from fulian.core.grouping import by_town, chosen_group
from fulian.core.http import HtmxHttpRequest
from fulian.core.params import parse_id, parse_int
from fulian.core.scope import get_for_user_or_404, user_org
from fulian.orgs.models import Org
from fulian.people import exports, forms, roster, services
from fulian.people.models import (
    Candidate,
    CandidateOutcome,
    CompositionDimension,
    Congress,
    Election,
    ElectionStatus,
    Grid,
    Person,
    Position,
    PositionKind,
    TalentTag,
)

PAGE_SIZE = 50


def _person(request: HttpRequest, pk: int) -> Person:
    return get_for_user_or_404(Person.objects.select_related("org"), request.user, pk=pk)


def _org(request: HttpRequest, pk: int) -> Org:
    return get_for_user_or_404(Org.objects, request.user, pk=pk)


def _congress(request: HttpRequest, pk: int) -> Congress:
    return get_for_user_or_404(Congress.objects.select_related("org"), request.user, pk=pk)


def _election(request: HttpRequest, pk: int) -> Election:
    return get_for_user_or_404(
        Election.objects.select_related("congress", "congress__org"), request.user, pk=pk
    )


def _scope_filter(request: HttpRequest) -> tuple[Org | None, Any]:
    """The org chosen with ``?org=`` (in scope), or the user's own org."""
    ref = request.GET.get("org", "")
    org = None
    if (org_id := parse_id(ref)) is not None:
        org = Org.objects.for_user(request.user).filter(pk=org_id).first()
    return org or user_org(request.user), ref


# --- people ---------------------------------------------------------------------------------


@require_safe
def person_list(request: HtmxHttpRequest) -> HttpResponse:
    org, _ref = _scope_filter(request)
    query = request.GET.get("q", "").strip()
    people = Person.objects.for_user(request.user).select_related("org")
    if org is not None:
        people = people.in_subtree(org)
    # The search is by name (or pinyin initials) only: an exact search by a full ID number
    # or phone confirms a guess, so it is a reveal (person_find, by POST).
    looks_personal = query and re.fullmatch(r"[\d\sXx+\-]{7,}", query)
    if query and not looks_personal:
        people = people.search(query)
    elif looks_personal:
        people = people.none()
    page = Paginator(people.order_by("org__path", "name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "query": "" if looks_personal else query,
        "org": org,
        "personal_query": bool(looks_personal),
    }
    if request.htmx:
        return render(request, "people/person_list.html#results", context)
    return render(request, "people/person_list.html", context)


@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    positions = list(person.positions.select_related("org", "grid").order_by("-start", "pk"))
    today = periods.reference_day(periods.current_period(request))
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "current": [p for p in positions if p.is_current(today)],
            "past": [p for p in positions if not p.is_current(today)],
            "delegacies": person.delegacies.select_related("congress"),
            "reveal_form": forms.RevealForm(),
            # Beside the masked number a viewer sees the age, not the birth month: month
            # and mask together left a few hundred candidates for the full number.
            "age": person.age_on(today),
            "can_reveal": request.user.has_perm("people.reveal_personal"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("people.reveal_personal", raise_exception=True)
def person_find(request: HttpRequest) -> HttpResponse:
    """Exact search by a full ID number or phone: a reveal (permission, reason, per-user
    limit, access-log row), by POST so that the number is in no URL and no request log."""
    form = forms.FindForm(request.POST or None)
    found = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            found = services.find_by_personal(
                actor=request.user, request=request, **form.cleaned_data
            )
        except services.SearchThrottled as error:
            form.add_error(None, error)
            status = 429
    response = render(request, "people/find.html", {"form": form, "found": found}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@permission_required("people.reveal_personal", raise_exception=True)
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("请填写查看事由。"), status=400)
    value = services.reveal(
        actor=request.user,
        person=person,
        field=form.cleaned_data["field"],
        reason=form.cleaned_data["reason"],
        request=request,
    )
    response = render(
        request,
        "people/reveal.html",
        {"person": person, "field": form.cleaned_data["field"], "value": value},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def person_create(request: HttpRequest) -> HttpResponse:
    form = forms.PersonForm(
        request.POST or None, actor=request.user, initial={"org": user_org(request.user)}
    )
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicate = services.find_duplicate(actor=request.user, id_number=data["id_number"])
        if duplicate is None:
            try:
                person = services.create_person(actor=request.user, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("已添加人员。"))
                return redirect("people:detail", pk=person.pk)
        elif duplicate.person is None:
            form.add_error("id_number", str(services.ELSEWHERE_MESSAGE))
        else:
            form.add_error("id_number", _("该身份证号已登记，见下方人员。"))
    return render(request, "people/person_form.html", {"form": form, "duplicate": duplicate})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = forms.PersonEditForm(request.POST or None, actor=request.user, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data.pop("org")
        try:
            services.update_person(actor=request.user, person=person, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.manage_orgs", raise_exception=True)
def person_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = forms.TransferForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        services.transfer_person(
            actor=request.user, person=person, new_org=form.cleaned_data["new_org"]
        )
        return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/simple_form.html",
        {"form": form, "title": _("调转人员"), "subject": person},
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def position_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = forms.PositionForm(request.POST or None, actor=request.user, initial={"org": person.org})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_position(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/simple_form.html",
        {"form": form, "title": _("新增职务"), "subject": person},
    )


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def position_end(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_for_user_or_404(Position.objects.select_related("org"), request.user, pk=pk)
    form = forms.EndPositionForm(request.POST)
    if form.is_valid():
        try:
            services.end_position(
                actor=request.user, position=position, end=form.cleaned_data["end"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("people:detail", pk=position.person_id)


# --- rosters and terms ----------------------------------------------------------------------


def roster_context(
    org: Org, *, limit: int | None = None, on: datetime.date | None = None
) -> dict[str, Any]:
    """The org's positions as they stood on ``on`` (the current period's reference day)."""
    today = on or periods.today()
    positions = Position.objects.filter(org=org).select_related("person", "grid")
    current = list(positions.current(today).order_by("kind", "start", "pk"))
    order = {k: i for i, k in enumerate(PositionKind.values)}
    current.sort(key=lambda p: (order[p.kind], p.start or datetime.date.min, p.pk))
    term = org.committee_terms.order_by("-start", "-pk").first()
    return {
        "org": org,
        "current": current[:limit] if limit else current,
        "more": max(0, len(current) - limit) if limit else 0,
        "past": [] if limit else list(positions.past(today).order_by("-end", "pk")),
        "term": term,
        "today": today,
    }


@require_safe
def roster_page(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    on = periods.reference_day(periods.current_period(request))
    return render(request, "people/roster.html", roster_context(org, on=on))


@require_safe
def terms_due(request: HttpRequest) -> HttpResponse:
    months_text = request.GET.get("months", "6")
    months = parse_int(months_text, lo=0, hi=60)
    months = 6 if months is None else months
    on = periods.reference_day(periods.current_period(request))
    rows = services.terms_due(request.user, months=months, today=on)
    groups = by_town(rows, org=lambda r: r.org)
    chosen = chosen_group(groups, request.GET.get("town"), orgs=Org.objects.for_user(request.user))
    summary = [(g, sum(1 for r in g.rows if r.overdue)) for g in groups]
    page = Paginator(chosen.rows, PAGE_SIZE).get_page(request.GET.get("page")) if chosen else None
    return render(
        request,
        "people/terms_due.html",
        {
            "page": page,
            "chosen": chosen,
            "summary": summary,
            "total": len(rows),
            "months": months,
            "on": on,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def term_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    form = forms.TermForm(request.POST or None, initial={"years": services.term_years_default()})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_term(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("people:roster", pk=org.pk)
    return render(
        request,
        "people/simple_form.html",
        {"form": form, "title": _("登记委员会届期"), "subject": org},
    )


# --- grids ----------------------------------------------------------------------------------


@require_safe
def grid_list(request: HttpRequest) -> HttpResponse:
    org, _ref = _scope_filter(request)
    grids = Grid.objects.for_user(request.user).select_related("org")
    if org is not None:
        grids = grids.in_subtree(org)
    workers = (
        Position.objects.current().filter(kind=PositionKind.GRID_WORKER).select_related("person")
    )
    with_workers = grids.prefetch_related(
        Prefetch("positions", queryset=workers, to_attr="workers")
    )
    page = Paginator(with_workers.order_by("org__path", "name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "people/grid_list.html", {"page": page, "org": org})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def grid_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    form = forms.GridForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_grid(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(f"{_url('people:grids')}?org={org.pk}")
    return render(
        request, "people/simple_form.html", {"form": form, "title": _("新建网格"), "subject": org}
    )


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


@require_safe
def dual(request: HttpRequest) -> HttpResponse:
    on = periods.reference_day(periods.current_period(request))
    people, rows = services.dual_appointment(request.user, on=on)
    grids = sum(r.grids for r in rows)
    covered = sum(r.grids_with_executive for r in rows)
    groups = by_town(rows, org=lambda r: r.org)
    people_by_town = {g.town.pk: g.rows for g in by_town(people, org=lambda p: p.org)}
    chosen = chosen_group(groups, request.GET.get("town"), orgs=Org.objects.for_user(request.user))
    summary = [
        (
            g,
            sum(r.grids for r in g.rows),
            sum(r.grids_with_executive for r in g.rows),
            len(people_by_town.get(g.town.pk, [])),
        )
        for g in groups
    ]
    chosen_people = people_by_town.get(chosen.town.pk, []) if chosen else []
    return render(
        request,
        "people/dual.html",
        {
            "chosen": chosen,
            "summary": [(g, n, c, _share(c, n), p) for g, n, c, p in summary],
            "villages": Paginator(chosen.rows, PAGE_SIZE).get_page(request.GET.get("page"))
            if chosen
            else None,
            "people": chosen_people,
            "people_total": len(people),
            "grids": grids,
            "covered": covered,
            "share": _share(covered, grids),
        },
    )


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


# --- import and export ----------------------------------------------------------------------

IMPORT_DIR = "people_imports"
SESSION_KEY = "people_import"


def _import_path(token: str) -> Path:
    return Path(settings.MEDIA_ROOT) / IMPORT_DIR / f"{token}.bin"


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a roster and see the preview (masked); nothing is written until confirmed."""
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            plan = roster.parse_roster(data, actor=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if plan.ok:
                # Kept encrypted until the confirmation (never plaintext on disk).
                token = secrets.token_urlsafe(16)
                path = _import_path(token)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(pd.encrypt_bytes(data, purpose="people-import"))
                request.session[SESSION_KEY] = {
                    "token": token,
                    "filename": form.cleaned_data["file"].name,
                }
    return render(request, "people/import.html", {"form": form, "plan": plan})


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def import_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(SESSION_KEY, None)
    if not pending:
        messages.error(request, _("没有待确认的导入，请重新上传。"))
        return redirect("people:import")
    path = _import_path(pending["token"])
    try:
        data = pd.decrypt_bytes(path.read_bytes(), purpose="people-import")
    except (OSError, pd.PersonalDataError):
        messages.error(request, _("没有待确认的导入，请重新上传。"))
        return redirect("people:import")
    finally:
        path.unlink(missing_ok=True)
    plan, result = roster.import_roster(data, actor=request.user, filename=pending["filename"])
    if result is None:
        return render(request, "people/import.html", {"form": forms.UploadForm(), "plan": plan})
    messages.success(
        request,
        _("导入完成：新增人员%(c)d人，更新%(u)d人，新增职务%(p)d项。")
        % {"c": result.created, "u": result.updated, "p": result.positions},
    )
    return redirect("people:list")


@require_safe
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(roster.template_workbook(), "花名册导入模板.xlsx")


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    org, _ref = _scope_filter(request)
    people = Person.objects.for_user(request.user).select_related("org")
    if org is not None:
        people = people.in_subtree(org)
    people = people.prefetch_related("positions").order_by("org__path", "name", "pk")
    return xlsx_response(roster.export_workbook(people, org=org), export_filename(org, "花名册"))


# --- talent tags ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("people.manage_tags", raise_exception=True)
def tags(request: HttpRequest) -> HttpResponse:
    form = forms.TagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"].strip()
        if TalentTag.objects.filter(name=name).exists():
            form.add_error("name", _("已有同名类别。"))
        else:
            TalentTag.objects.create(name=name, order=TalentTag.objects.count() + 1)
            return redirect("people:tags")
    tag_list = TalentTag.objects.annotate(n=Count("people"))
    return render(request, "people/tags.html", {"form": form, "tags": tag_list})


# --- congresses -----------------------------------------------------------------------------


@require_safe
def congress_list(request: HttpRequest) -> HttpResponse:
    congresses = (
        Congress.objects.for_user(request.user).select_related("org").annotate(n=Count("delegates"))
    )
    return render(request, "people/congress_list.html", {"congresses": congresses})


@require_http_methods(["GET", "POST"])
@permission_required("people.manage_congress", raise_exception=True)
def congress_create(request: HttpRequest) -> HttpResponse:
    org = user_org(request.user)
    form = forms.CongressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # people.manage_congress is granted only with an org (accounts.rules); a superuser
        # without one fails here, as it failed in the service before (a 500 either way).
        assert org is not None
        try:
            congress = services.create_congress(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("people:congress", pk=congress.pk)
    return render(
        request,
        "people/simple_form.html",
        {"form": form, "title": _("新建代表大会"), "subject": org},
    )


@require_safe
def congress_detail(request: HttpRequest, pk: int) -> HttpResponse:
    congress = _congress(request, pk)
    tables = services.composition(congress)
    delegates = congress.delegates.select_related("person", "person__org").order_by(
        "delegation", "pk"
    )
    delegations = list(
        congress.delegates.values_list("delegation").annotate(n=Count("pk")).order_by("delegation")
    )
    chart = [
        {"label": t.label, "rows": [{"name": r.label, "value": r.count} for r in t.rows]}
        for t in tables
    ]
    return render(
        request,
        "people/congress_detail.html",
        {
            "congress": congress,
            "tables": tables,
            "delegates": delegates,
            "delegations": delegations,
            "chart": chart,
            "elections": congress.elections.all(),
            "target_form": forms.TargetForm(),
            # A list of pairs, not a dict: a key named like a dict method ("items") would
            # shadow it in the template.
            "categories": [
                (d.value, services.composition_categories(d.value)) for d in CompositionDimension
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("people.manage_congress", raise_exception=True)
def delegate_add(request: HttpRequest, pk: int) -> HttpResponse:
    congress = _congress(request, pk)
    form = forms.DelegateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_delegate(actor=request.user, congress=congress, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("people:congress", pk=congress.pk)
    return render(
        request,
        "people/simple_form.html",
        {"form": form, "title": _("添加代表"), "subject": congress},
    )


@require_POST
@permission_required("people.manage_congress", raise_exception=True)
def target_set(request: HttpRequest, pk: int) -> HttpResponse:
    congress = _congress(request, pk)
    form = forms.TargetForm(request.POST)
    if form.is_valid():
        try:
            services.set_target(actor=request.user, congress=congress, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("目标比例无效。"))
    return redirect("people:congress", pk=congress.pk)


# --- elections ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("people.manage_congress", raise_exception=True)
def election_create(request: HttpRequest, pk: int) -> HttpResponse:
    congress = _congress(request, pk)
    form = forms.ElectionForm(request.POST or None, initial={"held_on": congress.start_date})
    if request.method == "POST" and form.is_valid():
        try:
            election = services.create_election(
                actor=request.user, congress=congress, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("people:election", pk=election.pk)
    return render(
        request,
        "people/simple_form.html",
        {"form": form, "title": _("新建选举"), "subject": congress},
    )


@require_safe
def election_detail(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    context = {"election": election, **services.election_summary(election)}
    context["history"] = election.history.select_related("actor")
    context["candidate_form"] = forms.CandidateForm(actor=request.user, congress=election.congress)
    return render(request, "people/election_detail.html", context)


@require_POST
@permission_required("people.manage_congress", raise_exception=True)
def candidate_add(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    form = forms.CandidateForm(request.POST, actor=request.user, congress=election.congress)
    if form.is_valid():
        try:
            services.add_candidates(
                actor=request.user, election=election, people=[form.cleaned_data["person"]]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("people:election", pk=election.pk)


@require_http_methods(["GET", "POST"])
@permission_required("people.manage_congress", raise_exception=True)
def candidate_remove(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = (
        Candidate.objects.filter(pk=pk, election__in=Election.objects.for_user(request.user))
        .select_related("election", "election__congress__org")
        .first()
    )
    if candidate is None:
        raise Http404
    if request.method == "GET":
        return confirm_page(
            request,
            title=_("移除候选人"),
            subject=candidate.person.name,
            lost=[_("从“%(e)s”的候选人名单中移除") % {"e": candidate.election}],
            button=_("移除候选人"),
            cancel_url=reverse("people:election", args=[candidate.election_id]),
        )
    try:
        services.remove_candidate(actor=request.user, candidate=candidate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("people:election", pk=candidate.election_id)


@require_http_methods(["GET", "POST"])
@permission_required("people.manage_congress", raise_exception=True)
def election_tally(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    candidates = list(election.candidates.select_related("person").order_by("pk"))
    initial = {
        "ballots_issued": election.ballots_issued,
        "ballots_returned": election.ballots_returned,
    }
    form = forms.TallyForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_tally(
                actor=request.user,
                election=election,
                ballots_issued=form.cleaned_data["ballots_issued"],
                ballots_returned=form.cleaned_data["ballots_returned"],
                votes=form.votes(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("people:election", pk=election.pk)
    return render(
        request,
        "people/simple_form.html",
        {"form": form, "title": _("录入计票"), "subject": election},
    )


def _election_action(request: HttpRequest, pk: int, action: Any) -> HttpResponse:
    election = _election(request, pk)
    try:
        action(actor=request.user, election=election)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("people:election", pk=election.pk)


@require_POST
@permission_required("people.manage_congress", raise_exception=True)
def election_count(request: HttpRequest, pk: int) -> HttpResponse:
    return _election_action(request, pk, services.count_election)


@require_http_methods(["GET", "POST"])
@permission_required("people.manage_congress", raise_exception=True)
def election_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        election = _election(request, pk)
        elected = election.candidates.filter(outcome=CandidateOutcome.ELECTED).count()
        return confirm_page(
            request,
            title=_("确认选举结果"),
            subject=str(election),
            lost=[
                _("%(n)d 名当选者任执委，任期自选举之日起") % {"n": elected},
                _("确认后结果不能再退回修改"),
            ],
            button=_("确认结果，当选者任执委"),
            cancel_url=reverse("people:election", args=[election.pk]),
            danger=False,
        )
    return _election_action(request, pk, services.confirm_election)


@require_http_methods(["GET", "POST"])
@permission_required("people.manage_congress", raise_exception=True)
def election_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        election = _election(request, pk)
        return confirm_page(
            request,
            title=_("退回修改"),
            subject=str(election),
            lost=[
                _("选举退回草稿状态"),
                _("已计算的当选结果和名次被清除，需要重新计票"),
            ],
            button=_("退回修改"),
            cancel_url=reverse("people:election", args=[election.pk]),
        )
    return _election_action(request, pk, services.reopen_election)


@require_safe
def election_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    return xlsx_response(
        exports.election_workbook(election),
        export_filename(election.congress.org, f"{election.name}结果"),
    )


@require_safe
def election_print(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    if election.status not in (
        ElectionStatus.COUNTED,
        ElectionStatus.CONFIRMED,
        ElectionStatus.VOID,
    ):
        messages.info(request, _("尚未计票。"))
    context = {"election": election, **services.election_summary(election)}
    return render(request, "people/election_print.html", context)
