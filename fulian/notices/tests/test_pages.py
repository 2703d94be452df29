"""Every page of the app for the six personas (``core.testing.check_matrix``); denied
and refused writes change nothing. Query counts of the lists and detail pages are pinned."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fulian.core.testing import check_matrix
from fulian.notices import services
from fulian.notices.models import Notice, Recipient, Reply, Report, ReportStatus, Round
from fulian.notices.tests.conftest import (
    PERSONAS_LAST_DISTRICT,
    pdf,
    reminders,
    report_state,
)

ALL_200 = dict.fromkeys(
    ("district_admin", "town_a_admin", "town_b_admin", "village_editor", "viewer"), 200
)
READERS = {  # who sees 皂郊镇's report: its own org (admin, viewer) and the district
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 404,
    "village_editor": 404,
    "viewer": 200,
}


def test_lists_and_the_menu_badge(client, cast):
    for url in (
        reverse("notices:inbox"),
        reverse("notices:inbox") + "?box=sent",
        reverse("notices:rounds"),
        reverse("nav_badges"),
    ):
        check_matrix(client, cast, "GET", url, {"anonymous": 302, **ALL_200})


def test_every_page_carries_both_targets_of_the_badge(client, cast):
    """The bell in the top bar and the menu item: the fragment swaps into both."""
    client.force_login(cast.viewer)
    html = client.get("/").content.decode()
    assert 'id="badge-notices-inbox"' in html
    assert 'id="menu-badge-notices-inbox"' in html
    assert f'hx-get="{reverse("nav_badges")}"' in html


def test_notice_form(client, cast):
    check_matrix(
        client,
        cast,
        "GET",
        reverse("notices:notice_create"),
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 200,
            "village_editor": 200,
            "viewer": 403,
        },
    )


def test_sending_a_notice(client, cast):
    """Each persona sends to all its direct children: the village has none (400, the
    reason on the form), the viewer may not send (403)."""
    data = {
        "title": "通知",
        "body": "正文",
        "urgency": "normal",
        "audience": "children",
        "idempotency_key": "0b3c5d7e-0000-4000-8000-000000000001",
    }
    check_matrix(
        client,
        cast,
        "POST",
        reverse("notices:notice_create"),
        {"anonymous": 302, "village_editor": 400, "viewer": 403, "town_a_admin": 302},
        data=data,
        state=lambda: list(Recipient.objects.values_list("org__name", flat=True)),
        personas=("anonymous", "village_editor", "viewer", "town_a_admin"),
    )
    assert list(Notice.objects.get().recipients.values_list("org__name", flat=True)) == [
        "下寨子居民委员会",
        "杨家沟村民委员会",
    ]
    client.force_login(cast.village_editor)
    page = client.post(reverse("notices:notice_create"), data | {"idempotency_key": ""})
    assert "This field is required." in page.content.decode() or page.status_code == 400


def test_notice_detail(client, cast, notice):
    check_matrix(
        client,
        cast,
        "GET",
        reverse("notices:notice", args=[notice.pk]),
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 200,
            "village_editor": 404,
            "viewer": 200,
        },
    )
    # 皂郊镇's admin opened it before its viewer: the receipt is hers, both readings kept.
    assert sorted(
        Recipient.objects.filter(notice=notice).values_list("org__name", "read_by__username")
    ) == [("天水镇", "town-b-admin"), ("皂郊镇", "town-a-admin")]
    assert notice.recipients.get(org=cast.town_a).readings.count() == 2


def test_remind(client, cast, notice):
    check_matrix(
        client,
        cast,
        "POST",
        reverse("notices:notice_remind", args=[notice.pk]),
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 404,
            "viewer": 403,
        },
        state=reminders(notice),
    )
    assert reminders(notice)() == [1, 1]
    for user in (cast.town_a_admin, cast.town_b_admin):
        services.open_notice(actor=user, notice=notice)
    client.force_login(cast.district_admin)
    page = client.post(reverse("notices:notice_remind", args=[notice.pk]))
    assert page.status_code == 400
    assert "所有接收组织均已阅读，无需提醒。" in page.content.decode()
    assert reminders(notice)() == [1, 1]


def test_reply_and_mark_the_task_done(client, cast, notice):
    expected = {
        "anonymous": 302,
        "district_admin": 403,
        "town_a_admin": 302,
        "town_b_admin": 302,
        "village_editor": 404,
        "viewer": 403,
    }
    check_matrix(
        client,
        cast,
        "POST",
        reverse("notices:notice_reply", args=[notice.pk]),
        expected,
        data={"text": "已收到，按时落实。"},
        state=lambda: Reply.objects.count(),
    )
    assert Reply.objects.count() == 2
    check_matrix(
        client,
        cast,
        "POST",
        reverse("notices:notice_task_done", args=[notice.pk]),
        expected,
        state=lambda: Recipient.objects.filter(task_done_at__isnull=False).count(),
    )
    assert Recipient.objects.filter(task_done_at__isnull=False).count() == 2
    client.force_login(cast.town_a_admin)
    empty = client.post(reverse("notices:notice_reply", args=[notice.pk]), {"text": " "})
    assert empty.status_code == 400
    assert "请填写回执内容或上传文件。" in empty.content.decode()
    assert Reply.objects.count() == 2


def test_attachment_and_reply_file(client, cast, notice):
    attachment = notice.attachments.get()
    check_matrix(
        client,
        cast,
        "GET",
        reverse("notices:attachment", args=[attachment.pk]),
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 200,
            "village_editor": 404,
            "viewer": 200,
        },
    )
    answer = services.reply(
        actor=cast.town_a_admin, notice=notice, text="见附件", upload=pdf("回执.pdf")
    )
    check_matrix(
        client,
        cast,
        "GET",
        reverse("notices:reply_file", args=[answer.pk]),
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 200,
        },
    )


def test_round_form(client, cast):
    only_district = {
        "anonymous": 302,
        "district_admin": 200,
        "town_a_admin": 403,
        "town_b_admin": 403,
        "village_editor": 403,
        "viewer": 403,
    }
    check_matrix(client, cast, "GET", reverse("notices:round_create"), only_district)
    data = {
        "title": "第一季度报表",
        "period_code": "2023Q1",
        "indicators": ["events.activities"],
        "due": "2023-04-10",
        "depth": "1",
    }
    check_matrix(
        client,
        cast,
        "POST",
        reverse("notices:round_create"),
        {**only_district, "district_admin": 302},
        data=data,
        state=lambda: Round.objects.count(),
    )
    assert Round.objects.get().period_code == "2023Q1"
    client.force_login(cast.district_admin)
    bad = client.post(reverse("notices:round_create"), data | {"period_code": "2023-13"})
    assert bad.status_code == 400
    assert "月份须在 1 到 12 之间。" in bad.content.decode()
    assert Round.objects.count() == 1


def test_round_pages(client, cast, round):
    for name in ("notices:round", "notices:round_export"):
        check_matrix(
            client, cast, "GET", reverse(name, args=[round.pk]), {"anonymous": 302, **ALL_200}
        )
    check_matrix(
        client,
        cast,
        "POST",
        reverse("notices:round_start", args=[round.pk]),
        {
            "anonymous": 302,
            "district_admin": 400,  # the district sets the round, it does not report in it
            "town_a_admin": 302,
            "town_b_admin": 302,
            "village_editor": 302,
            "viewer": 403,
        },
        state=lambda: Report.objects.count(),
    )
    assert sorted(Report.objects.values_list("org__name", flat=True)) == [
        "下寨子居民委员会",
        "天水镇",
        "皂郊镇",
    ]


def test_report_pages(client, cast, report):
    check_matrix(client, cast, "GET", reverse("notices:report", args=[report.pk]), READERS)
    writers = {**READERS, "district_admin": 403, "town_a_admin": 302, "viewer": 403}
    for name, data in (
        ("notices:report_refresh", {}),
        ("notices:report_edit", {"narrative": "本年度工作总结", "submit": "1"}),
    ):
        check_matrix(
            client,
            cast,
            "POST",
            reverse(name, args=[report.pk]),
            writers,
            data=data,
            state=report_state(report),
        )
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    check_matrix(
        client,
        cast,
        "POST",
        reverse("notices:report_review", args=[report.pk]),
        # 皂郊镇 may not review its own report: refused (400), nothing changed.
        {**READERS, "district_admin": 302, "town_a_admin": 400, "viewer": 403},
        data={"decision": "accept"},
        state=report_state(report),
    )
    assert Report.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED


def test_reopen_asks_first_and_only_the_district_may(client, cast, report):
    services.submit_report(actor=cast.town_a_admin, report=report)
    services.review_report(actor=cast.district_admin, report=report, accept=True)
    url = reverse("notices:report_reopen", args=[report.pk])
    only_district = {**READERS, "town_a_admin": 403, "viewer": 403}
    check_matrix(client, cast, "GET", url, only_district)
    client.force_login(cast.district_admin)
    page = client.get(url).content.decode()
    assert "该报表已采纳并锁定。重新打开后，皂郊镇 可以修改数据和文字报告" in page
    assert 'id="confirm"' in page
    no_reason = client.post(url, {"note": ""})
    assert no_reason.status_code == 400
    assert Report.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED
    check_matrix(
        client,
        cast,
        "POST",
        url,
        {**only_district, "district_admin": 302},
        data={"note": "数据口径调整"},
        state=report_state(report),
        personas=PERSONAS_LAST_DISTRICT,
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.REOPENED
    assert report.history.last().note == "数据口径调整"


def test_report_pdf(client, cast, report, cjk_pdf):
    check_matrix(client, cast, "GET", reverse("notices:report_pdf", args=[report.pk]), READERS)


@pytest.mark.parametrize("n", [1, 12])
def test_list_and_detail_queries_do_not_grow(client, cast, django_assert_num_queries, n):
    for i in range(n):
        notice = services.send_notice(
            actor=cast.district_admin,
            title=f"通知{i}",
            body="正文",
            targets=[cast.town_a, cast.town_b, cast.village_a],
            task_kind="manual",
            task_due=datetime.date(2100, 1, 1),
        )
    rnd = services.create_round(
        actor=cast.district_admin,
        title="年度",
        period_code="2023",
        indicators=["events.activities", "events.meetings"],
        due=datetime.date(2100, 1, 1),
        depth=2,
    )
    for actor in (cast.town_a_admin, cast.town_b_admin, cast.village_editor):
        services.start_report(actor=actor, round=rnd)
    client.force_login(cast.district_admin)
    for url, queries in (
        (reverse("notices:inbox") + "?box=sent", 8),
        (reverse("notices:rounds"), 8),
        (reverse("notices:notice", args=[notice.pk]), 14),
        (reverse("notices:round", args=[rnd.pk]), 16),
    ):
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    client.force_login(cast.town_a_admin)
    with django_assert_num_queries(10):
        assert client.get(reverse("notices:inbox")).status_code == 200
