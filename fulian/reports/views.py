"""Pages: the dashboard (home), the statistics workbook, the year-end summary."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fulian.core import periods
from fulian.core.forms import add_service_errors
from fulian.core.params import parse_year
from fulian.core.periods import Period, default_year
from fulian.core.registry import home_actions_for
from fulian.core.scope import get_for_user_or_404, user_org
from fulian.orgs.models import Org
from fulian.reports import dashboard, services, summary, workbook
from fulian.reports.forms import SummaryForm, TemplateForm
from fulian.reports.models import SummaryJob, SummaryTemplate
from fulian.reports.params import org_from, period_from

PERIOD_CHOICES_YEARS = 6


def _period_choices(period: Period) -> list[tuple[str, str]]:
    """Years, halves, quarters and months around the period, for the period picker."""
    year = max(default_year(), period.start.year)
    choices = []
    for y in range(year, year - PERIOD_CHOICES_YEARS, -1):
        choices.append((str(y), Period.year(y).label))
        for q in (1, 2, 3, 4):
            p = Period.quarter(y, q)
            choices.append((p.code, p.label))
    if period.kind != "range" and period.code not in {c for c, _l in choices}:
        choices.insert(0, (period.code, period.label))
    return choices


def _breadcrumb(user: Any, org: Org) -> list[Org]:
    """From the user's org down to ``org`` (one query)."""
    top = user_org(user)
    assert top is not None
    paths = [org.path[:n] for n in range(len(top.path), len(org.path) + 1, Org.steplen)]
    return list(Org.objects.filter(path__in=paths).order_by("path"))


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _period_params(period: Period) -> dict[str, str]:
    """The query parameters that give ``period`` back (a date range has no code)."""
    if period.kind == "range":
        return {"from": period.start.isoformat(), "to": period.end.isoformat()}
    return {"period": period.code}


def _query(org: Org, period: Period, **extra: str) -> str:
    return urlencode({"org": org.pk, **_period_params(period), **extra})


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: the user's org (or a descendant, ``?org=``) in a period."""
    if user_org(request.user) is None:
        return render(request, "reports/home.html", {"org": None})
    org = org_from(request.user, request.GET.get("org"))
    try:
        period = period_from(request.GET, default=periods.current_period(request))
    except ValidationError as exc:
        period = periods.current_period(request)
        error = "; ".join(exc.messages)
    else:
        error = ""
    sort = request.GET.get("sort", "")
    desc = request.GET.get("dir", "desc") != "asc"
    board = dashboard.build(request.user, org, period, sort=sort, desc=desc)
    return render(
        request,
        "reports/home.html",
        {
            "org": org,
            "period": period,
            "year": period.start.year,
            "error": error,
            "board": board,
            "breadcrumb": _breadcrumb(request.user, org),
            "period_choices": _period_choices(period),
            "sort": sort,
            "desc": desc,
            "query": _query(org, period),
            "period_query": urlencode(_period_params(period)),
            "charts": [(c, c.data(), f"chart-{c.key}") for c in board.charts],
            "actions": home_actions_for(request),
        },
    )


