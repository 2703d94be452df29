"""The org and period a report is for, read the same way by pages and the API."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from fulian.core.params import parse_id, parse_year
from fulian.core.periods import Period, default_year
from fulian.core.scope import user_org
from fulian.orgs.models import Org


def org_from(user: Any, ref: str | None) -> Org:
    """An org in the user's scope by NBS code or id; the user's own without ``ref``.
    Out of scope and missing are the same 404."""
    if not ref:
        org = user_org(user)
        if org is None:
            raise Http404
        return org
    if not ref.isascii() or not ref.isalnum():  # codes and ids are ASCII digits
        raise Http404
    scope = Org.objects.for_user(user)
    org = scope.filter(code=ref).first()
    if org is None and (pk := parse_id(ref)) is not None:
        org = scope.filter(pk=pk).first()
    if org is None:
        raise Http404
    return org


def _day(text: str, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError({field: _("日期格式无效，应为 2023-07-01。")}) from exc


def period_from(params: Mapping[str, str], default: Period | None = None) -> Period:
    """``period=2023Q3`` (2023, 2023H1, 2023-07), or ``from=…&to=…``, or ``year=2023``;
    else ``default`` (pages pass the current period of the header), else the year pages
    open on."""
    if params.get("period"):
        try:
            return Period.parse(params["period"])
        except ValidationError as exc:
            raise ValidationError({"period": exc.messages}) from exc
    if params.get("from") or params.get("to"):
        if not (params.get("from") and params.get("to")):
            raise ValidationError({"from": _("请同时给出开始日期和结束日期。")})
        try:
            return Period.between(_day(params["from"], "from"), _day(params["to"], "to"))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise
            raise ValidationError({"from": exc.messages}) from exc
    year = params.get("year")
    if year:
        number = parse_year(year, lo=1949)
        if number is None:
            raise ValidationError({"year": _("年份无效。")})
        try:
            return Period.year(number)
        except ValidationError as exc:
            raise ValidationError({"year": exc.messages}) from exc
    return default or Period.year(default_year())
