"""Probes and metrics for the operator: no login, no rate limit, no session.

* ``/healthz``: the process answers (liveness). Nothing else is checked.
* ``/readyz``: the database answers, the cache stores and returns a value, and every
  migration is applied (readiness); 503 with the reasons otherwise.
* ``/metrics``: Prometheus text format (django-prometheus' request, latency, error and
  database figures and ``fulian_db_slow_queries_total``). Only for the addresses in
  ``FULIAN_METRICS_ALLOWED_IPS`` when the request did not come through the reverse proxy,
  or for ``Authorization: Bearer <FULIAN_METRICS_TOKEN>``; 403 otherwise.
"""

from __future__ import annotations

import hmac
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# Once every migration is applied in this process, it stays so: not checked again.
_migrations_ok = False

PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    key, value = "readyz:probe", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        return "the cache did not return the value it was given"
    return "ok"


def _check_migrations() -> str:
    global _migrations_ok
    if _migrations_ok:
        return "ok"
    from fulian.core.backup import pending_migrations

    pending = pending_migrations()
    if pending:
        shown = ", ".join(pending[:5]) + (" …" if len(pending) > 5 else "")
        return f"{len(pending)} migrations not applied ({shown}): run manage.py migrate"
    _migrations_ok = True
    return "ok"


@login_not_required
@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    checks: dict[str, str] = {}
    for name, check in (
        ("database", _check_database),
        ("cache", _check_cache),
        ("migrations", _check_migrations),
    ):
        try:
            checks[name] = check()
        except Exception as exc:
            checks[name] = f"{type(exc).__name__}: {exc}"
        if name == "database" and checks[name] != "ok":
            checks["migrations"] = "not checked: no database"
            break
    ready = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.FULIAN_METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    if any(header in request.META for header in PROXY_HEADERS):
        # Through the reverse proxy REMOTE_ADDR is the proxy's own: only the token counts.
        return False
    return request.META.get("REMOTE_ADDR", "") in settings.FULIAN_METRICS_ALLOWED_IPS


@login_not_required
@never_cache
@require_safe
def metrics(request: HttpRequest) -> Any:
    if not metrics_allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)
