"""Fulian as an installable web app that opens without a signal.

* ``/manifest.webmanifest``: name, icons, colours, start at the home page, standalone.
* ``/sw.js``: the service worker (from ``core/sw.js``, a template so that it names the
  hashed static files): it keeps the shell (styles, scripts, icons, the offline page) and
  the pages apps register with ``core.registry.offline_page`` (the home page, the phone
  forms), fetching them from the network first and from its cache without a signal.
  Signing out (or the sign-in page) empties the page cache: a shared phone shows nobody
  else's pages.
* ``static/fulian/outbox.js``: submissions made without a signal wait in the browser's
  outbox, each with its idempotency key, shown with their state on every page, and are
  sent once when the connection returns (the server keeps one record per key).
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fulian.core.registry import registry

THEME = "#b3243a"
SHELL = [
    "vendor/bootstrap@5.3.9/dist/css/bootstrap.min.css",
    "vendor/bootstrap@5.3.9/dist/js/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons@1.13.2/font/bootstrap-icons.min.css",
    "vendor/bootstrap-icons@1.13.2/font/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap-icons@1.13.2/font/fonts/bootstrap-icons.woff",
    "django_htmx/htmx-2.min.js",
    "fulian/app.css",
    "fulian/outbox.js",
    "fulian/icons/icon-192.png",
    "events/events.css",
    "events/record.js",
]


@require_safe
@login_not_required
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": _("妇联基层工作平台"),
        "short_name": _("妇联平台"),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": [
            {"src": static("fulian/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("fulian/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("fulian/icons/icon-512-maskable.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )


def offline_urls() -> list[str]:
    return sorted(reverse(name) for name, _label in registry.offline_pages)


@require_safe
@login_not_required
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = [static(path) for path in SHELL] + [reverse("offline")]
    pages = offline_urls()
    # A new version whenever a static file's (hashed) name or the page list changes.
    version = hashlib.sha256(json.dumps([shell, pages]).encode()).hexdigest()[:12]
    response = render(
        request,
        "core/sw.js",
        {
            "version": version,
            "shell": json.dumps(shell),
            "pages": json.dumps(pages),
            "static_prefix": static(""),
        },
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
@login_not_required
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page it does not keep, without a signal."""
    pages = [(reverse(name), label) for name, label in registry.offline_pages]
    return render(request, "core/offline.html", {"pages": pages})
