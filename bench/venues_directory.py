"""Benchmark: the public venue directory at province size.

Loads the real 秦州区 tree and attaches 17,000 synthetic venues (about one per village of a
province) to its villages, then times the public directory's searches (by town, by village,
nearest to a point) through ``fulian.venues.public.find`` and the same read in raw SQL, and
prints the ratio.

    python bench/venues_directory.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fulian_bench python bench/venues_directory.py

A benchmark, not a test: nothing asserts on the timings.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/fulian-bench-venues.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulian.settings")
os.environ.setdefault("FULIAN_ENV", "test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from fulian.core.scope import subtree_bounds  # noqa: E402
from fulian.orgs.models import Org, OrgKind  # noqa: E402
from fulian.orgs.services import load_divisions, read_division_rows  # noqa: E402
from fulian.venues import public  # noqa: E402
from fulian.venues.models import Venue  # noqa: E402

VENUES = 17_000


def build() -> None:
    call_command("migrate", verbosity=0)
    if Venue.objects.count() >= VENUES:
        return
    load_divisions(read_division_rows("qinzhou"))
    villages = list(
        Org.objects.filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]).order_by("path")
    )
    rng = random.Random(1)
    started = time.perf_counter()
    Venue.objects.bulk_create(
        [
            Venue(
                org=villages[i % len(villages)],
                name=f"妇女之家{i}",
                type="womens_home",
                host="party_service_centre",
                address=f"地址{i}",
                opening_hours="周二 9:00-17:00",
                contact_phone="0938-2345678",
                latitude=Decimal(f"{34.3 + rng.random() * 0.6:.6f}"),
                longitude=Decimal(f"{105.3 + rng.random() * 0.8:.6f}"),
            )
            for i in range(VENUES)
        ],
        batch_size=2000,
    )
    print(f"built {VENUES} venues in {time.perf_counter() - started:.1f}s")


def timed(fn: Callable[[], object], repeat: int = 20) -> float:
    fn()
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000


def raw(area: Org | None) -> list[tuple]:
    sql = (
        "SELECT v.id, v.name, v.type, v.host, v.shared, v.address, v.latitude, v.longitude, "
        "v.opening_hours, v.contact_phone, o.path "
        "FROM venues_venue v JOIN orgs_org o ON o.id = v.org_id "
        "WHERE v.listed_publicly AND v.status = 'open'"
    )
    params: list[str] = []
    if area is not None:
        sql += " AND o.path BETWEEN %s AND %s"
        params = list(subtree_bounds(area.path))
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY v.name, v.id LIMIT 200", params)
        return cursor.fetchall()


def naive_nearest() -> list[tuple]:
    """Every located venue from raw SQL, sorted by distance in Python: the obvious way."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, latitude, longitude FROM venues_venue "
            "WHERE listed_publicly AND status = 'open' AND latitude IS NOT NULL"
        )
        rows = cursor.fetchall()
    return sorted(rows, key=lambda r: public.distance_km(34.58, 105.72, float(r[1]), float(r[2])))[
        :20
    ]


def main() -> None:
    build()
    town = Org.objects.get(code="620502103")
    village = Org.objects.get(code="620502103005")
    print(f"database: {connection.vendor}, venues: {Venue.objects.count()}")
    print("floor: raw SQL of the same rows (listing capped at 200); for 'nearest', a full scan in")
    print("raw SQL sorted in Python, that find() avoids by searching a growing box first")
    print(f"{'search':<28}{'rows':>7}{'find() ms':>12}{'floor ms':>12}{'ratio':>8}")
    cases = [
        ("by town (皂郊镇)", lambda: public.find(area=town), lambda: raw(town)),
        ("by village (下寨子)", lambda: public.find(area=village), lambda: raw(village)),
        ("nearest 20 (floor: naive)", lambda: public.find(lat=34.58, lng=105.72), naive_nearest),
    ]
    for label, orm, floor in cases:
        rows = len(orm())
        a, b = (
            timed(orm, 5 if "nearest" in label else 20),
            timed(floor, 5 if "nearest" in label else 20),
        )
        print(f"{label:<28}{rows:>7}{a:>12.2f}{b:>12.2f}{a / b:>8.1f}")


if __name__ == "__main__":
    main()
