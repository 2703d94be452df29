"""Cases opened at the same moment (PostgreSQL: real concurrent transactions)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from fulian.cases import services
from fulian.cases.models import Case


@pytest.mark.django_db(transaction=True)
def test_parallel_openings_get_distinct_numbers_and_one_case_per_request(
    cast, workroom, make_request
):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL; SQLite serialises the writers")
    req = make_request()
    barrier = threading.Barrier(4)
    opened, refused, other = [], [], []

    def open_one(n):
        try:
            barrier.wait()
            case = services.open_case(
                actor=cast.town_a_admin,
                venue=workroom,
                dispute_type="marriage",
                risk="normal",
                summary=f"同时受理的案件 {n}",
                opened_on=datetime.date(2023, 5, 4),
                request=req if n < 2 else None,  # two try to take the same request
            )
            opened.append(case.number)
        except ValidationError as error:
            refused.append(error.messages[0])
        except Exception as error:  # pragma: no cover - shown by the assertion below
            other.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert other == []
    assert sorted(opened) == ["HT20230001", "HT20230002", "HT20230003"]
    assert refused == ["该诉求已转为案件。"]
    assert Case.objects.filter(request=req).count() == 1
