"""The one filter backend of the API: django-filter, plus two guarantees for every
filter of every endpoint.

* **Scoped choices.** A filter that names a record (``?person=``, ``?congress=``…) offers
  only records in the caller's scope, so an id outside it gets the same 400 as an id that
  does not exist: a filter is no oracle for what exists elsewhere.
* **Bounded values.** A number, date or year outside what any record can hold answers 400
  with a message instead of overflowing the database driver (``?activity=1e20``,
  ``?date_from=0001-01-01``, ``?founded_year=0``).
"""

from __future__ import annotations

import datetime
import decimal
import math
from typing import Any

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.filters import QuerySetRequestMixin
from rest_framework.exceptions import ValidationError

from fulian.core.params import EARLIEST_YEAR, LATEST_YEAR

MAX_INTEGER = 2**31 - 1


def scoped_choices(queryset: Any, user: Any) -> Any:
    """The records of ``queryset`` in ``user``'s scope, if its model is scoped at all."""
    if queryset is None:
        return None
    if hasattr(queryset, "for_user"):
        return queryset.for_user(user)
    manager = queryset.model._default_manager
    if hasattr(manager, "for_user"):
        return queryset.filter(pk__in=manager.for_user(user).values("pk"))
    return queryset


def value_error(filter_: Any, value: Any) -> str | None:
    """Why a cleaned filter value is out of bounds, or None."""
    values: list[Any] = (
        list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
    )
    lookup = str(getattr(filter_, "lookup_expr", ""))
    if str(getattr(filter_, "field_name", "")).endswith("year"):
        lookup = "year"  # ?year=, ?founded_year=: a calendar year whatever the lookup
    for one in values:
        if isinstance(one, slice):  # a range filter
            values.extend(v for v in (one.start, one.stop) if v is not None)
            continue
        if isinstance(one, bool) or one is None:
            continue
        if isinstance(one, int | float | decimal.Decimal):
            if isinstance(one, float | decimal.Decimal) and not math.isfinite(one):
                return _("数值无效。")
            if lookup.endswith("year") and not EARLIEST_YEAR <= one <= LATEST_YEAR:
                return _("年份须在%(a)d至%(b)d之间。") % {"a": EARLIEST_YEAR, "b": LATEST_YEAR}
            if abs(decimal.Decimal(one)) > MAX_INTEGER:
                return _("数值超出范围。")
        elif isinstance(one, datetime.date) and not EARLIEST_YEAR <= one.year <= LATEST_YEAR:
            return _("日期须在%(a)d年至%(b)d年之间。") % {"a": EARLIEST_YEAR, "b": LATEST_YEAR}
        elif isinstance(one, str) and len(one) > 200:
            return _("参数过长。")
    return None


class ScopedFilterBackend(filters.DjangoFilterBackend):
    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for filter_ in filterset.filters.values():
            if isinstance(filter_, QuerySetRequestMixin):
                original = filter_.queryset

                def choices(req: Any, original: Any = original) -> Any:
                    base = original(req) if callable(original) else original
                    return scoped_choices(base, req.user)

                filter_.queryset = choices
        return filterset

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        errors = {
            name: [message]
            for name, value in filterset.form.cleaned_data.items()
            if (message := value_error(filterset.filters[name], value))
        }
        if errors:
            raise ValidationError(errors)
        return filterset.qs
