"""Numbers, ids, years and dates from request parameters, read one way.

A value that cannot be used is ``None``: a page then shows its default, as for a missing
parameter (an old bookmark never breaks a page), and the API answers 400 with a message
(``api.filters``). Never a server error: ``str.isdigit()`` is true for "²" and "１２",
which ``int()`` refuses or reads, and a number that fits no database column (``?year=0``,
``?actor=99999999999999999999``) overflows the driver.
"""

from __future__ import annotations

import datetime
from typing import Any

# What any record of ours can hold.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
MAX_ID = 2**63 - 1  # a 64-bit primary key on SQLite and PostgreSQL


def parse_int(text: Any, *, lo: int, hi: int) -> int | None:
    """``text`` as an integer of ASCII digits (an optional minus) within [lo, hi]."""
    if not isinstance(text, str | int) or isinstance(text, bool):
        return None
    text = str(text).strip()
    digits = text[1:] if text.startswith("-") else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        return None
    value = int(text)
    return value if lo <= value <= hi else None


def parse_id(text: Any) -> int | None:
    """A primary key: a positive integer that fits the column."""
    return parse_int(text, lo=1, hi=MAX_ID)


def parse_year(text: Any, *, lo: int = EARLIEST_YEAR, hi: int = LATEST_YEAR) -> int | None:
    return parse_int(text, lo=lo, hi=hi)


def parse_date(text: Any) -> datetime.date | None:
    """An ISO date (2023-05-10) within the years records can hold."""
    if not isinstance(text, str) or not text.isascii():
        return None
    try:
        value = datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if EARLIEST_YEAR <= value.year <= LATEST_YEAR else None


def query_int(request: Any, name: str, *, lo: int, hi: int) -> int | None:
    return parse_int(request.GET.get(name, ""), lo=lo, hi=hi)


def query_id(request: Any, name: str) -> int | None:
    return parse_id(request.GET.get(name, ""))


def query_year(request: Any, name: str = "year", **bounds: int) -> int | None:
    return parse_year(request.GET.get(name, ""), **bounds)


def query_date(request: Any, name: str) -> datetime.date | None:
    return parse_date(request.GET.get(name, ""))