@require_safe
def workbook_page(request: HttpRequest) -> HttpResponse:
    """The statistics workbook: choose org and period, download the .xlsx."""
    if user_org(request.user) is None:
        raise Http404
    org = org_from(request.user, request.GET.get("org"))
    context: dict[str, Any] = {"org": org, "breadcrumb": _breadcrumb(request.user, org)}
    try:
        period = period_from(request.GET, default=periods.current_period(request))
    except ValidationError as exc:
        fallback = periods.current_period(request)
        context.update(
            error="; ".join(exc.messages),
            period_choices=_period_choices(fallback),
            period_query=urlencode(_period_params(fallback)),
        )
        return render(request, "reports/workbook.html", context, status=400)
    if request.GET.get("download"):
        return _download(
            workbook.build(org, period),
            workbook.filename(org, period),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    context.update(
        period=period,
        period_choices=_period_choices(period),
        period_query=urlencode(_period_params(period)),
        filename=workbook.filename(org, period),
        query=_query(org, period, download="1"),
    )
    return render(request, "reports/workbook.html", context)


@require_safe
def summary_page(request: HttpRequest) -> HttpResponse:
    """The year-end summary: preview (html with sources), download, templates, jobs."""
    if user_org(request.user) is None:
        raise Http404
    org = org_from(request.user, request.GET.get("org"))
    year = parse_year(request.GET.get("year"), lo=1949)
    year = year or periods.current_period(request).start.year
    script = request.GET.get("script", "hans")
    script = script if script in summary.SCRIPTS else "hans"
    try:
        fragment, sources, label = summary.html_fragment(org, year, script)
        error = ""
    except summary.TemplateError as exc:
        fragment, sources, label, error = "", [], "", str(exc)
    return render(
        request,
        "reports/summary.html",
        {
            "org": org,
            "year": year,
            "script": script,
            "years": range(default_year(), default_year() - PERIOD_CHOICES_YEARS, -1),
            "fragment": fragment,
            "sources": sources,
            "missing": [s for s in sources if s.missing],
            "template_label": label,
            "error": error,
            "form": SummaryForm(initial={"year": year, "script": script, "format": "docx"}),
            "template_form": TemplateForm(),
            "templates": SummaryTemplate.objects.filter(org=org).select_related("created_by"),
            "jobs": SummaryJob.objects.for_user(request.user).filter(org=org)[:5],
            "formats": summary.FORMATS,
        },
    )


@require_safe
def summary_download(request: HttpRequest) -> HttpResponse:
    """The summary built now (small orgs and html/md are quick; the page offers a
    background job for the rest)."""
    if user_org(request.user) is None:
        raise Http404
    org = org_from(request.user, request.GET.get("org"))
    form = SummaryForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    try:
        result = summary.build(
            org,
            form.cleaned_data["year"],
            form.cleaned_data["format"],
            form.cleaned_data["script"],
        )
    except summary.TemplateError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return _download(result.content, result.filename, result.content_type)


@require_http_methods(["POST"])
@permission_required("fulian.view", raise_exception=True)
def summary_job_start(request: HttpRequest) -> HttpResponse:
    org = org_from(request.user, request.POST.get("org"))
    form = SummaryForm(request.POST)
    if form.is_valid():
        try:
            job = services.start_summary(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("reports:job", pk=job.pk)
    return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")


@require_safe
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """A job's progress; htmx polls the ``#progress`` partial until it is done."""
    job = get_for_user_or_404(SummaryJob.objects, request.user, pk=pk)
    template = (
        "reports/job.html#progress" if request.headers.get("HX-Request") else "reports/job.html"
    )
    return render(request, template, {"job": job})


@require_safe
def job_file(request: HttpRequest, pk: str) -> HttpResponseBase:
    job = get_for_user_or_404(SummaryJob.objects, request.user, pk=pk)
    if not job.file:
        raise Http404
    from fulian.core.uploads import serve

    return serve(job.file, content_type=summary.CONTENT_TYPES[job.format], name=job.filename)


@require_safe
def template_builtin(request: HttpRequest) -> HttpResponse:
    """The built-in .docx template, to edit and upload as a new version."""
    return _download(
        summary.builtin_template(),
        _("年度工作总结模板.docx"),
        summary.CONTENT_TYPES["docx"],
    )


@require_safe
def template_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    version = get_for_user_or_404(SummaryTemplate.objects, request.user, pk=pk)
    from fulian.core.uploads import serve

    return serve(
        version.file,
        content_type=summary.CONTENT_TYPES["docx"],
        name=_("年度工作总结模板v%(n)s.docx") % {"n": version.version},
    )


@require_http_methods(["POST"])
@permission_required("fulian.configure", raise_exception=True)
def template_upload(request: HttpRequest) -> HttpResponse:
    org = org_from(request.user, request.POST.get("org"))
    form = TemplateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_template(
                actor=request.user,
                org=org,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(reverse("reports:summary") + f"?org={org.pk}")
    return render(request, "reports/template_error.html", {"form": form, "org": org}, status=400)


@require_http_methods(["POST"])
@permission_required("fulian.configure", raise_exception=True)
def template_activate(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_for_user_or_404(SummaryTemplate.objects, request.user, pk=pk)
    services.activate_template(actor=request.user, template=version)
    return redirect(reverse("reports:summary") + f"?org={version.org_id}")


@require_safe
def checkins(request: HttpRequest) -> HttpResponse:
    """Sessions with check-ins waiting for the organiser's confirmation (a to-do)."""
    from fulian.events.models import AttendanceStatus, Session

    sessions = (
        Session.objects.for_user(request.user)
        .annotate(
            waiting=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PENDING))
        )
        .filter(waiting__gt=0)
        .select_related("activity", "activity__org")
        .order_by("-start", "pk")
    )
    page = Paginator(sessions, 50).get_page(request.GET.get("page"))
    return render(request, "reports/checkins.html", {"page": page})
