"""Benchmark: importing a 2,000-row roster (the issue asks for under 10 s on this machine).

Builds the real 秦州区 tree in its own database, writes a 2,000-row roster .xlsx across its
villages, then times ``import_people`` (read, check every row, encrypt, blind-index, bulk
insert) on a fresh table and again on the same file (nothing new: every row matched by the
blind index). The raw floor is a bare executemany of the same number of rows of the same
width into the table, so the ratio shows the cost of checking and encrypting.

    python bench/people_import.py                     # SQLite file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fulian_bench python bench/people_import.py

A benchmark, not a test: nothing asserts on the timings.
"""

from __future__ import annotations

import datetime
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/fulian-bench-people.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulian.settings")
os.environ.setdefault("FULIAN_ENV", "test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from fulian.orgs.models import Org  # noqa: E402
from fulian.people.models import Person, Position  # noqa: E402
from fulian.people.roster import COLUMNS, import_roster  # noqa: E402
from fulian.people.validators import make_id_number  # noqa: E402

ROWS = 2000


def roster(villages: list[str]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(COLUMNS)
    for n in range(ROWS):
        birth = datetime.date(1960 + n % 40, 1 + n % 12, 1 + n // 480 % 28)
        ws.append(
            [
                f"测试{n}",
                "女",
                "汉族",
                make_id_number("620502", birth, 2 * (n % 480)),
                f"139{n:08d}",
                "大学本科",
                "中共党员",
                "农民",
                villages[n % len(villages)],
                "执委",
                "2021-06-01",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    with transaction.atomic():
        Position.objects.all().delete()
        Person.objects.all().delete()
    villages = list(
        Org.objects.filter(kind__in=["village", "community"]).values_list("code", flat=True)
    )
    data = roster(villages)
    print(f"{connection.vendor}: {ROWS} rows, {len(data) / 1024:.0f} KiB")

    started = time.perf_counter()
    plan, result = import_roster(data, filename="bench.xlsx")
    first = time.perf_counter() - started
    assert result is not None, plan.errors[:3]
    print(f"first import:  {first:6.2f} s  ({result.created} people, {result.positions} positions)")

    started = time.perf_counter()
    plan, result = import_roster(data, filename="bench.xlsx")
    again = time.perf_counter() - started
    assert result is not None and result.created == 0
    print(f"re-import:     {again:6.2f} s  ({result.created} people, {result.updated} updated)")

    # The floor: the same number of rows of the same width, inserted raw in one transaction.
    person = Person.objects.first()
    assert person is not None
    columns = [
        "org_id",
        "name",
        "gender",
        "ethnicity",
        "birth_date",
        "id_number_cipher",
        "id_number_index",
        "phone_cipher",
        "phone_index",
        "education",
        "political_status",
        "sector",
        "search_text",
        "created_at",
        "updated_at",
    ]
    values = [getattr(person, c) for c in columns]
    rows = [[*values[:6], f"{n:064d}", *values[7:]] for n in range(ROWS)]
    with transaction.atomic():
        Position.objects.all().delete()
        Person.objects.all().delete()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO people_person ({', '.join(columns)}) VALUES ({marks})", rows
            )
        floor = time.perf_counter() - started
        transaction.set_rollback(True)
    print(f"raw insert:    {floor:6.2f} s  (floor: {ROWS} rows, no checks, no crypto)")
    print(
        f"ratio first import / raw insert: {first / floor:.0f}x; "
        f"budget 10 s: {'met' if first < 10 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
