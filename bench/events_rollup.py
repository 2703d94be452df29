"""Benchmark: campaign roll-ups over many activities, and QR check-in throughput.

Loads the real 秦州区 tree (491 orgs) into its own database, spreads ``BENCH_ACTIVITIES``
activities (default 300,000) over its villages and towns across 2022–2023 and the campaigns,
then times through the ORM and through raw SQL on the same data and prints ORM / raw:

* a campaign's activity count for the district and for one town in a year (the indicator);
* the counts of every campaign at once (the campaigns page and API);
* the activity list page for a town (the whole request, rendered);
* 500 QR check-ins through ``services.check_in`` against a raw INSERT floor.

    python bench/events_rollup.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fulian_bench_events \\
        python bench/events_rollup.py

A benchmark, not a test: nothing asserts on the timings.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/fulian-bench-events.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulian.settings")
os.environ.setdefault("FULIAN_ENV", "test")

import django

django.setup()

from auditlog.context import disable_auditlog  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from fulian.accounts.models import Role, User  # noqa: E402
from fulian.core.scope import subtree_bounds  # noqa: E402
from fulian.events import queries, services  # noqa: E402
from fulian.events.models import Activity, ActivityKind, Attendance, Campaign  # noqa: E402
from fulian.orgs.models import Org  # noqa: E402
from fulian.orgs.services import load_divisions, read_division_rows  # noqa: E402

N = int(os.environ.get("BENCH_ACTIVITIES", "300000"))


def build() -> None:
    call_command("migrate", verbosity=0)
    load_divisions(read_division_rows("qinzhou"))
    services.ensure_defaults()
    if Activity.objects.count() >= N:
        return
    Activity.objects.all().delete()
    rng = random.Random(1)
    orgs = list(Org.objects.exclude(depth=1))
    kinds = list(ActivityKind.objects.all())
    campaigns = [*Campaign.objects.all(), None, None]
    tz = timezone.get_current_timezone()
    started = time.perf_counter()
    batch = []
    with disable_auditlog():
        for i in range(N):
            day = datetime.datetime(2022, 1, 1, 9, tzinfo=tz) + datetime.timedelta(
                days=rng.randrange(730), minutes=rng.randrange(600)
            )
            batch.append(
                Activity(
                    org=rng.choice(orgs),
                    kind=rng.choice(kinds),
                    campaign=rng.choice(campaigns),
                    title=f"活动{i}",
                    start=day,
                    head_count=rng.randint(5, 80),
                )
            )
            if len(batch) == 5000:
                Activity.objects.bulk_create(batch)
                batch = []
        Activity.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"built {N:,} activities in {time.perf_counter() - started:.1f} s")


def median_ms(fn: Callable[[], object], repeat: int = 15) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def raw(sql: str, params: list) -> Callable[[], object]:
    def run() -> object:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def report(name: str, orm: float, floor: float) -> None:
    print(f"{name:<46} ORM {orm:9.2f} ms   raw SQL {floor:9.2f} ms   ratio {orm / floor:5.2f}")


def main() -> None:
    build()
    district = Org.objects.get(code="620502")
    town = Org.objects.get(code="620502103")
    law = Campaign.objects.get(code="law_homes")
    tz = timezone.get_current_timezone()
    y0, y1 = datetime.datetime(2023, 1, 1, tzinfo=tz), datetime.datetime(2024, 1, 1, tzinfo=tz)
    count_sql = (
        "SELECT COUNT(*) FROM events_activity a JOIN orgs_org o ON a.org_id = o.id "
        "WHERE o.path BETWEEN %s AND %s AND a.start >= %s AND a.start < %s AND a.campaign_id = %s"
    )
    print(f"{connection.vendor}, {Activity.objects.count():,} activities")
    for label, org in (("district", district), ("town", town)):
        orm = median_ms(
            lambda org=org: Activity.objects.in_subtree(org).in_year(2023).in_campaign(law).count()
        )
        floor = median_ms(raw(count_sql, [*subtree_bounds(org.path), y0, y1, law.pk]))
        report(f"campaign count, {label}, one year", orm, floor)
    group_sql = (
        "SELECT a.campaign_id, COUNT(*) FROM events_activity a JOIN orgs_org o ON a.org_id = o.id "
        "WHERE o.path BETWEEN %s AND %s AND a.start >= %s AND a.start < %s "
        "AND a.campaign_id IS NOT NULL GROUP BY a.campaign_id"
    )
    orm = median_ms(lambda: queries.campaign_counts(Activity.objects.in_subtree(district), 2023))
    floor = median_ms(raw(group_sql, [*subtree_bounds(district.path), y0, y1]))
    report("all campaigns' counts, district, one year", orm, floor)

    user = User.objects.filter(username="bench-town").first() or User.objects.create_user(
        "bench-town", "Bench-pass-2023", org=town, role=Role.ORG_ADMIN
    )
    client = Client()
    client.force_login(user)
    orm = median_ms(lambda: client.get("/events/?year=2023"), repeat=10)
    page_sql = (
        "SELECT a.id, a.title, a.start, o.name, k.name, c.name FROM events_activity a "
        "JOIN orgs_org o ON a.org_id = o.id JOIN events_activitykind k ON a.kind_id = k.id "
        "LEFT JOIN events_campaign c ON a.campaign_id = c.id "
        "WHERE o.path BETWEEN %s AND %s AND a.start >= %s AND a.start < %s "
        "ORDER BY a.start DESC, a.id DESC LIMIT 50"
    )
    page_count_sql = (
        "SELECT COUNT(*) FROM events_activity a JOIN orgs_org o ON a.org_id = o.id "
        "WHERE o.path BETWEEN %s AND %s AND a.start >= %s AND a.start < %s"
    )
    params = [*subtree_bounds(town.path), y0, y1]
    floor = median_ms(lambda: (raw(page_count_sql, params)(), raw(page_sql, params)()))
    report("activity list page, town (whole request)", orm, floor)

    # Check-in: 500 distinct phones, one by one, through the service and as raw INSERTs.
    training = services.create_training(
        actor=None, org=town, title="基准培训班", start=datetime.date(2023, 8, 29)
    )
    start = timezone.now()
    session = services.add_session(
        actor=None,
        activity=training.activity,
        title="基准场次",
        start=start,
        end=start + datetime.timedelta(hours=3),
    )
    phones = [f"139{i:08d}" for i in range(500)]
    t = time.perf_counter()
    for phone in phones:
        services.check_in(session=session, name="学员", phone=phone)
    service_s = time.perf_counter() - t
    assert Attendance.objects.filter(session=session).count() == 500
    insert_sql = (
        "INSERT INTO events_attendance (session_id, name, phone_cipher, phone_index, status, "
        "source, late, checked_in_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    )
    other = services.add_session(
        actor=None,
        activity=training.activity,
        title="基准场次2",
        start=start,
        end=start + datetime.timedelta(hours=3),
    )
    t = time.perf_counter()
    for i in range(500):
        with connection.cursor() as cursor:
            cursor.execute(
                insert_sql, [other.pk, "学员", "k1:x", f"{i:064d}", "pending", "qr", False, start]
            )
    raw_s = time.perf_counter() - t
    print(
        f"{'500 QR check-ins (match, encrypt, insert, history)':<46} "
        f"{500 / service_s:9.0f} /s   raw INSERT {500 / raw_s:9.0f} /s   "
        f"ratio {service_s / raw_s:5.2f}"
    )
    training.activity.delete()


if __name__ == "__main__":
    main()
