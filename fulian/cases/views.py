"""Pages of help requests and mediation cases, and the public help form and status page.

Requests are scoped like every record (``HelpRequest.objects.for_user``). Cases are
confidential: one fetch, ``access.get_case_or_404``, and one rule, ``access.access_to``."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fulian.cases import access, documents, services
from fulian.cases.forms import (
    AgreementForm,
    AnswerForm,
    AssignForm,
    BodyForm,
    CaseForm,
    CategoryRuleForm,
    CloseCaseForm,
    CloseRequestForm,
    ConcludeForm,
    FollowUpForm,
    InboxFilter,
    MediatorForm,
    NoteForm,
    PartyForm,
    PublicRequestForm,
    ReasonForm,
    ReassignForm,
    ReferForm,
    ReferralAnswerForm,
    ReplyForm,
    RevealForm,
    SessionForm,
    StaffRequestForm,
    StatusForm,
    places,
)
from fulian.cases.indicators import anonymous_counts, counts_by_org, requests_by_category
from fulian.cases.models import (
    OPEN_REQUEST_STATUSES,
    Case,
    CaseParty,
    CaseStatus,
    CategoryRule,
    FollowUp,
    HelpRequest,
    OutsideBody,
    Referral,
    Source,
)
from fulian.core import periods
from fulian.core.errors import error_page
from fulian.core.forms import add_service_errors
from fulian.core.http import HtmxHttpRequest
from fulian.core.params import parse_id, query_id
from fulian.core.ratelimit import limit_posts, over_limit
from fulian.core.scope import get_for_user_or_404, user_org
from fulian.core.uploads import serve
from fulian.duty.models import Visit
from fulian.orgs.models import Org

PAGE_SIZE = 50
PLACE_LIMIT = 20


def _call(form: Any, call: Any) -> Any:
    """Run a service; show its ValidationError on the form. None when it failed."""
    try:
        return call()
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _require(request: HttpRequest, perm: str) -> None:
    """Permission after scope: in scope but not allowed is 403, out of scope was 404."""
    if not request.user.has_perm(perm):
        raise PermissionDenied


# --- the public form and status page ---------------------------------------------------------


def search_places(query: str) -> list[Org]:
    query = query.strip()
    if not query:
        return []
    return list(places().search(query).order_by("path")[:PLACE_LIMIT])


def _place_context(query: str, chosen: Org | None) -> dict[str, Any]:
    found = search_places(query) if query else []
    if chosen is not None and chosen not in found:
        found.insert(0, chosen)
    return {
        "place_query": query,
        "place_results": found,
        "chosen": chosen,
        "place_searched": bool(query),
    }


def _chosen_place(value: Any) -> Org | None:
    pk = parse_id(value)
    return None if pk is None else places().filter(pk=pk).first()


@login_not_required
@require_http_methods(["GET", "POST"])
@limit_posts("cases-help", limit=20, window=3600)
def public_form(request: HttpRequest) -> HttpResponse:
    """Ask for help without an account, on a phone. The village comes from the tree search
    (简/繁/pinyin); without scripts, the 查找 button searches and the page comes back."""
    form = PublicRequestForm(request.POST or None)
    query = request.POST.get("place_q", "")
    chosen = _chosen_place(request.POST.get("place"))
    if request.method == "POST" and "find" not in request.POST and form.is_valid():
        data = form.cleaned_data
        req = _call(
            form,
            lambda: services.submit_public_request(
                category=data["category"],
                place=data["place"],
                description=data["description"],
                phone=data["phone"],
                may_call=data["may_call"],
                name=data["name"],
                idempotency_key=data["idempotency_key"],
            ),
        )
        if req is not None:
            request.session["cases.sent_code"] = req.tracking_code
            return redirect("cases:public_sent")
    status = 400 if request.method == "POST" and "find" not in request.POST else 200
    if request.method == "POST" and "find" in request.POST:
        form.errors.clear()
    return render(
        request,
        "cases/public_form.html",
        {"form": form, **_place_context(query, chosen)},
        status=status,
    )


@login_not_required
@require_safe
def public_places(request: HtmxHttpRequest) -> HttpResponse:
    """The tree search for the public form (village names are public, as in the directory)."""
    query = (request.GET.get("place_q") or request.GET.get("q", ""))[:50]
    return render(request, "cases/_places.html", _place_context(query, None))


@login_not_required
@require_safe
def public_sent(request: HttpRequest) -> HttpResponse:
    from fulian.cases.models import format_code

    code = request.session.get("cases.sent_code")
    if not code:
        return redirect("cases:public_form")
    return render(request, "cases/public_sent.html", {"code": format_code(code)})


def status_limit() -> int:
    """Tries per address per 10 minutes on the status page (``FULIAN_CASES_STATUS_LIMIT``)."""
    return int(getattr(settings, "FULIAN_CASES_STATUS_LIMIT", 20))


@login_not_required
@require_http_methods(["GET", "POST"])
def public_status(request: HtmxHttpRequest) -> HttpResponse:
    """The status and replies of one request, by its tracking code. A wrong code and a
    missing one give the same answer."""
    if request.method == "POST" and over_limit(
        request, "cases-status", limit=status_limit(), window=600
    ):
        return error_page(request, 429)
    form = StatusForm(request.POST or None)
    found: HelpRequest | None = None
    looked = False
    if request.method == "POST" and form.is_valid():
        looked = True
        found = services.find_by_code(form.cleaned_data["code"])
    replies = list(found.replies.filter(public=True).order_by("at")) if found else []
    return render(
        request,
        "cases/public_status.html#answer" if request.htmx else "cases/public_status.html",
        {"form": form, "found": found, "looked": looked, "replies": replies},
    )


# --- the request inbox -----------------------------------------------------------------------


def filter_requests(qs: Any, data: dict[str, Any], user: Any) -> Any:
    status = data.get("status")
    if status == "open":
        qs = qs.filter(status__in=OPEN_REQUEST_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if data.get("category"):
        qs = qs.filter(category=data["category"])
    if data.get("source"):
        qs = qs.filter(source=data["source"])
    if data.get("overdue"):
        qs = qs.overdue(periods.today())
    if data.get("below"):
        qs = qs.exclude(org_id=user.org_id)
    return qs


@require_safe
def inbox(request: HtmxHttpRequest) -> HttpResponse:
    """Requests routed to the user's org and below. Overdue ones from the orgs below are
    flagged at the top: that is how the org above learns of them."""
    _require(request, "fulian.view")
    form = InboxFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    scoped = HelpRequest.objects.for_user(request.user)
    qs = filter_requests(scoped, data, request.user).select_related("org", "place")
    page = Paginator(qs.order_by("-received_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = periods.today()
    org = user_org(request.user)
    overdue_below = scoped.overdue(today).exclude(org=org).count()
    context = {"form": form, "page": page, "today": today, "overdue_below": overdue_below}
    if request.htmx:
        return render(request, "cases/inbox.html#results", context)
    return render(request, "cases/inbox.html", context)


@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    """Staff intake: a walk-in, a 12338 call, a department's referral, a visit's need."""
    _require(request, "fulian.edit")
    initial, chosen_visit = {}, None
    # From a visit's page (?visit=<id>): its need becomes the request, in the visit's village.
    if (visit_id := query_id(request, "visit")) is not None:
        chosen_visit = get_for_user_or_404(Visit.objects.all(), request.user, pk=visit_id)
        initial = {
            "source": Source.VISIT,
            "visit_ref": chosen_visit.pk,
            "description": chosen_visit.needs,
            "name": chosen_visit.name,
            "received_on": chosen_visit.visited_on,
        }
    form = StaffRequestForm(request.POST or None, initial=initial)
    query = request.POST.get("place_q", "")
    chosen = _chosen_place(request.POST.get("place")) or (
        chosen_visit.org if chosen_visit is not None else None
    )
    if request.method == "POST" and "find" not in request.POST and form.is_valid():
        data = form.cleaned_data
        req = _call(
            form,
            lambda: services.take_request(
                actor=request.user,
                source=data["source"],
                source_ref=data["source_ref"],
                category=data["category"],
                place=data["place"],
                description=data["description"],
                phone=data["phone"],
                may_call=data["may_call"],
                name=data["name"],
                received_on=data["received_on"],
                idempotency_key=data["idempotency_key"],
                visit_ref=data["visit_ref"],
            ),
        )
        if req is not None:
            messages.success(
                request, _("诉求已受理，查询码 %(code)s。") % {"code": req.display_code}
            )
            if HelpRequest.objects.for_user(request.user).filter(pk=req.pk).exists():
                return redirect("cases:request", req.pk)
            return redirect("cases:inbox")
    status = 400 if request.method == "POST" and "find" not in request.POST else 200
    if request.method == "POST" and "find" in request.POST:
        form.errors.clear()
    return render(
        request,
        "cases/request_form.html",
        {"form": form, **_place_context(query, chosen)},
        status=status,
    )


def _request(request: HttpRequest, pk: int) -> HelpRequest:
    return get_for_user_or_404(
        HelpRequest.objects.select_related("org", "place", "handler"), request.user, pk=pk
    )


def _request_page(
    request: HttpRequest, req: HelpRequest, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    forms: dict[str, Any] = {
        "assign": AssignForm(org=req.org),
        "reassign": ReassignForm(actor=user, current=req.org),
        "reply": ReplyForm(),
        "answer": AnswerForm(),
        "reopen": NoteForm(),
        "close": CloseRequestForm(),
        "phone": ReasonForm(),
    }
    forms.update(bound or {})
    can_edit = user.has_perm("fulian.edit")
    targets = HelpRequest.workflow.allowed_targets(user, req) if can_edit else []
    case = Case.objects.filter(request=req).first()
    return render(
        request,
        "cases/request_detail.html",
        {
            "req": req,
            "forms": forms,
            "can_edit": can_edit,
            "targets": targets,
            "history": list(req.history.select_related("actor", "org")),
            "replies": list(req.replies.select_related("author")),
            "overdue": req.is_overdue(periods.today()),
            "case": case,
            "case_open": case is not None and access.access_to(user, case) != access.Access.NONE,
            "phone": bound.get("_phone") if bound else None,
        },
        status=status,
    )


@require_safe
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, _request(request, pk))


def _request_action(
    request: HttpRequest, pk: int, form_class: Any, name: str, run: Any, **kw: Any
) -> HttpResponse:
    req = _request(request, pk)
    _require(request, "fulian.edit")
    form = form_class(request.POST, **({k: v(req) for k, v in kw.items()}))
    if form.is_valid():
        try:
            result = run(req, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if isinstance(result, HttpResponse):
                return result
            messages.success(request, _("已保存。"))
            if HelpRequest.objects.for_user(request.user).filter(pk=req.pk).exists():
                return redirect("cases:request", req.pk)
            return redirect("cases:inbox")
    return _request_page(request, req, {name: form}, status=400)


@require_POST
def request_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_action(
        request,
        pk,
        AssignForm,
        "assign",
        lambda req, d: services.assign_request(
            actor=request.user, request=req, handler=d["handler"], note=d["note"]
        ),
        org=lambda req: req.org,
    )


@require_POST
def request_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_action(
        request,
        pk,
        ReassignForm,
        "reassign",
        lambda req, d: services.reassign_request(
            actor=request.user, request=req, org=d["org"], note=d["note"]
        ),
        actor=lambda req: request.user,
        current=lambda req: req.org,
    )


class _Empty(NoteForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = False


@require_POST
def request_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_action(
        request,
        pk,
        _Empty,
        "start",
        lambda req, d: services.start_request(actor=request.user, request=req, note=d["note"]),
    )


@require_POST
def request_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_action(
        request,
        pk,
        ReplyForm,
        "reply",
        lambda req, d: services.add_reply(
            actor=request.user, request=req, text=d["text"], public=d["public"]
        ),
    )


@require_POST
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_action(
        request,
        pk,
        AnswerForm,
        "answer",
        lambda req, d: services.answer_request(actor=request.user, request=req, text=d["text"]),
    )


@require_POST
def request_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_action(
        request,
        pk,
        NoteForm,
        "reopen",
        lambda req, d: services.reopen_request(actor=request.user, request=req, note=d["note"]),
    )


@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_action(
        request,
        pk,
        CloseRequestForm,
        "close",
        lambda req, d: services.close_request(
            actor=request.user,
            request=req,
            feedback=d["feedback"],
            feedback_text=d["feedback_text"],
        ),
    )


@require_POST
def request_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal the woman's phone (logged with the reason); shown once on the page."""
    req = _request(request, pk)
    _require(request, "fulian.edit")
    form = ReasonForm(request.POST)
    if form.is_valid():
        phone = _call(
            form,
            lambda: services.reveal_phone(
                actor=request.user,
                request=req,
                reason=form.cleaned_data["reason"],
                http_request=request,
            ),
        )
        if phone is not None:
            return _request_page(request, req, {"_phone": phone})
    return _request_page(request, req, {"phone": form}, status=400)


