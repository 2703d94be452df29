"""Issue 13.7: two confirms of one roster at once (two tabs, a double click) both pass the
duplicate check before either writes; the unique index refuses the second write. That
was a 500: now the second import reads the file again and updates, as if it came second."""

import threading

import pytest
from django.db import connection

from fulian.people.models import Person
from fulian.people.roster import import_roster

from .conftest import roster_bytes, roster_row

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="the in-memory test database of SQLite locks a table per writer: no race",
    ),
]


def test_parallel_confirms_of_one_roster_import_each_person_once(cast):
    data = roster_bytes([roster_row(n, "620502103005") for n in range(3)])
    barrier = threading.Barrier(4)
    results, errors = [], []

    def confirm() -> None:
        try:
            barrier.wait()
            plan, result = import_roster(data, actor=cast.town_a_admin, filename="roster.xlsx")
            results.append((plan.errors, result))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [plan_errors for plan_errors, _result in results] == [[]] * 4
    assert sum(result.created for _errors, result in results) == 3
    assert Person.objects.count() == 3
