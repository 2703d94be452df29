"""The one confirmation step of every destructive action (delete, dissolve, reopen, revoke,
cancel, remove): the action's URL answers GET with a page saying what will be lost and a
POST form that does it, so it works without JavaScript and a stray tap loses nothing.

    @require_http_methods(["GET", "POST"])
    def activity_delete(request, pk):
        activity = ...
        if request.method == "GET":
            return confirm_page(request, title=..., subject=..., lost=[...], button=...,
                                cancel_url=...)
        services.delete_activity(...)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def confirm_page(
    request: HttpRequest,
    *,
    title: Any,
    subject: Any,
    lost: Sequence[Any],
    button: Any,
    cancel_url: str,
    note: Any = "",
    form: Any = None,
    danger: bool = True,
) -> HttpResponse:
    """``lost``: one line per thing that goes (or changes) with the action; ``note``: what
    can still be undone (the recycle bin); ``form``: fields the action needs (a date…)."""
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "subject": subject,
            "lost": [str(line) for line in lost],
            "button": button,
            "cancel_url": cancel_url,
            "note": note,
            "form": form,
            "danger": danger,
        },
    )