# --- cases -----------------------------------------------------------------------------------


def case_rows(user: Any, cases: Any) -> list[dict[str, Any]]:
    """Rows for a list: party names only where the user opens the case; never a minor."""
    cases = list(
        cases.select_related("venue", "org").prefetch_related(
            Prefetch("parties", queryset=CaseParty.objects.filter(is_minor=False), to_attr="adults")
        )
    )
    ids = access.openable_ids(user, Case.objects.filter(pk__in=[c.pk for c in cases]))
    return [
        {
            "case": c,
            "open": c.pk in ids,
            "parties": "、".join(p.name for p in c.adults) if c.pk in ids else "",
        }
        for c in cases
    ]


@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may open (and, for district admins, every case in scope, without
    names); everyone else in scope sees the anonymous counts only."""
    _require(request, "fulian.view")
    listed = access.visible_cases(request.user).order_by("-opened_on", "-pk")
    if (venue := query_id(request, "venue")) is not None:
        listed = listed.filter(venue_id=venue)
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        listed = listed.filter(status=status)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = case_rows(
        request.user, Case.objects.filter(pk__in=[c.pk for c in page]).order_by("-opened_on", "-pk")
    )
    from fulian.venues.models import Venue, VenueType

    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "rows": rows,
            "counts": anonymous_counts(Case.objects.for_user(request.user)),
            "venues": Venue.objects.for_user(request.user).filter(
                type=VenueType.MEDIATION_WORKROOM
            ),
            "venue": venue,
            "status": status,
            "statuses": CaseStatus.choices,
            "can_create": request.user.has_perm("fulian.edit"),
        },
    )


@require_safe
def case_export(request: HttpRequest) -> HttpResponse:
    """The listed cases as .xlsx: anonymous unless the user opens every case in it."""
    _require(request, "fulian.view")
    listed = access.visible_cases(request.user).order_by("opened_on", "pk")
    content = documents.case_workbook(request.user, listed)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="cases.xlsx"'
    return response


@require_safe
def stats(request: HttpRequest) -> HttpResponse:
    """Anonymous statistics of cases and requests in scope, by org below."""
    _require(request, "fulian.view")
    org = user_org(request.user)
    year = periods.default_year()
    with contextlib.suppress(ValueError):
        year = int(request.GET.get("year", year))
    if not periods.MIN_YEAR <= year <= periods.MAX_YEAR:
        year = periods.default_year()
    cases = Case.objects.for_user(request.user).filter(opened_on__year=year)
    by_org = counts_by_org(org, cases) if org is not None else []
    return render(
        request,
        "cases/stats.html",
        {
            "year": year,
            "counts": anonymous_counts(cases),
            "by_org": by_org,
            "by_category": requests_by_category(org, year) if org else [],
        },
    )


def _case(request: HttpRequest, pk: int) -> Case:
    return access.get_case_or_404(request.user, pk)


def _case_page(
    request: HttpRequest, case: Case, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The whole case, for those who may read it; a district admin first gives a reason."""
    level = access.access_to(request.user, case)
    reason = ""
    if level == access.Access.WITH_REASON:
        reason = access.session_reason(request, case)
        if not reason:
            return render(
                request,
                "cases/case_reason.html",
                {"case": case, "form": (bound or {}).get("reason") or ReasonForm()},
                status=status,
            )
    services.read_case(actor=request.user, case=case, reason=reason, http_request=request)
    worker = level == access.Access.OPEN
    today = periods.today()
    forms: dict[str, Any] = {}
    if worker:
        forms = {
            "party": PartyForm(),
            "mediator": MediatorForm(org=case.org),
            "session": SessionForm(initial={"date": today}),
            "conclude": ConcludeForm(initial={"on": today}),
            "resume": NoteForm(),
            "close": CloseCaseForm(initial={"on": today}),
            "agreement": AgreementForm(),
            "refer": ReferForm(initial={"on": today}),
            "follow_up": FollowUpForm(initial={"on": today}),
            "referral_answer": ReferralAnswerForm(initial={"on": today}),
            "reveal": RevealForm(),
        }
        forms.update({k: v for k, v in (bound or {}).items() if k not in ("reason", "_revealed")})
    revealed = (bound or {}).get("_revealed")
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "worker": worker,
            "reason": reason,
            "forms": forms,
            "parties": list(case.parties.all()),
            "mediators": list(case.mediators.select_related("user")),
            "sessions": list(case.sessions.all()),
            "follow_ups": list(case.follow_ups.all()),
            "referrals": list(case.referrals.select_related("to_org", "to_body")),
            "history": list(case.history.select_related("actor")),
            "targets": Case.workflow.allowed_targets(request.user, case),
            "today": today,
            "follow_up_months": "、".join(str(m) for m in services.follow_up_months()),
            "revealed_party": revealed[0] if revealed else None,
            "revealed_value": revealed[1] if revealed else "",
        },
        status=status,
    )


