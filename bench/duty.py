"""Benchmark: claiming projects, and the duty files of a district's executives.

Loads the whole demo (the real 秦州区 tree, its people, the 2023 activities and the duty
demo) into its own database, then prints, each against a floor measured in the same run:

* ``BENCH_CLAIMS`` (default 300) claims of published projects through
  ``services.claim_project`` (lock, checks, constraints, history rows) against a raw INSERT of
  the same claim rows;
* the committee's points in bulk (``services.point_totals``) against its duty files one by one;
* the ranking of the district's committee (``services.ranking``: every executive's duty file
  with its points) and the duty files of every executive in the district's subtree, against
  the raw SQL counts those files are made of.

    python bench/duty.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fulian_bench_duty python bench/duty.py

A benchmark, not a test: nothing asserts on the timings.
"""

from __future__ import annotations

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/fulian-bench-duty.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulian.settings")
os.environ.setdefault("FULIAN_ENV", "test")

import django

django.setup()

from auditlog.context import disable_auditlog  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from fulian.accounts.models import User  # noqa: E402
from fulian.duty import services  # noqa: E402
from fulian.duty.models import EXECUTIVE_KINDS, Claim, Project, ProjectStatus  # noqa: E402
from fulian.orgs.models import Org, OrgKind  # noqa: E402
from fulian.people.models import Person, Position  # noqa: E402

N = int(os.environ.get("BENCH_CLAIMS", "300"))


def build() -> None:
    call_command("migrate", verbosity=0)
    if not Org.objects.filter(code="620502").exists():
        call_command("load_divisions", verbosity=0)
    started = time.perf_counter()
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"demo ready in {time.perf_counter() - started:.1f} s")


def claimants() -> list[Person]:
    """Village executives without a live claim: one claim each keeps "一人一事" satisfied."""
    busy = Claim.objects.filter(slot__isnull=False).values("person_id")
    ids = (
        Position.objects.filter(
            kind__in=EXECUTIVE_KINDS, org__kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]
        )
        .exclude(person_id__in=busy)
        .values_list("person_id", flat=True)
        .distinct()
    )
    return list(Person.objects.filter(pk__in=ids).select_related("org").order_by("pk")[: 2 * N])


def projects(actor: User, people: list[Person], tag: str) -> list[Project]:
    made = []
    with disable_auditlog():
        for i, person in enumerate(people):
            project = services.propose_project(
                actor=actor, org=person.org, title=f"基准项目{tag}{i}", need="基准",
                beneficiaries="妇女",
            )  # fmt: skip
            services.review_project(actor=actor, project=project, publish=True)
            made.append(project)
    return made


def main() -> None:
    build()
    actor = User.objects.get(username="qinzhou-admin")
    district = Org.objects.get(code="620502")
    people = claimants()
    if len(people) < 2 * N:
        raise SystemExit(f"only {len(people)} free village executives; lower BENCH_CLAIMS")
    through, floor_people = people[:N], people[N:]
    print(f"{connection.vendor}, {Claim.objects.count():,} claims before")
    service_projects = projects(actor, through, "s")
    raw_projects = projects(actor, floor_people, "r")
    day = datetime.date(2023, 5, 1)
    with disable_auditlog():
        started = time.perf_counter()
        for project, person in zip(service_projects, through, strict=True):
            services.claim_project(actor=actor, project=project, person=person, on=day)
        service_s = time.perf_counter() - started
    started = time.perf_counter()
    for project, person in zip(raw_projects, floor_people, strict=True):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO duty_claim (project_id, person_id, status, slot, claimed_on, "
                "created_at) VALUES (%s, %s, 'active', 1, %s, %s)",
                [project.pk, person.pk, day, datetime.datetime.now(datetime.UTC)],
            )
            cursor.execute(
                "UPDATE duty_project SET status = %s WHERE id = %s",
                [ProjectStatus.CLAIMED, project.pk],
            )
    raw_s = time.perf_counter() - started
    print(
        f"{N} claims: service {N / service_s:8.1f}/s   raw INSERT+UPDATE {N / raw_s:8.1f}/s"
        f"   ratio {service_s / raw_s:5.2f}"
    )

    committee = services.executives_of(district, on=datetime.date(2023, 6, 1)).count()
    started = time.perf_counter()
    ranking = services.ranking(district, 2023)
    ranking_s = time.perf_counter() - started
    members = [f.person.pk for f in ranking]
    started = time.perf_counter()
    services.point_totals(members, 2023)
    totals_s = time.perf_counter() - started
    all_ids = (
        Position.objects.filter(kind__in=EXECUTIVE_KINDS)
        .values_list("person_id", flat=True)
        .distinct()
    )
    everyone = list(Person.objects.filter(pk__in=all_ids).order_by("pk"))
    started = time.perf_counter()
    for person in everyone:
        services.duty_file(person, 2023)
    files_s = time.perf_counter() - started
    floor_sql = [
        "SELECT COUNT(*) FROM events_attendance WHERE person_id = %s AND status = 'confirmed'",
        "SELECT COUNT(*) FROM duty_dutyreport WHERE person_id = %s",
        "SELECT COUNT(*) FROM duty_claim WHERE person_id = %s",
        "SELECT COUNT(*) FROM duty_visit WHERE visitor_id = %s",
        "SELECT COUNT(*) FROM duty_evaluee WHERE person_id = %s",
    ]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for person in everyone:
            for sql in floor_sql:
                cursor.execute(sql, [person.pk])
                cursor.fetchall()
    floor_s = time.perf_counter() - started
    per_file, per_floor = files_s / len(everyone) * 1000, floor_s / len(everyone) * 1000
    print(
        f"ranking of the district committee ({committee} executives, top "
        f"{ranking[0].total} points): {ranking_s * 1000:8.1f} ms"
    )
    print(
        f"committee points in bulk (point_totals, the average-points indicator): "
        f"{totals_s * 1000:8.1f} ms   vs {len(members)} duty files {ranking_s * 1000:8.1f} ms"
        f"   ratio {ranking_s / totals_s:5.1f}"
    )
    print(
        f"{len(everyone)} duty files (every executive): {files_s:6.2f} s, {per_file:6.2f} ms "
        f"each   raw counts {per_floor:6.2f} ms each   ratio {per_file / per_floor:5.2f}"
    )


if __name__ == "__main__":
    main()
