"""Benchmark: the org tree at province size.

Builds a synthetic province (1 + 14 cities + 98 counties + 1,470 towns + 17,640 villages,
about the size of Gansu) in its own database, then times the tree's hot paths through the ORM
and through raw SQL on the same data, and prints the ratio ORM / raw.

    python bench/orgs_tree.py                      # SQLite file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fulian_bench python bench/orgs_tree.py

It is a benchmark, not a test: nothing asserts on the timings.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/fulian-bench-tree.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulian.settings")
os.environ.setdefault("FULIAN_ENV", "test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from fulian.accounts.models import Role, User  # noqa: E402
from fulian.core.scope import subtree_bounds  # noqa: E402
from fulian.core.text import search_key  # noqa: E402
from fulian.orgs.models import Org, OrgKind  # noqa: E402

SHAPE = (
    14,
    7,
    15,
    12,
)  # cities per province, counties per city, towns per county, villages per town
KINDS = (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.VILLAGE)
SYLLABLES = "天水秦州皂郊齐寿麦积甘谷武山清水张家川安定通渭陇西渭源临洮漳县岷县"


def name_for(level: int, index: int) -> str:
    a = SYLLABLES[(index * 7 + level) % len(SYLLABLES)]
    b = SYLLABLES[(index * 13 + 3 * level) % len(SYLLABLES)]
    return f"{a}{b}{index}" + ("市", "县", "镇", "村")[level]


def build() -> None:
    if Org.objects.exists():
        return
    started = time.perf_counter()
    rows: list[Org] = []
    root = Org(
        name="甘肃省", kind=OrgKind.CITY, path=Org._get_path(None, 1, 1), depth=1, numchild=SHAPE[0]
    )
    root.search_text = search_key(root.name)
    rows.append(root)
    level_nodes = [root]
    for level, count in enumerate(SHAPE):
        next_nodes = []
        for parent in level_nodes:
            for i in range(1, count + 1):
                children = SHAPE[level + 1] if level + 1 < len(SHAPE) else 0
                node = Org(
                    name=name_for(level, len(next_nodes) + 1),
                    kind=KINDS[level],
                    path=Org._get_path(parent.path, parent.depth + 1, i),
                    depth=parent.depth + 1,
                    numchild=children,
                )
                node.search_text = search_key(node.name)
                next_nodes.append(node)
        rows.extend(next_nodes)
        level_nodes = next_nodes
    Org.objects.bulk_create(rows, batch_size=2000)
    print(f"built {len(rows):,} orgs in {time.perf_counter() - started:.1f} s")


def timed(fn: Callable[[], object], repeat: int) -> float:
    fn()
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - started) / repeat


def raw(sql: str, params: list[object]) -> Callable[[], object]:
    def run() -> object:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def count_queries(fn: Callable[[], object]) -> int:
    seen: list[str] = []

    def record(execute: Callable[..., object], sql: str, *args: object) -> object:
        seen.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(record):
        fn()
    return len(seen)


def main() -> None:
    call_command("migrate", verbosity=0)
    build()
    province = Org.objects.get(depth=1)
    county = Org.objects.filter(depth=3).order_by("path")[40]
    town = Org.objects.filter(depth=4).order_by("path")[700]
    print(f"orgs: {Org.objects.count():,}  (database: {connection.vendor})")
    print(f"{'work':<44}{'ORM ms':>10}{'raw ms':>10}{'ratio':>8}")
    cases = []
    for label, org in (
        ("subtree count, province", province),
        ("subtree count, county", county),
        ("subtree count, town", town),
    ):
        lo, hi = subtree_bounds(org.path)
        cases.append(
            (
                label,
                lambda o=org: Org.objects.in_subtree(o).count(),
                raw("SELECT COUNT(*) FROM orgs_org WHERE path BETWEEN %s AND %s", [lo, hi]),
            )
        )
    lo, hi = subtree_bounds(county.path)
    cases.append(
        (
            "children of a county (15 rows)",
            lambda: list(Org.objects.get_children(county)),
            raw(
                "SELECT * FROM orgs_org WHERE depth = %s AND path BETWEEN %s AND %s ORDER BY path",
                [county.depth + 1, lo, hi],
            ),
        )
    )
    plo, phi = subtree_bounds(province.path)
    cases.append(
        (
            "name search in province, first 50",
            lambda: list(Org.objects.in_subtree(province).search("tsz")[:50]),
            raw(
                "SELECT * FROM orgs_org WHERE path BETWEEN %s AND %s AND search_text LIKE %s"
                " ORDER BY path LIMIT 50",
                [plo, phi, "%tsz%"],
            ),
        )
    )
    for label, orm, floor in cases:
        orm_s, raw_s = timed(orm, 50), timed(floor, 50)
        print(f"{label:<44}{orm_s * 1000:>10.3f}{raw_s * 1000:>10.3f}{orm_s / raw_s:>8.1f}")

    user, _ = User.objects.get_or_create(
        username="bench-province", defaults={"org": province, "role": Role.DISTRICT_ADMIN}
    )
    client = Client()
    client.force_login(user)
    for label, url in (
        ("tree page (province root, 14 children)", "/orgs/"),
        ("children fragment (county, 15 towns)", f"/orgs/{county.pk}/children/"),
        ("search fragment 'tsz'", "/orgs/?q=tsz"),
    ):
        queries = count_queries(lambda u=url: client.get(u))
        seconds = timed(lambda u=url: client.get(u), 100)
        rate = 1 / seconds
        print(f"{label:<44}{seconds * 1000:>10.2f} ms/req {rate:>6.0f} req/s {queries} queries")


if __name__ == "__main__":
    main()