@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _case(request, pk))


@require_POST
def case_reason(request: HttpRequest, pk: int) -> HttpResponse:
    """A district admin states why they open this case; the read that follows is logged
    with it."""
    case = _case(request, pk)
    if access.access_to(request.user, case) != access.Access.WITH_REASON:
        return redirect("cases:case", case.pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, {"reason": form}, status=400)
    access.remember_reason(request, case, form.cleaned_data["reason"].strip())
    return redirect("cases:case", case.pk)


@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    _require(request, "fulian.edit")
    source = None
    pk = request.GET.get("request") or request.POST.get("request")
    if pk:
        source = _request(request, pk)  # type: ignore[arg-type]
    initial: dict[str, Any] = {"opened_on": periods.today()}
    if source is not None:
        initial["summary"] = source.description
        initial["domestic_violence"] = source.category == "violence"
        initial["minors_involved"] = source.category == "child"
    form = CaseForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        names = list(d["mediator_names"].replace(",", "、").replace("，", "、").split("、"))
        case = _call(
            form,
            lambda: services.open_case(
                actor=request.user,
                venue=d["venue"],
                dispute_type=d["dispute_type"],
                risk=d["risk"],
                summary=d["summary"],
                domestic_violence=d["domestic_violence"],
                minors_involved=d["minors_involved"],
                opened_on=d["opened_on"],
                request=source,
                mediators=[d["mediators"]] if d["mediators"] else [],
                mediator_names=names,
            ),
        )
        if case is not None:
            messages.success(request, _("案件 %(n)s 已受理。") % {"n": case.number})
            return redirect("cases:case", case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"form": form, "source": source},
        status=400 if request.method == "POST" else 200,
    )


