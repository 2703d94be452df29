"""What an operator watches: a request id on every request and log line, structured (JSON)
logs, one log line per request, and slow queries counted and logged.

* ``RequestIdMiddleware`` (first in MIDDLEWARE) takes ``X-Request-ID`` from the request when
  it is a safe token (the reverse proxy's ``$request_id``), or makes one, and returns it in the
  response's ``X-Request-ID``. Every log record of the request carries it (``request_id``).
* One ``fulian.request`` line per request: method, path **without the query string** (query
  strings can carry personal data), status, duration, database queries and time, user id.
* A query slower than ``FULIAN_SLOW_QUERY_MS`` is logged (``fulian.db``, the SQL without its
  parameters) and counted in ``fulian_db_slow_queries_total``.
* ``JsonFormatter`` writes each record as one JSON object (``FULIAN_LOG_FORMAT=json``).

Request counts by status, errors and the latency histogram come from django-prometheus'
middleware; they and the slow-query counter are served at ``/metrics`` (``core.health``).
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty
from prometheus_client import Counter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

REQUEST_ID_HEADER = "X-Request-ID"
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
# Fields a record may carry (``logger.info(..., extra={...})``) that the JSON line keeps.
EXTRA_FIELDS = (
    "method", "path", "status", "duration_ms", "db_queries", "db_ms", "user_id", "client",
    "sql", "sql_ms",
)  # fmt: skip

SLOW_QUERIES = Counter(
    "fulian_db_slow_queries",
    "Database queries slower than FULIAN_SLOW_QUERY_MS",
    ["vendor"],
)

request_log = logging.getLogger("fulian.request")
db_log = logging.getLogger("fulian.db")


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        for field in EXTRA_FIELDS:
            if hasattr(record, field):
                data[field] = getattr(record, field)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class _QueryTimer:
    """``connection.execute_wrapper`` that counts queries, sums their time and reports the
    slow ones."""

    def __init__(self, slow_ms: float) -> None:
        self.slow_ms = slow_ms
        self.count = 0
        self.total_ms = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.count += 1
            self.total_ms += elapsed
            if elapsed >= self.slow_ms:
                SLOW_QUERIES.labels(vendor=connection.vendor).inc()
                # The statement without its parameters: they may be personal data.
                db_log.warning(
                    "slow query",
                    extra={
                        "sql": sql[:2000],
                        "sql_ms": round(elapsed, 1),
                        "request_id": request_id_var.get(),
                    },
                )


def _user_id(request: HttpRequest) -> Any:
    """The user's id if the request already loaded the user (never a query of its own)."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    return None if wrapped is empty else getattr(wrapped, "pk", None)


class RequestIdMiddleware:
    """Request id in and out, and one log line per request (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request_id_var.set(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        timer = _QueryTimer(settings.FULIAN_SLOW_QUERY_MS)
        started = time.perf_counter()
        status = 500
        try:
            with connection.execute_wrapper(timer):
                response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            request_log.info(
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "db_queries": timer.count,
                    "db_ms": round(timer.total_ms, 1),
                    "user_id": _user_id(request),
                    "client": request.META.get("REMOTE_ADDR", ""),
                },
            )
            # The id stays set for what Django logs after the middleware (4xx/5xx lines);
            # the next request in this thread or task sets its own.
