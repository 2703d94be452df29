"""One "today" and one notion of a period for the whole of Fulian.

* :func:`today` is the date in the federation's time zone (``TIME_ZONE``, Asia/Shanghai),
  never the server clock's date: from 00:00 to 08:00 Beijing time a UTC server is still on
  yesterday.
* A :class:`Period` is a year, a half-year, a quarter, a month or a date range, with both
  ends inclusive. ``Period.parse("2023")``, ``"2023H1"``, ``"2023Q3"``, ``"2023-07"``;
  ``Period.between(start, end)`` for a range. Filter a date field with
  ``field__range=period.range`` and a datetime field with ``field__gte=period.starts_at,
  field__lt=period.ends_at`` (aware datetimes in the federation's time zone).
* :func:`default_year` is the year pages open on: ``FULIAN_DEFAULT_YEAR`` when set (the demo
  sets 2023), else the current year.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MIN_YEAR, MAX_YEAR = 1949, 2100


def today() -> datetime.date:
    """Today in the federation's time zone."""
    return timezone.localdate()


def now() -> datetime.datetime:
    return timezone.now()


def default_year() -> int:
    return int(getattr(settings, "FULIAN_DEFAULT_YEAR", None) or today().year)


_PATTERN = re.compile(r"^(\d{4})(?:(Q)([1-4])|(H)([12])|-(\d{1,2}))?$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    kind: str = "range"  # year, half, quarter, month, range

    # --- making one --------------------------------------------------------------------

    @classmethod
    def year(cls, year: int) -> Period:
        _check_year(year)
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year")

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        _check_year(year)
        first = 3 * (q - 1) + 1
        return cls(datetime.date(year, first, 1), _month_end(year, first + 2), "quarter")

    @classmethod
    def half(cls, year: int, h: int) -> Period:
        _check_year(year)
        first = 6 * (h - 1) + 1
        return cls(datetime.date(year, first, 1), _month_end(year, first + 5), "half")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        _check_year(year)
        if not 1 <= month <= 12:
            raise ValidationError(_("月份须在 1 到 12 之间。"))
        return cls(datetime.date(year, month, 1), _month_end(year, month), "month")

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date) -> Period:
        _check_year(start.year)
        _check_year(end.year)
        if end < start:
            raise ValidationError(_("结束日期不能早于开始日期。"))
        return cls(start, end, "range")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2023``, ``2023H1``, ``2023Q3`` or ``2023-07``; a clear error for anything else."""
        match = _PATTERN.match((text or "").strip())
        if not match:
            raise ValidationError(
                _("期间格式无效：请写 2023、2023H1、2023Q3 或 2023-07。"), code="period"
            )
        year = int(match.group(1))
        if match.group(2):
            return cls.quarter(year, int(match.group(3)))
        if match.group(4):
            return cls.half(year, int(match.group(5)))
        if match.group(6):
            return cls.month(year, int(match.group(6)))
        return cls.year(year)

    # --- using one ---------------------------------------------------------------------

    @property
    def range(self) -> tuple[datetime.date, datetime.date]:
        return (self.start, self.end)

    @property
    def starts_at(self) -> datetime.datetime:
        return _aware(self.start)

    @property
    def ends_at(self) -> datetime.datetime:
        """The first moment after the period (exclusive bound for datetime fields)."""
        return _aware(self.end + datetime.timedelta(days=1))

    @property
    def code(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "quarter":
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{self.start.year}H{(self.start.month - 1) // 6 + 1}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        y = self.start.year
        if self.kind == "year":
            return _("%(y)s年") % {"y": y}
        if self.kind == "quarter":
            return _("%(y)s年第%(q)s季度") % {"y": y, "q": (self.start.month - 1) // 3 + 1}
        if self.kind == "half":
            half = _("上半年") if self.start.month == 1 else _("下半年")
            return _("%(y)s年%(h)s") % {"y": y, "h": half}
        if self.kind == "month":
            return _("%(y)s年%(m)s月") % {"y": y, "m": self.start.month}
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def __contains__(self, day: object) -> bool:
        if isinstance(day, datetime.datetime):
            day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
        return isinstance(day, datetime.date) and self.start <= day <= self.end

    def shifted_years(self, years: int) -> Period:
        """The same period ``years`` later (earlier when negative): last year's for
        comparison."""
        return Period(_shift_year(self.start, years), _shift_year(self.end, years), self.kind)

    def previous(self) -> Period:
        """The period just before, of the same kind and length."""
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        if self.kind in ("half", "quarter", "month"):
            months = {"half": 6, "quarter": 3, "month": 1}[self.kind]
            m = self.start.month - months
            y = self.start.year + (m - 1) // 12
            m = (m - 1) % 12 + 1
            return Period(datetime.date(y, m, 1), _month_end(y, m + months - 1), self.kind)
        length = self.end - self.start
        end = self.start - datetime.timedelta(days=1)
        return Period(end - length, end, "range")

    def __str__(self) -> str:
        return self.code


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            _("年份须在 %(a)s 到 %(b)s 之间。") % {"a": MIN_YEAR, "b": MAX_YEAR}, code="year"
        )


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _shift_year(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- the current period of a request ---------------------------------------------------------

SESSION_KEY = "fulian_period"


def current_period(request: Any) -> Period:
    """The period the user is looking at, the same on every page: the one they chose in the
    header (kept in the session), else the year of :func:`default_year`. A page's own
    ``?year=`` or ``?period=`` wins for that page only (links that name a year keep working).
    """
    for name in ("period", "year"):
        text = getattr(request, "GET", {}).get(name, "")
        if text:
            try:
                return Period.parse(text)
            except ValidationError:
                pass
    cached = getattr(request, "_fulian_period", None)
    if cached is not None:
        return cached
    period = None
    session = getattr(request, "session", None)
    text = session.get(SESSION_KEY, "") if session is not None else ""
    if text:
        try:
            period = Period.parse(text)
        except ValidationError:
            period = None
    if period is None:
        period = Period.year(default_year())
    request._fulian_period = period
    return period


def set_current_period(request: Any, text: str) -> Period:
    """Remember the user's choice (``2023``, ``2023H1``, ``2023Q3``, ``2023-07``)."""
    period = Period.parse(text)
    request.session[SESSION_KEY] = period.code
    request._fulian_period = period
    return period


def reference_day(period: Period) -> datetime.date:
    """The day to judge "ended", "current" or "overdue" by when looking at ``period``: its
    last day, or today while the period is still running."""
    return min(period.end, today())


def choices(around: int | None = None) -> list[Period]:
    """The periods the header offers: each year from 2019 to next year, newest first, with
    the halves and quarters of the year around ``around``."""
    top = max(default_year(), today().year) + 1
    years = [Period.year(y) for y in range(top, 2018, -1)]
    if around is None:
        return years
    out: list[Period] = []
    for p in years:
        out.append(p)
        if p.start.year == around:
            out += [Period.half(around, 1), Period.half(around, 2)]
            out += [Period.quarter(around, q) for q in range(1, 5)]
    return out
