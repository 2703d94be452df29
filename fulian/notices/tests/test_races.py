"""Parallel writers on PostgreSQL: two reviewers acting on one report at once give one
result; two members of an org opening a notice at once give one receipt."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from fulian.accounts.models import Role, User
from fulian.notices import services
from fulian.notices.models import Reading, Recipient, Report, ReportStatus

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and parallel writers need PostgreSQL (SQLite serialises writers)",
    ),
]


def _run(calls):
    barrier = threading.Barrier(len(calls))
    made, refused, errors = [], [], []

    def work(call):
        try:
            barrier.wait()
            made.append(call())
        except ValidationError as error:
            refused.append(" ".join(error.messages))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return made, refused, errors


def test_two_reviewers_at_once_give_one_result(cast):
    second = User.objects.create_user(
        "district-2", "x", org=cast.district, role=Role.DISTRICT_ADMIN
    )
    rnd = services.create_round(
        actor=cast.district_admin,
        title="年度报表",
        period_code="2023",
        indicators=["events.activities"],
        due=datetime.date(2024, 1, 15),
    )
    report = services.start_report(actor=cast.town_a_admin, round=rnd)
    services.submit_report(actor=cast.town_a_admin, report=report)
    # Each reviewer loaded the report while it was "submitted".
    first_copy, second_copy = Report.objects.get(pk=report.pk), Report.objects.get(pk=report.pk)
    made, refused, errors = _run(
        [
            lambda: services.review_report(
                actor=cast.district_admin, report=first_copy, accept=True
            ),
            lambda: services.review_report(
                actor=second, report=second_copy, accept=False, comment="请补充文字报告。"
            ),
        ]
    )
    assert errors == []
    assert len(made) == 1 and len(refused) == 1
    assert refused[0].startswith("报表已被他人处理（现为“")
    report.refresh_from_db()
    winner = made[0]
    assert report.status == winner.status
    assert report.status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED)
    assert report.review_comment == winner.review_comment
    reviews = report.history.filter(from_status="submitted")
    assert list(reviews.values_list("to_status", flat=True)) == [report.status]


def test_two_members_opening_a_notice_at_once_give_one_receipt(cast):
    notice = services.send_notice(
        actor=cast.district_admin, title="通知", body="正文", targets=[cast.town_a]
    )
    made, refused, errors = _run(
        [
            lambda user=user: services.open_notice(actor=user, notice=notice)
            for user in (cast.town_a_admin, cast.viewer)
        ]
    )
    assert (errors, refused, len(made)) == ([], [], 2)
    receipt = Recipient.objects.get(notice=notice)
    assert receipt.read_by in (cast.town_a_admin, cast.viewer)
    first = Reading.objects.order_by("at", "pk").first()
    assert Reading.objects.count() == 2
    assert receipt.read_at == min(Reading.objects.values_list("at", flat=True))
    assert first is not None
