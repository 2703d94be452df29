"""The issue's check, as a new user would do it: a notice to all towns, two read it, the
district sees 2 of 23 and reminds the rest; a town's quarterly report pre-filled, returned,
corrected with a reason, resubmitted, accepted, and unchanged by a new activity."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fulian.core.periods import Period, today
from fulian.notices import services
from fulian.notices.models import Figure, Notice, Recipient, Report, ReportStatus


def test_notice_to_all_towns_read_by_two_reminds_the_rest(client, cast, towns23):
    assert len(towns23) == 23
    client.force_login(cast.district_admin)
    response = client.post(
        reverse("notices:notice_create"),
        {
            "title": "关于开展法进万家活动的通知",
            "body": "请各乡镇、街道妇联于六月底前开展一次法进万家活动。",
            "urgency": "urgent",
            "audience": "towns",
            "idempotency_key": "6f1c1f7e-8a0e-4b43-9b1e-0d6d5a1b2c3d",
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert notice.recipients.count() == 23

    for user in (cast.town_a_admin, cast.town_b_admin):
        client.force_login(user)
        badge = client.get(reverse("nav_badges")).content.decode()
        assert 'id="badge-notices-inbox" hx-swap-oob="true"' in badge
        assert 'data-count="1">1<' in badge
        assert client.get(reverse("notices:notice", args=[notice.pk])).status_code == 200
        assert 'data-count="0"' in client.get(reverse("nav_badges")).content.decode()

    client.force_login(cast.district_admin)
    page = client.get(reverse("notices:notice", args=[notice.pk])).content.decode()
    assert "已读 2 / 23" in page
    assert "提醒未读的 21 个组织" in page
    response = client.post(reverse("notices:notice_remind", args=[notice.pk]), follow=True)
    assert "已提醒 21 个未读组织。" in response.content.decode()
    reminded = Recipient.objects.filter(notice=notice, reminders=1)
    assert reminded.count() == 21
    assert not reminded.filter(org__in=[cast.town_a, cast.town_b]).exists()
    read = Recipient.objects.get(notice=notice, org=cast.town_a)
    assert read.read_by == cast.town_a_admin


@pytest.fixture
def quarter_round(cast):
    period = Period.parse(f"{today().year}Q{(today().month - 1) // 3 + 1}")
    return services.create_round(
        actor=cast.district_admin,
        title=f"{period.label}工作报表",
        period_code=period.code,
        indicators=["events.activities", "events.meetings"],
        due=period.end,
        narrative_prompt="请简述本季度工作。",
    )


def test_quarterly_report_returned_corrected_accepted_and_locked(
    client, cast, quarter_round, activity
):
    activity(cast.town_a)
    activity(cast.village_a)
    client.force_login(cast.town_a_admin)
    response = client.post(reverse("notices:round_start", args=[quarter_round.pk]))
    report = Report.objects.get(round=quarter_round, org=cast.town_a)
    assert response.status_code == 302
    assert report.figures.get(code="events.activities").computed == Decimal("2.00")

    edit = reverse("notices:report_edit", args=[report.pk])
    client.post(edit, {"narrative": "本季度开展活动两次。", "submit": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    client.force_login(cast.district_admin)
    review = reverse("notices:report_review", args=[report.pk])
    client.post(review, {"decision": "return", "comment": "请核对活动次数，漏报了一次。"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    client.force_login(cast.town_a_admin)
    page = client.post(edit, {"narrative": "x", "value_events.activities": "3", "submit": "1"})
    assert "更正“活动次数”须填写理由。" in page.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    client.post(
        edit,
        {
            "narrative": "本季度开展活动三次（含一次纸质登记）。",
            "value_events.activities": "3",
            "reason_events.activities": "一次村级活动未录入系统，有签到表为证",
            "submit": "1",
        },
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    figure = report.figures.get(code="events.activities")
    assert (figure.computed, figure.corrected, figure.value) == (
        Decimal("2.00"),
        Decimal("3.00"),
        Decimal("3.00"),
    )

    client.force_login(cast.district_admin)
    client.post(review, {"decision": "accept"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    snapshot = list(
        Figure.objects.filter(report=report).values_list("code", "computed", "corrected")
    )

    activity(cast.village_a)  # a new record after acceptance
    assert (
        list(Figure.objects.filter(report=report).values_list("code", "computed", "corrected"))
        == snapshot
    )
    round_page = client.get(reverse("notices:round", args=[quarter_round.pk])).content.decode()
    assert 'id="accepted-totals"' in round_page

    with pytest.raises(ValidationError, match="报表已采纳，不能修改"):
        services.save_report(actor=cast.town_a_admin, report=report, narrative="改")
    with pytest.raises(ValidationError, match="不能修改"):
        services.refresh_figures(actor=cast.town_a_admin, report=report)
    assert [h.to_status for h in report.history.all()] == [
        "draft",
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
