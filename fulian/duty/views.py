"""Pages of 干 duty: duty reports and comments, evaluation rounds and the public ballot,
the project library and claims, the visit register, duty files and the ranking."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fulian.core import periods
from fulian.core.forms import add_service_errors
from fulian.core.http import HtmxHttpRequest
from fulian.core.ratelimit import limit_posts
from fulian.core.scope import get_for_user_or_404
from fulian.core.uploads import serve
from fulian.duty import documents, forms, services
from fulian.duty.models import (
    BallotCode,
    Claim,
    ClaimStatus,
    DifficultyCategory,
    DutyReport,
    DutySettings,
    EvaluationRound,
    PointRule,
    Project,
    ProjectStatus,
    ProjectUpdate,
    RoundStatus,
    UpdatePhoto,
    Visit,
    is_above,
)
from fulian.events.models import Activity
from fulian.orgs.models import Org
from fulian.people.models import Person

PAGE_SIZE = 50


def _meeting(request: HttpRequest, pk: int) -> Activity:
    return get_for_user_or_404(
        Activity.objects.select_related("org", "kind").filter(kind__code="meeting"),
        request.user,
        pk=pk,
    )


def _report(request: HttpRequest, pk: int) -> DutyReport:
    return get_for_user_or_404(
        DutyReport.objects.select_related("meeting", "org", "person__org"), request.user, pk=pk
    )


def _round(request: HttpRequest, pk: int) -> EvaluationRound:
    return get_for_user_or_404(
        EvaluationRound.objects.select_related("meeting", "org"), request.user, pk=pk
    )


def _project(request: HttpRequest, pk: int) -> Project:
    return get_for_user_or_404(
        Project.objects.select_related("org", "grid", "campaign"), request.user, pk=pk
    )


def _claim(request: HttpRequest, pk: int) -> Claim:
    return get_for_user_or_404(
        Claim.objects.select_related("project__org", "person__org"), request.user, pk=pk
    )


def _visit(request: HttpRequest, pk: int) -> Visit:
    return get_for_user_or_404(
        Visit.objects.select_related("org", "visitor", "person", "campaign"), request.user, pk=pk
    )


def _person(request: HttpRequest, pk: int) -> Person:
    return get_for_user_or_404(Person.objects.select_related("org"), request.user, pk=pk)


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return periods.default_year()
    return year if 2000 <= year <= 2100 else periods.default_year()


def _files(request: HttpRequest, name: str) -> list[Any]:
    return request.FILES.getlist(name)


# --- 1. meetings and duty reports ---


@require_safe
def meetings(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    queryset = (
        Activity.objects.for_user(request.user)
        .filter(kind__code="meeting", start__year=year)
        .select_related("org")
        .annotate(
            reports=Count("duty_reports", distinct=True),
            rounds=Count("evaluation_rounds", distinct=True),
        )
        .order_by("-start", "-pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "duty/meetings.html", {"page": page, "year": year})


@require_safe
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _meeting(request, pk)
    reports = list(
        DutyReport.objects.filter(meeting=activity)
        .select_related("person__org", "comment")
        .order_by("order", "pk")
    )
    rounds = list(EvaluationRound.objects.filter(meeting=activity).order_by("pk"))
    return render(
        request,
        "duty/meeting.html",
        {"meeting": activity, "reports": reports, "rounds": rounds},
    )


def _report_people(request: HttpRequest, activity: Activity) -> Any:
    """Executives of the meeting's org first; anyone in the caller's scope may report."""
    return services.executives_in_scope(request.user)


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _meeting(request, pk)
    form = forms.ReportForm(
        request.POST or None, request.FILES or None, people=_report_people(request, activity)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_report(
                actor=request.user,
                meeting=activity,
                person=data["person"],
                title=data["title"],
                text=data["text"],
                file=data["file"],
                reported_on=data["reported_on"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("述职已添加。"))
            return redirect("duty:meeting", activity.pk)
    return render(
        request,
        "duty/form.html",
        {"form": form, "title": _("添加述职"), "back": reverse("duty:meeting", args=[pk])},
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    initial = {"title": report.title, "text": report.text, "reported_on": report.reported_on}
    form = forms.ReportForm(
        request.POST or None, request.FILES or None, initial=initial, editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_report(
                actor=request.user,
                report=report,
                title=data["title"],
                text=data["text"],
                file=data["file"],
                reported_on=data["reported_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("述职已保存。"))
            return redirect("duty:meeting", report.meeting_id)
    return render(
        request,
        "duty/form.html",
        {
            "form": form,
            "title": _("修改述职：%(name)s") % {"name": report.person.name},
            "back": reverse("duty:meeting", args=[report.meeting_id]),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    existing = getattr(report, "comment", None)
    initial = (
        {"commenter": existing.commenter, "text": existing.text, "given_on": existing.given_on}
        if existing
        else {"given_on": report.reported_on}
    )
    form = forms.CommentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if existing is not None:
                services.edit_comment(
                    actor=request.user,
                    comment=existing,
                    commenter=data["commenter"],
                    text=data["text"],
                )
            else:
                services.comment_report(
                    actor=request.user,
                    report=report,
                    commenter=data["commenter"],
                    text=data["text"],
                    given_on=data["given_on"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("点评已保存。"))
            return redirect("duty:meeting", report.meeting_id)
    return render(
        request,
        "duty/form.html",
        {
            "form": form,
            "title": _("点评：%(name)s的述职") % {"name": report.person.name},
            "intro": report.text,
            "back": reverse("duty:meeting", args=[report.meeting_id]),
        },
    )


@require_safe
def report_file(request: HttpRequest, pk: int) -> FileResponse:
    report = _report(request, pk)
    if not report.file:
        raise Http404
    return serve(report.file, content_type=report.file_type, name=report.file_name)


@require_safe
def my_reports(request: HttpRequest) -> HttpResponse:
    person = services.person_of(request.user)
    reports = (
        DutyReport.objects.filter(person=person)
        .select_related("meeting", "comment")
        .order_by("-reported_on")
        if person
        else DutyReport.objects.none()
    )
    return render(request, "duty/my_reports.html", {"person": person, "reports": reports})


# --- 2. evaluation rounds ---


@require_safe
def rounds(request: HttpRequest) -> HttpResponse:
    queryset = (
        EvaluationRound.objects.for_user(request.user)
        .select_related("meeting", "org")
        .annotate(evaluee_count=Count("evaluees", distinct=True))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "duty/rounds.html", {"page": page})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _meeting(request, pk)
    people = services.executives_of(activity.org, on=activity.start.date())
    form = forms.RoundForm(
        request.POST or None,
        people=people,
        initial={"title": _("%(meeting)s民主评议测评") % {"meeting": activity.title}},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rnd = services.create_round(
                actor=request.user,
                meeting=activity,
                title=data["title"],
                people=list(data["people"]) or None,
                unfit_flag_percent=data["unfit_flag_percent"],
                excellent_percent=data["excellent_percent"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("duty:round", rnd.pk)
    return render(
        request,
        "duty/form.html",
        {"form": form, "title": _("新建民主评议测评"), "back": reverse("duty:meeting", args=[pk])},
    )


def _round_context(request: HttpRequest, rnd: EvaluationRound) -> dict[str, Any]:
    context: dict[str, Any] = {
        "round": rnd,
        "turnout": services.turnout(rnd),
        "evaluees": rnd.evaluees.select_related("person__org"),
        "history": rnd.history.select_related("actor"),
        "codes_form": forms.CodesForm(initial={"count": services.default_code_count(rnd) or 30}),
        "may_chair": request.user.has_perm("fulian.edit"),
        "vote_url": request.build_absolute_uri(reverse("duty:vote_entry")),
    }
    if rnd.status == RoundStatus.CLOSED:
        context["results"] = services.results(rnd=rnd)
    return context


@require_safe
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    return render(request, "duty/round.html", _round_context(request, rnd))


@require_safe
def round_turnout(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    return render(request, "duty/round.html#turnout", _round_context(request, rnd))


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def round_codes(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    form = forms.CodesForm(request.POST)
    if form.is_valid():
        try:
            made = services.issue_codes(
                actor=request.user, round=rnd, count=form.cleaned_data["count"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已发放 %(n)d 个投票码。") % {"n": len(made)})
    else:
        messages.error(request, _("投票码数量应在 1 到 1000 之间。"))
    return redirect("duty:round", rnd.pk)


@require_safe
@permission_required("fulian.edit", raise_exception=True)
def round_code_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The unused codes, each with its QR code, to print and cut (one per attendee)."""
    rnd = _round(request, pk)
    codes = []
    for code in BallotCode.objects.filter(round=rnd, used=False).order_by("code"):
        url = request.build_absolute_uri(reverse("duty:vote", args=[code.code]))
        out = io.BytesIO()
        segno.make(url, error="m").save(out, kind="svg", scale=3, xmldecl=False, svgns=True)
        codes.append((code.code, out.getvalue().decode()))
    return render(request, "duty/code_sheet.html", {"round": rnd, "codes": codes})


