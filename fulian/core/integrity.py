"""Check-then-write races, answered like the check.

A service checks that a value is free (an ID number, a credit code), then writes. Two
requests can both pass the check; the unique index refuses the second write with an
IntegrityError, which would be a 500. :func:`unique_or` turns it into the same
ValidationError the check gives when it sees the duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction


@contextmanager
def unique_or(error: Callable[[], Exception]) -> Iterator[None]:
    """Run the write in a savepoint; if a unique index refuses it, raise ``error()`` (called
    after the rollback, so it may look up the row that won)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise error() from exc
