"""Bad input on the pages: each refused with a clear Chinese message and nothing changed;
a late reply accepted and marked late. (The services' own refusals: test_services.)"""

from __future__ import annotations

import datetime

from django.urls import reverse

from fulian.notices import services
from fulian.notices.models import Notice, Reply, Report, ReportStatus
from fulian.notices.tests.conftest import at


def _submitted(cast):
    rnd = services.create_round(
        actor=cast.district_admin,
        title="年度报表",
        period_code="2023",
        indicators=["events.activities"],
        due=datetime.date(2024, 1, 15),
    )
    report = services.start_report(actor=cast.town_a_admin, round=rnd)
    services.submit_report(actor=cast.town_a_admin, report=report)
    return report


def test_a_code_outside_the_subtree_on_the_notice_form(client, cast):
    client.force_login(cast.town_a_admin)
    page = client.post(
        reverse("notices:notice_create"),
        {
            "title": "通知",
            "body": "正文",
            "urgency": "normal",
            "audience": "chosen",
            "codes": "620502103005 620502108202",
            "idempotency_key": "0b3c5d7e-0000-4000-8000-000000000009",
        },
    )
    assert page.status_code == 400
    assert "没有代码为 620502108202 的下级组织：只能向本组织的下级组织发送通知。" in (
        page.content.decode()
    )
    assert "李尧" not in page.content.decode()
    assert Notice.objects.count() == 0


def test_a_late_reply_on_the_page_is_kept_and_marked_late(client, cast, time_machine):
    time_machine.move_to(at("2023-06-01"), tick=False)
    notice = services.send_notice(
        actor=cast.district_admin,
        title="通知",
        body="正文",
        targets=[cast.town_a],
        reply_required=True,
        reply_deadline=datetime.date(2023, 6, 10),
    )
    time_machine.move_to(at("2023-06-12"), tick=False)
    client.force_login(cast.town_a_admin)
    page = client.post(
        reverse("notices:notice_reply", args=[notice.pk]), {"text": "补报材料。"}, follow=True
    )
    assert "回执已提交（已过截止日期，标记为逾期）。" in page.content.decode()
    assert list(Reply.objects.values_list("text", "late")) == [("补报材料。", True)]


def test_editing_a_locked_report_on_the_page(client, cast):
    report = _submitted(cast)
    services.review_report(actor=cast.district_admin, report=report, accept=True)
    client.force_login(cast.town_a_admin)
    page = client.post(reverse("notices:report_edit", args=[report.pk]), {"narrative": "改"})
    assert page.status_code == 400
    assert "报表已采纳，不能修改；如需更正，请区妇联重新打开。" in page.content.decode()
    assert Report.objects.get().narrative == ""


def test_a_review_by_the_submitting_org_on_the_page(client, cast):
    report = _submitted(cast)
    client.force_login(cast.town_a_admin)
    page = client.post(reverse("notices:report_review", args=[report.pk]), {"decision": "accept"})
    assert page.status_code == 400
    assert "不能审核本组织报送的报表，须由上级组织审核。" in page.content.decode()
    assert Report.objects.get().status == ReportStatus.SUBMITTED