def _case_action(
    request: HttpRequest,
    pk: int,
    form_class: Any,
    name: str,
    run: Any,
    files: bool = False,
    **kw: Any,
) -> HttpResponse:
    case = _case(request, pk)
    if not access.may_work_on(request.user, case):
        raise PermissionDenied
    form = form_class(
        request.POST, request.FILES if files else None, **{k: v(case) for k, v in kw.items()}
    )
    if form.is_valid():
        try:
            run(case, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect(reverse("cases:case", args=[case.pk]) + f"#{name}")
    return _case_page(request, case, {name: form}, status=400)


@require_POST
def case_party(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        PartyForm,
        "party",
        lambda case, d: services.add_party(actor=request.user, case=case, **d),
    )


@require_POST
def case_mediator(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        MediatorForm,
        "mediator",
        lambda case, d: services.add_mediator(
            actor=request.user, case=case, user=d["user"], name=d["name"]
        ),
        org=lambda case: case.org,
    )


@require_POST
def case_session(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        SessionForm,
        "session",
        lambda case, d: services.record_session(actor=request.user, case=case, **d),
    )


@require_POST
def case_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        ConcludeForm,
        "conclude",
        lambda case, d: services.conclude_case(actor=request.user, case=case, **d),
    )


@require_POST
def case_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        NoteForm,
        "resume",
        lambda case, d: services.resume_case(actor=request.user, case=case, note=d["note"]),
    )


