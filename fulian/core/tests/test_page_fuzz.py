"""Every page's query parameters, fuzzed (issue 13.7): bad input is a 4xx or a page that
ignores it, never a server error.

On the demo data the district admin crawls the site from the home page, following links
as a person would, and keeps one real URL per route (so details get past their 404).
Which query parameters a page reads is not listed by hand: a recording ``request.GET``
notes every key a view or its form asks for, and links add the keys they carry. Each
parameter then gets each of a fixed set of hostile values, all at once (as a full page
and as an htmx fragment) and alone; every id in a path gets one no row can have. Every
view whose code reads the query must be reached, or be named below with its reason, so
a new page is fuzzed as soon as something links to it.
"""

from __future__ import annotations

import html
import inspect
import io
import re
import traceback
from collections import deque
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from fulian.accounts.models import User

pytestmark = pytest.mark.django_db

# Values that broke, or could break, a page that trusts a parameter: out-of-range numbers
# and dates, non-numbers, overlong text, control characters, markup.
HOSTILE = [
    "0",
    "-1",
    "1e20",
    "99999999999999999999",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "2023-02-30",
    "2023-13",
    "x" * 3000,
    "\x00",
    "'\"<>%;--",
    "１２",
    "²",
]
HUGE = 99999999999999999999
# The few that broke pages before, for the costlier passes (each parameter alone, htmx,
# downloads).
SHARPEST = ["0", "99999999999999999999", "0001-01-01", "²"]

# Views that read the query but that the crawl cannot reach on the demo, and why.
UNREACHED = {
    "events/photos/<int:pk>/": "the demo has no photos (it compares ?size to one word)",
    "duty/photos/<int:pk>/": "the demo has no visit photos (it compares ?size to one word)",
}

READ: set[str] = set()
# A template's ``{{ query.urlencode }}`` tries ``query["urlencode"]`` first: not a parameter.
NOT_KEYS = set(dir(QueryDict))


class RecordingQueryDict(QueryDict):
    """``request.GET`` that notes every key asked for."""

    def __getitem__(self, key: str) -> Any:
        READ.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        READ.add(key)
        return super().get(key, default)

    def getlist(self, key: str, default: Any = None) -> Any:
        READ.add(key)
        return super().getlist(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            READ.add(key)
        return super().__contains__(key)


class RecordQueryKeys:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        request.GET = RecordingQueryDict(request.META.get("QUERY_STRING", ""))
        return self.get_response(request)


def _views(patterns: Any = None, prefix: str = "") -> dict[str, Any]:
    """Every page route (not the API's) and its view function."""
    views = {}
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            views |= _views(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and not (prefix + str(p.pattern)).startswith("api/"):
            views[prefix + str(p.pattern)] = p.callback
    return views


def _reads_the_query(view: Any) -> bool:
    """Whether a view's own code touches ``request.GET`` (or a form bound to it)."""
    function = inspect.unwrap(getattr(view, "view_class", view))
    return bool(re.search(r"\.GET\b", inspect.getsource(function)))


def _route(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


LINK = re.compile(r'(?:href|src|action|hx-get|hx-post)="(?:http://testserver)?(/[^"#]*)"')


def _get(client: Any, url: str, failures: list[str], **headers: Any) -> Any:
    """One request in a savepoint, so a failing one cannot spoil the next (PostgreSQL)."""
    try:
        with transaction.atomic():
            response = client.get(url, **headers)
    except Exception as exc:  # the test client re-raises a view's error: that is a 500
        last = traceback.extract_tb(exc.__traceback__)[-1]
        failures.append(f"{url[:160]}: {type(exc).__name__}: {exc} ({last.filename}:{last.lineno})")
        return None
    if response.status_code >= 500:
        failures.append(f"{url[:160]}: {response.status_code}")
    return response


def _crawl(
    client: Any, failures: list[str], seeds: list[str]
) -> tuple[dict[str, str], dict[str, set[str]], set[str]]:
    """One sample path per route (the first found), the query keys each route reads or
    is linked with, and the routes that answer a file."""
    samples: dict[str, str] = {}
    keys: dict[str, set[str]] = {}
    files: set[str] = set()
    queue = deque(["/", *seeds])
    while queue:
        url = queue.popleft()
        parts = urlsplit(url)
        route = _route(parts.path)
        if route is None or route.startswith("api/"):
            continue
        keys.setdefault(route, set()).update(k for k, _v in parse_qsl(parts.query))
        if route in samples:
            continue
        samples[route] = parts.path
        READ.clear()
        response = _get(client, parts.path, failures)
        keys[route] |= READ - NOT_KEYS
        if response is None or "html" not in response.get("Content-Type", ""):
            files.add(route)
            continue
        for link in LINK.findall(response.content.decode()):
            queue.append(html.unescape(link))
    return samples, keys, files


def _seeds() -> list[str]:
    """Pages no link of the district admin's leads to: the public directory and the
    pages behind a QR code."""
    from fulian.events.models import Session, TrainingClass
    from fulian.events.services import checkin_token, registration_token

    session = Session.objects.order_by("pk").first()
    training = TrainingClass.objects.order_by("pk").first()
    assert session is not None and training is not None
    return [
        "/venues/find/",
        f"/events/c/{checkin_token(session)}/",
        f"/events/register/{registration_token(training)}/",
    ]


def test_no_page_answers_a_server_error_to_any_query_parameter(client, settings):
    settings.MIDDLEWARE = [f"{__name__}.RecordQueryKeys", *settings.MIDDLEWARE]
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username="qinzhou-admin"))
    failures: list[str] = []

    samples, keys, files = _crawl(client, failures, _seeds())
    readers = {route for route, view in _views().items() if _reads_the_query(view)}
    assert set(UNREACHED) <= readers
    assert readers - set(samples) == set(UNREACHED)

    for route, path in sorted(samples.items()):
        names = sorted(keys[route])
        for value in (SHARPEST if route in files else HOSTILE) if names else []:
            _get(client, f"{path}?{QueryDict.fromkeys(names, value).urlencode()}", failures)
        for value in SHARPEST if names and route not in files else []:
            every = QueryDict.fromkeys(names, value).urlencode()
            _get(client, f"{path}?{every}", failures, HTTP_HX_REQUEST="true")
            # Alone, so that no other bad value makes a form invalid before this one is used.
            for name in names if len(names) > 1 else []:
                _get(client, f"{path}?{QueryDict.fromkeys([name], value).urlencode()}", failures)
        # An id no row can have is the 404 of a missing one (or 405 for a POST-only view).
        match = resolve(path)
        if any(isinstance(v, int) for v in match.kwargs.values()):
            kwargs = {k: (HUGE if isinstance(v, int) else v) for k, v in match.kwargs.items()}
            huge = reverse(match.view_name, kwargs=kwargs)
            response = _get(client, huge, failures)
            if response is not None and response.status_code not in (404, 405):
                failures.append(f"{huge}: {response.status_code}, not 404")
    assert failures == [], "\n".join(failures)
