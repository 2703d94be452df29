from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST, require_safe

from fulian.accounts.models import User
from fulian.core import periods
from fulian.core.audit import readable_changes
from fulian.core.errors import error_page
from fulian.core.models import AccessLog
from fulian.core.params import parse_date, parse_id, query_id
from fulian.core.registry import badges_for
from fulian.core.scope import subtree_bounds, user_org
from fulian.orgs.models import Org

# --- error pages (handler403/404/500 in urls.py; 429 from core.ratelimit) ---------------------


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 403)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON under /api/ (also for URLs no route matches), the Chinese page elsewhere."""
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 with the menu when the shell can still render; a bare Chinese page when even that
    fails (the database may be what broke)."""
    try:
        return error_page(request, 500)
    except Exception:
        return defaults.server_error(request)


@require_POST
def set_period(request: HttpRequest) -> HttpResponse:
    """The header's period switch: remember the choice for every page, then go back."""
    try:
        period = periods.set_current_period(request, request.POST.get("period", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("当前期间已切换为%(label)s。") % {"label": period.label})
    return redirect(_safe_next(request))


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # A page's own ?year= would hide the new choice: drop it.
        path, _sep, query = target.partition("?")
        kept = [
            kv for kv in query.split("&") if kv and kv.split("=", 1)[0] not in ("year", "period")
        ]
        return path + ("?" + "&".join(kept) if kept else "")
    return reverse("home")


@require_safe
@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def nav_badges(request: HttpRequest) -> HttpResponse:
    """The menu's badge counts (unread notices…), fetched by the page after it has loaded:
    out-of-band fragments for the top-bar shortcut and the menu item of each badge."""
    return render(request, "core/nav_badges.html", {"badges": badges_for(request.user)})


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
    for entry in page:
        entry.readable = readable_changes(entry)
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