@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        CloseCaseForm,
        "close",
        lambda case, d: services.close_case(actor=request.user, case=case, **d),
    )


@require_POST
def case_refer(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        ReferForm,
        "refer",
        lambda case, d: services.refer_case(actor=request.user, case=case, **d),
    )


@require_http_methods(["GET", "POST"])
def case_agreement(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """GET: the uploaded agreement (for those who may read the case). POST: upload one."""
    if request.method == "POST":
        return _case_action(
            request,
            pk,
            AgreementForm,
            "agreement",
            lambda case, d: services.upload_agreement(
                actor=request.user, case=case, upload=d["file"]
            ),
            files=True,
        )
    case = _readable_case(request, pk)
    if not case.agreement_file:
        raise Http404
    return serve(case.agreement_file, content_type=case.agreement_type, name=case.agreement_name)


def _readable_case(request: HttpRequest, pk: int) -> Case:
    """A case whose documents this user may read now, the read logged; else 404/403."""
    case = _case(request, pk)
    level = access.access_to(request.user, case)
    reason = access.session_reason(request, case) if level == access.Access.WITH_REASON else ""
    if level == access.Access.WITH_REASON and not reason:
        raise PermissionDenied
    services.read_case(actor=request.user, case=case, reason=reason, http_request=request)
    return case


@require_safe
def case_agreement_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The mediation agreement generated from the template (.docx, editable)."""
    case = _readable_case(request, pk)
    response = HttpResponse(
        documents.agreement_docx(case),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{case.number}.docx"'
    return response


@require_POST
def party_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """A party's ID number or phone in clear, shown once on the case page; the read is
    logged with its reason. Only those who work on the case may; never a minor's."""
    try:
        party = (
            CaseParty.objects.filter(case__in=access.visible_cases(request.user))
            .select_related("case", "case__org", "case__venue")
            .get(pk=pk)
        )
    except CaseParty.DoesNotExist as exc:
        raise Http404 from exc
    if not access.may_work_on(request.user, party.case) or party.is_minor:
        raise PermissionDenied
    form = RevealForm(request.POST)
    if form.is_valid():
        value = _call(
            form,
            lambda: services.reveal_party(
                actor=request.user,
                party=party,
                field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
                http_request=request,
            ),
        )
        if value is not None:
            return _case_page(request, party.case, {"_revealed": (party.pk, value)})
    return _case_page(request, party.case, {"reveal": form}, status=400)


def _follow_up(request: HttpRequest, pk: int) -> FollowUp:
    try:
        return (
            FollowUp.objects.filter(case__in=access.openable_cases(request.user))
            .select_related("case")
            .get(pk=pk)
        )
    except FollowUp.DoesNotExist as exc:
        raise Http404 from exc


@require_POST
def followup_done(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid() and _call(
        form,
        lambda: services.record_follow_up(
            actor=request.user, follow_up=follow_up, **form.cleaned_data
        ),
    ):
        messages.success(request, _("回访已登记。"))
        return redirect(reverse("cases:case", args=[follow_up.case_id]) + "#follow-ups")
    return _case_page(request, follow_up.case, {"follow_up": form}, status=400)


@require_POST
def referral_answer(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        referral = (
            Referral.objects.filter(case__in=access.openable_cases(request.user))
            .select_related("case")
            .get(pk=pk)
        )
    except Referral.DoesNotExist as exc:
        raise Http404 from exc
    form = ReferralAnswerForm(request.POST)
    if form.is_valid() and _call(
        form,
        lambda: services.answer_referral(
            actor=request.user, referral=referral, **form.cleaned_data
        ),
    ):
        messages.success(request, _("已登记回复。"))
        return redirect(reverse("cases:case", args=[referral.case_id]) + "#referrals")
    return _case_page(request, referral.case, {"referral_answer": form}, status=400)


FOLLOW_UP_WINDOW_DAYS = 30


@require_safe
def followups(request: HttpRequest) -> HttpResponse:
    """Follow-ups due (overdue, or within 30 days) and referrals waiting for an answer, of
    the cases the user opens."""
    import datetime

    _require(request, "fulian.view")
    today = periods.today()
    mine = access.openable_cases(request.user)
    due = (
        FollowUp.objects.filter(
            case__in=mine,
            done_on__isnull=True,
            due_on__lte=today + datetime.timedelta(days=FOLLOW_UP_WINDOW_DAYS),
        )
        .select_related("case", "case__venue")
        .order_by("due_on", "pk")
    )
    waiting = (
        Referral.objects.filter(case__in=mine)
        .awaiting(today)
        .select_related("case", "to_org", "to_body")
        .order_by("answer_by", "pk")
    )
    return render(
        request,
        "cases/followups.html",
        {"due": list(due[:200]), "waiting": list(waiting[:200]), "today": today},
    )


@require_http_methods(["GET", "POST"])
def config(request: HttpRequest) -> HttpResponse:
    """Time limits per category and the list of outside bodies (district configuration)."""
    _require(request, "fulian.configure")
    rule_form = CategoryRuleForm(request.POST if request.POST.get("form") == "rule" else None)
    body_form = BodyForm(request.POST if request.POST.get("form") == "body" else None)
    if request.method == "POST":
        which = request.POST.get("form")
        if (
            which == "rule"
            and rule_form.is_valid()
            and _call(
                rule_form,
                lambda: services.set_category_rule(actor=request.user, **rule_form.cleaned_data),
            )
        ):
            messages.success(request, _("已保存。"))
            return redirect("cases:config")
        if (
            which == "body"
            and body_form.is_valid()
            and _call(
                body_form,
                lambda: services.add_outside_body(actor=request.user, **body_form.cleaned_data),
            )
        ):
            messages.success(request, _("已保存。"))
            return redirect("cases:config")
        if which == "toggle":
            pk = parse_id(request.POST.get("body"))
            body = None if pk is None else OutsideBody.objects.filter(pk=pk).first()
            if body is None:
                raise Http404
            services.set_body_active(actor=request.user, body=body, active=not body.is_active)
            return redirect("cases:config")
    services.ensure_defaults()
    return render(
        request,
        "cases/config.html",
        {
            "rules": list(CategoryRule.objects.all()),
            "bodies": list(OutsideBody.objects.all()),
            "rule_form": rule_form,
            "body_form": body_form,
        },
        status=400 if request.method == "POST" else 200,
    )
