from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_safe

from fulian.accounts.models import User
from fulian.core.indicators import evaluate
from fulian.core.models import AccessLog
from fulian.core.params import parse_date, parse_id, parse_year, query_id
from fulian.core.registry import PILLARS
from fulian.core.scope import subtree_bounds, user_org
from fulian.orgs.models import Org, OrgKind


def _year(value: str | None) -> int:
    return parse_year(value, lo=2000) or int(settings.FULIAN_DEFAULT_YEAR)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The user's workspace: their org, what its subtree holds, and the year's indicators."""
    org = user_org(request.user)
    year = _year(request.GET.get("year"))
    if org is None:
        return render(request, "core/home.html", {"org": None})
    counts = dict(
        Org.objects.in_subtree(org).values_list("kind").annotate(n=Count("pk")).order_by()
    )
    by_kind = [(str(kind.label), counts[kind.value]) for kind in OrgKind if counts.get(kind.value)]
    pillars = []
    values = evaluate(org, year)
    for key, label in PILLARS.items():
        rows = [(i, v) for i, v in values if i.pillar == key]
        if rows:
            pillars.append((label, rows))
    return render(
        request,
        "core/home.html",
        {
            "org": org,
            "year": year,
            "years": range(int(settings.FULIAN_DEFAULT_YEAR) + 1, 2019, -1),
            "by_kind": by_kind,
            "chart": {"labels": [k for k, _ in by_kind], "values": [n for _, n in by_kind]},
            "pillars": pillars,
        },
    )


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON under /api/ (also for URLs no route matches), the usual page elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("未找到。")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON under /api/, the standalone Chinese page (``500.html``) elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("服务器出错了，已记录。请稍后再试。")}, status=500)
    return defaults.server_error(request)


@require_safe
@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _date(value: str | None) -> datetime.date | None:
    return parse_date(value)


@require_safe
@permission_required("fulian.view_audit", raise_exception=True)
def audit(request: HttpRequest) -> HttpResponse:
    """The audit trail of the user's subtree, filterable by user, org and date. Read-only."""
    root = user_org(request.user)
    assert root is not None  # the permission needs an org
    in_subtree = Q(additional_data__org_path__startswith=root.path)
    if root.is_root():
        # Records that belong to no org (kinds, campaigns, tags…) are the top's configuration.
        in_subtree |= Q(additional_data__org_path__isnull=True)
    entries = LogEntry.objects.select_related("actor", "content_type").filter(in_subtree)
    actors = User.objects.for_user(request.user).order_by("username")
    actor_id = request.GET.get("actor", "")
    if (actor := parse_id(actor_id)) is not None:
        entries = entries.filter(actor_id=actor)
    org_id = query_id(request, "org")
    org = Org.objects.for_user(request.user).filter(pk=org_id).first() if org_id else None
    if org is not None:
        entries = entries.filter(additional_data__org_path__startswith=org.path)
    since, until = _date(request.GET.get("since")), _date(request.GET.get("until"))
    if since:
        entries = entries.filter(timestamp__date__gte=since)
    if until:
        entries = entries.filter(timestamp__date__lte=until)
    page = Paginator(entries.order_by("-timestamp", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit.html",
        {
            "page": page,
            "actors": actors,
            "filters": {
                "actor": actor_id,
                "org": org,
                "since": since or "",
                "until": until or "",
            },
        },
    )


@require_safe
@permission_required("fulian.view_audit", raise_exception=True)
def access_log(request: HttpRequest) -> HttpResponse:
    """Who revealed which sensitive value, in the user's subtree. Read-only."""
    root = user_org(request.user)
    assert root is not None  # the permission needs an org
    entries = AccessLog.objects.select_related("user").filter(
        org_path__range=subtree_bounds(root.path)
    )
    actors = User.objects.for_user(request.user).order_by("username")
    actor_id = request.GET.get("actor", "")
    if (actor := parse_id(actor_id)) is not None:
        entries = entries.filter(user_id=actor)
    since, until = _date(request.GET.get("since")), _date(request.GET.get("until"))
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/access_log.html",
        {
            "page": page,
            "actors": actors,
            "filters": {"actor": actor_id, "since": since or "", "until": until or ""},
        },
    )