def _move_round(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    rnd = _round(request, pk)
    try:
        service(actor=request.user, round=rnd)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("duty:round", rnd.pk)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_round(request, pk, services.open_round, _("测评已开始，请与会人员扫码投票。"))


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (closing is final: no more ballots), POST closes."""
    if request.method == "GET":
        rnd = _round(request, pk)
        turnout = services.turnout(rnd)
        return render(
            request,
            "duty/form.html",
            {
                "form": None,
                "title": _("结束投票：%(title)s") % {"title": rnd.title},
                "intro": _(
                    "已投 %(used)d / 发放 %(issued)d。结束后不能再投票，未使用的投票码作废，"
                    "测评结果随即公布。"
                )
                % {"used": turnout.used, "issued": turnout.issued},
                "submit": _("确认结束投票"),
                "danger": True,
                "back": reverse("duty:round", args=[rnd.pk]),
            },
        )
    return _move_round(request, pk, services.close_round, _("测评已结束。"))


def _closed_round(request: HttpRequest, pk: int) -> EvaluationRound:
    rnd = _round(request, pk)
    if rnd.status != RoundStatus.CLOSED:
        raise Http404
    return rnd


@require_safe
def round_results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _closed_round(request, pk)
    try:
        pdf = documents.results_pdf(rnd)
    except documents.MissingCJKFont as error:
        return render(request, "duty/error.html", {"message": str(error)}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="evaluation-{rnd.pk}.pdf"'
    return response


@require_safe
def round_results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _closed_round(request, pk)
    response = HttpResponse(
        documents.results_workbook(rnd),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="evaluation-{rnd.pk}.xlsx"'
    return response


# --- the public ballot ---


@login_not_required
@require_http_methods(["GET", "POST"])
@limit_posts("duty-vote", limit=30, window=60)
def vote_entry(request: HttpRequest) -> HttpResponse:
    form = forms.CodeEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = services.normalise_code(form.cleaned_data["code"])
        return redirect("duty:vote", code)
    return render(request, "duty/vote_entry.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
@limit_posts("duty-vote", limit=30, window=60)
def vote(request: HttpRequest, code: str) -> HttpResponse:
    text = services.normalise_code(code)
    found = BallotCode.objects.filter(code=text).select_related("round__meeting").first()
    if found is None:
        return render(
            request,
            "duty/vote.html",
            {"message": _("投票码无效，请核对后重新输入。"), "entry": True},
            status=404,
        )
    rnd = found.round
    context: dict[str, Any] = {"round": rnd, "code": text}
    if rnd.status == RoundStatus.CLOSED:
        context["message"] = _("测评已结束，不能再投票。")
        return render(request, "duty/vote.html", context, status=410)
    if found.used:
        context["message"] = _("该投票码已使用，每个投票码只能投票一次。")
        return render(request, "duty/vote.html", context, status=409)
    if rnd.status == RoundStatus.DRAFT:
        context["message"] = _("测评尚未开始，请等待主持人宣布开始投票。")
        return render(request, "duty/vote.html", context)
    evaluees = list(rnd.evaluees.select_related("person__org"))
    form = forms.ballot_form(evaluees, request.POST or None)
    if request.method == "POST" and form.is_valid():
        grades = {e.pk: form.cleaned_data[f"e{e.pk}"] for e in evaluees}
        try:
            services.cast_ballot(code=text, grades=grades)
        except ValidationError as error:
            context["message"] = " ".join(error.messages)
            return render(request, "duty/vote.html", context, status=409)
        context["done"] = True
        return render(request, "duty/vote.html", context)
    context["form"] = form
    context["rows"] = [(e, form[f"e{e.pk}"]) for e in evaluees]
    return render(request, "duty/vote.html", context)


# --- 3. projects ---


def _project_list(request: HttpRequest) -> tuple[Any, Any]:
    form = forms.ProjectFilterForm(request.GET or None, actor=request.user)
    queryset = Project.objects.for_user(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["org"]:
            queryset = queryset.in_subtree(data["org"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["campaign"]:
            queryset = queryset.filter(campaign__in=data["campaign"].family_ids())
        if data["year"]:
            queryset = queryset.in_year(data["year"])
    return form, queryset


@require_safe
def projects(request: HtmxHttpRequest) -> HttpResponse:
    form, queryset = _project_list(request)
    live = Claim.objects.exclude(status=ClaimStatus.RELEASED).select_related("person")
    queryset = (
        queryset.select_related("org", "campaign")
        .prefetch_related(Prefetch("claims", queryset=live, to_attr="live_claims"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    if request.htmx:
        return render(request, "duty/projects.html#results", context)
    return render(request, "duty/projects.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def project_create(request: HttpRequest) -> HttpResponse:
    form = forms.ProjectForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.propose_project(actor=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("项目已提交，等待上级妇联审核发布。"))
            return redirect("duty:project", project.pk)
    return render(
        request,
        "duty/form.html",
        {"form": form, "title": _("申报实事项目"), "back": reverse("duty:projects")},
    )


@require_safe
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    claims = list(
        project.claims.select_related("person__org")
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=ProjectUpdate.objects.prefetch_related("photos").order_by("on", "pk"),
            ),
            "history__actor",
        )
        .order_by("-pk")
    )
    live = next((c for c in claims if c.status != ClaimStatus.RELEASED), None)
    user = request.user
    own = services.person_of(user)
    editor = user.has_perm("fulian.edit")
    context = {
        "project": project,
        "claims": claims,
        "live": live,
        "history": project.history.select_related("actor"),
        "may_review": editor
        and is_above(user, project.org)
        and project.status == ProjectStatus.PROPOSED,
        "may_claim": editor and project.status == ProjectStatus.PUBLISHED,
        "may_work": editor and live is not None and live.status == ClaimStatus.ACTIVE,
        "may_verify": editor
        and live is not None
        and live.status == ClaimStatus.COMPLETED
        and is_above(user, project.org)
        and (own is None or own.pk != live.person_id),
        "claim_form": forms.ClaimForm(people=services.executives_in_scope(user)),
        "review_form": forms.ReviewForm(),
        "verify_form": forms.VerifyForm(),
        "own": own,
    }
    return render(request, "duty/project.html", context)


def _back(request: HttpRequest, project_pk: int) -> HttpResponse:
    return redirect("duty:project", project_pk)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def project_review(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核结果。"))
        return _back(request, pk)
    try:
        services.review_project(actor=request.user, project=project, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("审核已保存。"))
    return _back(request, pk)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def project_claim(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = forms.ClaimForm(request.POST, people=services.executives_in_scope(request.user))
    if not form.is_valid():
        messages.error(request, _("请选择认领的执委。"))
        return _back(request, pk)
    try:
        services.claim_project(
            actor=request.user, project=project, person=form.cleaned_data["person"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("认领成功。"))
    return _back(request, pk)


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def claim_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a claim back: GET asks for confirmation (and a reason), POST does it."""
    claim = _claim(request, pk)
    form = forms.NoteForm(request.POST or None)
    if request.method == "GET":
        return render(
            request,
            "duty/form.html",
            {
                "form": form,
                "title": _("放弃认领：%(title)s") % {"title": claim.project.title},
                "intro": _(
                    "放弃后项目回到项目库，可由其他执委认领；已填报的进展保留在认领记录中。"
                ),
                "submit": _("确认放弃认领"),
                "danger": True,
                "back": reverse("duty:project", args=[claim.project_id]),
            },
        )
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.release_claim(actor=request.user, claim=claim, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已放弃认领，项目回到项目库。"))
    return _back(request, claim.project_id)


def _claim_form(
    request: HttpRequest, pk: int, form_class: Any, service: Any, title: str, done: str
) -> HttpResponse:
    claim = _claim(request, pk)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["photos"] = _files(request, "photos")
        try:
            service(actor=request.user, claim=claim, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return _back(request, claim.project_id)
    return render(
        request,
        "duty/form.html",
        {
            "form": form,
            "title": title,
            "intro": claim.project.title,
            "multipart": True,
            "back": reverse("duty:project", args=[claim.project_id]),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def claim_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_form(
        request, pk, forms.ProgressForm, services.add_progress, _("填报进展"), _("进展已保存。")
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def claim_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_form(
        request,
        pk,
        forms.CompleteForm,
        services.complete_claim,
        _("报告完成"),
        _("已报告完成，等待上级妇联验收。"),
    )


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def claim_verify(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    form = forms.VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择验收结果。"))
        return _back(request, claim.project_id)
    try:
        services.verify_claim(actor=request.user, claim=claim, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("项目由上级妇联验收。"))
    else:
        messages.success(request, _("验收结果已保存。"))
    return _back(request, claim.project_id)


@require_safe
def update_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = get_for_user_or_404(UpdatePhoto.objects, request.user, pk=pk)
    field = photo.thumbnail if request.GET.get("size") == "thumb" else photo.image
    return serve(field, content_type="image/jpeg", name=f"photo-{photo.pk}.jpg", cache_seconds=3600)


@require_safe
def update_evidence(request: HttpRequest, pk: int) -> FileResponse:
    update = get_for_user_or_404(ProjectUpdate.objects, request.user, pk=pk)
    if not update.evidence:
        raise Http404
    return serve(update.evidence, content_type=update.evidence_type, name=update.evidence_name)


@require_safe
def my_projects(request: HttpRequest) -> HttpResponse:
    """An executive's own claims, on her phone."""
    person = services.person_of(request.user)
    claims = (
        Claim.objects.filter(person=person)
        .exclude(status=ClaimStatus.RELEASED)
        .select_related("project__org")
        .order_by("-claimed_on", "-pk")
        if person
        else Claim.objects.none()
    )
    return render(request, "duty/my_projects.html", {"person": person, "claims": claims})


# --- 4. visits ---


@require_safe
def visits(request: HtmxHttpRequest) -> HttpResponse:
    form = forms.VisitFilterForm(request.GET or None, actor=request.user)
    queryset = Visit.objects.for_user(request.user)
    today = periods.today()
    if form.is_valid():
        data = form.cleaned_data
        if data["org"]:
            queryset = queryset.in_subtree(data["org"])
        if data["year"]:
            queryset = queryset.filter(visited_on__year=data["year"])
        if data["campaign"]:
            queryset = queryset.filter(campaign__in=data["campaign"].family_ids())
        if data["overdue"]:
            queryset = queryset.overdue(today)
    queryset = queryset.select_related("org", "visitor").order_by("-visited_on", "-pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "today": today}
    if request.htmx:
        return render(request, "duty/visits.html#results", context)
    return render(request, "duty/visits.html", context)


@require_safe
def visits_overdue(request: HttpRequest) -> HttpResponse:
    """Overdue follow-ups of the caller's subtree, by village (and the total for a town)."""
    today = periods.today()
    queryset = (
        Visit.objects.for_user(request.user)
        .overdue(today)
        .select_related("org", "visitor")
        .order_by("org__path", "follow_up_on", "pk")
    )
    by_org: dict[Org, list[Visit]] = {}
    for visit in queryset[:500]:
        by_org.setdefault(visit.org, []).append(visit)
    return render(
        request,
        "duty/visits_overdue.html",
        {"groups": list(by_org.items()), "total": queryset.count(), "today": today},
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def visit_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    own = services.person_of(request.user)
    if own is not None:
        initial["visitor"] = own.pk
    user: Any = request.user
    if user.org_id:
        initial["org"] = user.org_id
    form = forms.VisitForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person_id = data.pop("person")
        person = None
        if person_id:
            person = Person.objects.filter(pk=person_id).first()
            if person is None:
                form.add_error(None, _("被走访人不在您的管辖范围内。"))
        if not form.errors:
            try:
                visit = services.record_visit(actor=request.user, person=person, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("走访已登记。"))
                return redirect("duty:visit", visit.pk)
    return render(request, "duty/visit_form.html", {"form": form})


@require_safe
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    return render(
        request,
        "duty/visit.html",
        {
            "visit": visit,
            "history": visit.history.select_related("actor"),
            "follow_form": forms.FollowUpForm(),
            "overdue": visit.follow_up == "due"
            and visit.follow_up_on is not None
            and visit.follow_up_on < periods.today(),
        },
    )


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def visit_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    form = forms.FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写回访情况。"))
        return redirect("duty:visit", pk)
    try:
        services.follow_up_visit(actor=request.user, visit=visit, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("回访已记录。"))
    return redirect("duty:visit", pk)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def visit_phone(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    phone = services.reveal_visit_phone(actor=request.user, visit=visit, request=request)
    return render(request, "duty/visit.html#phone", {"visit": visit, "phone": phone})


# --- 5. duty files and ranking ---


@require_safe
def duty_file(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    year = _year(request)
    return render(
        request,
        "duty/file.html",
        {"file": services.duty_file(person, year), "year": year, "person": person},
    )


@require_safe
def duty_file_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    year = _year(request)
    try:
        pdf = documents.duty_file_pdf(services.duty_file(person, year))
    except documents.MissingCJKFont as error:
        return render(request, "duty/error.html", {"message": str(error)}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="duty-file-{person.pk}-{year}.pdf"'
    return response


@require_safe
def my_file(request: HttpRequest) -> HttpResponse:
    person = services.person_of(request.user)
    year = _year(request)
    return render(
        request,
        "duty/file.html",
        {
            "file": services.duty_file(person, year) if person else None,
            "year": year,
            "person": person,
            "mine": True,
        },
    )


@require_safe
def ranking(request: HttpRequest) -> HttpResponse:
    form = forms.YearOrgForm(request.GET or None, actor=request.user)
    user: Any = request.user
    org = user.org
    year = periods.default_year()
    if form.is_valid():
        org = form.cleaned_data["org"] or org
        year = form.cleaned_data["year"] or year
    files = services.ranking(org, year) if org is not None else []
    return render(
        request, "duty/ranking.html", {"form": form, "files": files, "org": org, "year": year}
    )


# --- configuration ---


@require_http_methods(["GET", "POST"])
@permission_required("fulian.configure", raise_exception=True)
def config(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    rules = list(PointRule.objects.all())
    categories = list(DifficultyCategory.objects.all())
    limit_form = forms.LimitForm(
        request.POST or None,
        initial={"max_active_claims": services.claim_limit(user.org)},
    )
    if request.method == "POST" and limit_form.is_valid():
        services.set_claim_limit(
            actor=request.user,
            org=user.org,
            limit=limit_form.cleaned_data["max_active_claims"],
        )
        messages.success(request, _("已保存。"))
        return redirect("duty:config")
    overrides = DutySettings.objects.for_user(request.user).select_related("org")
    return render(
        request,
        "duty/config.html",
        {
            "rules": rules,
            "categories": categories,
            "limit_form": limit_form,
            "overrides": overrides,
        },
    )


def _config_edit(
    request: HttpRequest, model: Any, form_class: Any, pk: int | None, title: str
) -> HttpResponse:
    instance = None
    if pk is not None:
        instance = model.objects.filter(pk=pk).first()
        if instance is None:
            raise Http404
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect("duty:config")
    return render(
        request, "duty/form.html", {"form": form, "title": title, "back": reverse("duty:config")}
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.configure", raise_exception=True)
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _config_edit(request, PointRule, forms.RuleForm, pk, _("积分规则"))


@require_http_methods(["GET", "POST"])
@permission_required("fulian.configure", raise_exception=True)
def category_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _config_edit(request, DifficultyCategory, forms.CategoryForm, pk, _("困难类别"))
