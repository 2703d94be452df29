"""After voting, nothing in the database links a code (a voter) to her ballot: not a
column, not a time, not an audit entry, not the order of the ids."""

import io
import json
import os
import shutil
import subprocess

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from fulian.duty import services
from fulian.duty.models import Ballot, BallotCode

pytestmark = pytest.mark.django_db

PLANS = ["excellent", "competent", "basic", "unfit", "excellent"]


@pytest.fixture
def voted(cast, meeting, executives):
    rnd = services.create_round(actor=cast.town_a_admin, meeting=meeting, title="测评")
    codes = services.issue_codes(actor=cast.town_a_admin, round=rnd, count=8)
    services.open_round(actor=cast.town_a_admin, round=rnd)
    evaluees = list(rnd.evaluees.all())
    for code, grade in zip(codes, PLANS, strict=False):
        services.cast_ballot(code=code, grades={e.pk: grade for e in evaluees})
    return rnd, codes


def test_dumpdata_holds_no_link_between_codes_and_ballots(voted):
    _rnd, codes = voted
    out = io.StringIO()
    call_command("dumpdata", "duty.ballot", "duty.ballotcode", stdout=out)
    rows = json.loads(out.getvalue())
    fields = {}
    for row in rows:
        fields.setdefault(row["model"], set()).update(row["fields"])
    assert fields == {
        "duty.ballot": {"round", "grades"},
        "duty.ballotcode": {"round", "code", "used"},
    }
    ballot_text = json.dumps([r for r in rows if r["model"] != "duty.ballotcode"])
    assert not any(code in ballot_text for code in codes)
    assert BallotCode.objects.filter(used=True).count() == 5 == Ballot.objects.count()
    # Ballot ids are random UUIDs: their order says nothing about the order of voting.
    assert all(len(str(b.pk)) == 36 for b in Ballot.objects.all())


def test_no_audit_entry_for_codes_or_ballots(voted):
    types = ContentType.objects.get_for_models(Ballot, BallotCode).values()
    assert LogEntry.objects.filter(content_type__in=list(types)).count() == 0


def _pg_dump(*args):
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return subprocess.run(
        [
            shutil.which("pg_dump") or "pg_dump", *args,
            "-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432),
            "-U", db.get("USER") or "postgres",
            "-t", "duty_ballot", "-t", "duty_ballotcode",
            connection.settings_dict["NAME"],
        ],
        capture_output=True, text=True, env=env, check=True, timeout=60,
    ).stdout  # fmt: skip


def _copy_rows(dump, table):
    block = dump.split(f"COPY public.{table} (", 1)[1]
    header, rest = block.split(") FROM stdin;\n", 1)
    return header.split(", "), [line.split("\t") for line in rest.split("\n\\.")[0].splitlines()]


@pytest.mark.skipif(
    connection.vendor != "postgresql" or shutil.which("pg_dump") is None,
    reason="pg_dump of the PostgreSQL test database",
)
@pytest.mark.django_db(transaction=True)
def test_pg_dump_after_voting_holds_no_link(cast, meeting, executives):
    rnd = services.create_round(actor=cast.town_a_admin, meeting=meeting, title="测评")
    codes = services.issue_codes(actor=cast.town_a_admin, round=rnd, count=12)
    services.open_round(actor=cast.town_a_admin, round=rnd)
    evaluees = list(rnd.evaluees.all())
    # Eight ballots, each recognisable by its grades, cast in an order unlike the issue.
    patterns = [
        {e.pk: ("excellent", "competent", "basic", "unfit")[(i >> k) % 4] for k, e in
         enumerate(evaluees)}
        for i in range(8)
    ]  # fmt: skip
    voting = [codes[i] for i in (7, 2, 10, 0, 5, 11, 3, 8)]
    for code, grades in zip(voting, patterns, strict=True):
        services.cast_ballot(code=code, grades=grades)
    dump = _pg_dump("--data-only")
    columns, ballots = _copy_rows(dump, "duty_ballot")
    assert sorted(columns) == ["grades", "id", "round_id"] and len(ballots) == 8
    ballot_part = dump.split("COPY public.duty_ballotcode", 1)[0]
    assert not any(code in ballot_part for code in codes)
    code_columns, _code_rows = _copy_rows(dump, "duty_ballotcode")
    assert sorted(code_columns) == ["code", "id", "round_id", "used"]
    # The ballots were rewritten in a random order at every vote: their order on disk is
    # not the order of voting (the chance that a shuffle of 8 gives it back is 1 in 40,320).
    in_dump = [json.loads(row[columns.index("grades")]) for row in ballots]
    cast_order = [{str(k): v for k, v in p.items()} for p in patterns]
    assert sorted(map(json.dumps, in_dump)) == sorted(map(json.dumps, cast_order))
    assert in_dump != cast_order
