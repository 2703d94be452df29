"""Benchmark: the overdue rectification list and its indicator at scale.

Loads the real 秦州区 tree, then 200 guidance visits by the district with 100 items each
(20,000 items, a third of them overdue) owned by its towns and villages. Times the overdue
count for the district and for one town through the ORM (``RectificationItem.objects
.in_subtree(org).overdue()``, what the indicator runs; and ``for_user(...)``, what the page
runs) against raw SQL on the same data, and prints the ratio.

    python bench/building_overdue.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fulian_bench python bench/building_overdue.py

A benchmark, not a test: nothing asserts on the timings.
"""

from __future__ import annotations

import datetime
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/fulian-bench-building.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulian.settings")
os.environ.setdefault("FULIAN_ENV", "test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from fulian.accounts.models import Role, User  # noqa: E402
from fulian.building.models import Finding, GuidanceVisit, RectificationItem  # noqa: E402
from fulian.core.scope import subtree_bounds  # noqa: E402
from fulian.orgs.models import Org  # noqa: E402
from fulian.orgs.services import load_divisions, read_division_rows  # noqa: E402

VISITS, PER_VISIT = 200, 100
TODAY = datetime.date(2024, 1, 1)
STATES = ["open", "in_progress", "done", "verified", "reopened", "verified"]


def build() -> User:
    call_command("migrate", verbosity=0)
    load_divisions(read_division_rows("qinzhou"))
    district = Org.objects.get(code="620502")
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create_user(
        "bench-admin", "x", org=district, role=Role.DISTRICT_ADMIN
    )
    if RectificationItem.objects.count() >= VISITS * PER_VISIT:
        return admin
    owners = list(Org.objects.filter(depth__gte=2).order_by("path"))
    started = time.perf_counter()
    for v in range(VISITS):
        visit = GuidanceVisit.objects.create(
            org=district,
            date=datetime.date(2023, 1, 1) + datetime.timedelta(days=v % 300),
            subject=f"督导{v}",
            created_by=admin,
        )
        finding = Finding.objects.create(visit=visit, text="问题")
        RectificationItem.objects.bulk_create(
            RectificationItem(
                visit=visit,
                finding=finding,
                org=owners[(v * PER_VISIT + i) % len(owners)],
                what=f"整改{i}",
                status=STATES[(v + i) % len(STATES)],
                deadline=datetime.date(2023, 3, 1) + datetime.timedelta(days=(v + i) % 400),
            )
            for i in range(PER_VISIT)
        )
    print(f"built {VISITS * PER_VISIT} items in {time.perf_counter() - started:.1f}s")
    return admin


def timed(fn: Callable[[], object], repeat: int = 20) -> float:
    fn()
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000


def raw_count(org: Org) -> int:
    low, high = subtree_bounds(org.path)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM building_rectificationitem i JOIN orgs_org o ON o.id = i.org_id "
            "WHERE o.path BETWEEN %s AND %s AND i.status IN ('open', 'in_progress', 'reopened') "
            "AND i.deadline < %s",
            [low, high, TODAY],
        )
        return cursor.fetchone()[0]


def main() -> None:
    admin = build()
    town = Org.objects.get(code="620502103")
    town_user = User.objects.filter(username="bench-town").first() or User.objects.create_user(
        "bench-town", "x", org=town, role=Role.ORG_ADMIN
    )
    print(f"database: {connection.vendor}, items: {RectificationItem.objects.count()}")
    print(f"{'query':<34}{'rows':>7}{'ORM ms':>10}{'raw SQL ms':>12}{'ratio':>8}")
    for label, org in (("overdue count, district", admin.org), ("overdue count, 皂郊镇", town)):
        orm = lambda org=org: RectificationItem.objects.in_subtree(org).overdue(TODAY).count()  # noqa: E731
        a, b = timed(orm), timed(lambda org=org: raw_count(org))
        print(f"{label:<34}{orm():>7}{a:>10.2f}{b:>12.2f}{a / b:>8.1f}")
    for label, user, org in (("overdue page rows, 皂郊镇 user", town_user, town),):

        def page(user=user) -> list:
            return list(
                RectificationItem.objects.for_user(user)
                .overdue(TODAY)
                .select_related("org", "visit__org")
                .order_by("deadline", "pk")[:50]
            )

        a, b = timed(page), timed(lambda org=org: raw_count(org))
        print(f"{label:<34}{len(page()):>7}{a:>10.2f}{b:>12.2f}{a / b:>8.1f}  (floor: the count)")


if __name__ == "__main__":
    main()
