"""The 2023 demo of notices and reports: receipts, reminders, replies, a task done by the
records in some villages, and every report status, with exact totals; a second load
creates nothing."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command

from fulian.core.indicators import REGISTRY, Groups, evaluate
from fulian.core.periods import Period
from fulian.notices import services
from fulian.notices.models import Notice, Reply, Round
from fulian.orgs.models import Org

pytestmark = pytest.mark.django_db


def _counts():
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("notices").get_models()}


def test_demo_totals(settings):
    call_command("load_demo", stdout=io.StringIO())
    first = _counts()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "notices: demo already loaded, nothing created" in out.getvalue()
    assert _counts() == first
    assert first == {
        "notices.Notice": 6,
        "notices.Recipient": 151,  # 5 notices to the 23 towns, one to 皂郊镇's 36 villages
        "notices.Reading": 93,
        "notices.Attachment": 0,
        "notices.Reply": 37,
        "notices.Round": 5,
        "notices.Report": 107,
        "notices.ReportHistory": 293,
        "notices.Figure": 535,
    }

    notices = []
    for notice in Notice.objects.order_by("sent_at"):
        recipients = list(notice.recipients.select_related("org"))
        done = services.task_progress(notice, recipients)
        notices.append(
            (
                notice.org.name,
                notice.sent_at.date().isoformat(),
                len(recipients),
                sum(r.read_at is not None for r in recipients),
                sum(r.reminders for r in recipients),
                Reply.objects.filter(recipient__notice=notice).count(),
                Reply.objects.filter(recipient__notice=notice, late=True).count(),
                len(done) if notice.task_kind else None,
            )
        )
    # (sender, sent, recipients, read, reminders, replies, late replies, task done)
    assert notices == [
        ("秦州区", "2023-02-20", 23, 23, 0, 22, 3, None),
        ("秦州区", "2023-04-03", 23, 21, 2, 0, 0, 23),
        ("皂郊镇", "2023-04-06", 36, 1, 0, 0, 0, 10),  # 10 villages held a 法进万家 activity
        ("秦州区", "2023-08-15", 23, 18, 5, 15, 2, None),
        ("秦州区", "2023-11-20", 23, 20, 0, 0, 0, None),
        ("秦州区", "2023-12-20", 23, 10, 0, 0, 0, None),
    ]

    rounds = {}
    for rnd in Round.objects.order_by("due"):
        rows = services.round_rows(rnd, services.participants(rnd))
        rounds[rnd.period_code] = (
            dict(Counter(str(r["status"]) for r in rows)),
            dict(Counter(str(r["timeliness"]) for r in rows)),
            int(services.accepted_totals(rnd)["events.activities"]),
        )
    assert rounds == {
        "2023Q1": (
            {"accepted": 22, "not_started": 1},
            {"on_time": 20, "late": 2, "missing": 1},
            213,
        ),
        "2023Q2": (
            {"accepted": 18, "reopened": 1, "submitted": 2, "returned": 1, "not_started": 1},
            {"on_time": 21, "late": 1, "missing": 1},
            152,
        ),
        "2023Q3": (
            {"accepted": 15, "submitted": 4, "returned": 2, "draft": 1, "not_started": 1},
            {"on_time": 18, "late": 3, "missing": 2},
            163,
        ),
        "2023Q4": (
            {"accepted": 12, "submitted": 6, "returned": 1, "draft": 2, "not_started": 2},
            {"on_time": 17, "late": 2, "missing": 4},
            83,
        ),
        "2023": (
            {"accepted": 10, "submitted": 5, "returned": 2, "draft": 3, "not_started": 3},
            {"on_time": 16, "late": 1, "missing": 6},
            347,
        ),
    }  # fmt: skip
    district = Org.objects.get(code="620502")
    codes = ["notices.read_rate", "notices.reports_on_time_rate"]
    assert {i.code: v for i, v in evaluate(district, 2023, codes)} == {
        "notices.read_rate": 61.6,  # 93 of 151 receipts
        "notices.reports_on_time_rate": 80.0,  # 92 of the 115 reports due
    }


def test_the_quarters_of_the_demo_add_up_to_its_year():
    call_command("load_demo", stdout=io.StringIO())
    district = Org.objects.get(code="620502")
    activities = REGISTRY["events.activities"]
    quarters = [
        activities.values(Groups(district), Period.quarter(2023, q))[district.path]
        for q in (1, 2, 3, 4)
    ]
    assert (quarters, sum(quarters)) == ([219, 210, 252, 182], 863)
    assert activities.values(Groups(district), Period.year(2023))[district.path] == 863
