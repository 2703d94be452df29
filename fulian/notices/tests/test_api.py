"""Every endpoint of the API for the six personas (anonymous: 401); denied writes change
nothing; bad input answers 400 naming the field."""

from __future__ import annotations

import json

from fulian.core.testing import check_matrix
from fulian.notices import services
from fulian.notices.models import Notice, Reply, Report, ReportStatus, Round
from fulian.notices.tests.conftest import PERSONAS_LAST_DISTRICT, reminders, report_state

ALL_200 = dict.fromkeys(
    ("district_admin", "town_a_admin", "town_b_admin", "village_editor", "viewer"), 200
)
READERS = {  # 皂郊镇's report
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 404,
    "village_editor": 404,
    "viewer": 200,
}


def matrix(api_client, cast, method, url, expected, *, data=None, state=None, **kw):
    check_matrix(
        api_client,
        cast,
        method,
        url,
        {"anonymous": 401, **expected},
        data=json.dumps(data) if data is not None else None,
        content_type="application/json" if data is not None else None,
        state=state,
        **kw,
    )


def test_notices_list_detail_and_receipts(api_client, cast, notice):
    base = "/api/v1/notices/"
    matrix(api_client, cast, "GET", base, ALL_200)
    matrix(api_client, cast, "GET", f"{base}{notice.pk}/", {**ALL_200, "village_editor": 404})
    matrix(
        api_client,
        cast,
        "GET",
        f"{base}{notice.pk}/receipts/",
        {
            "district_admin": 200,
            "town_a_admin": 404,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 404,
        },
    )
    api_client.force_authenticate(cast.district_admin)
    rows = api_client.get(f"{base}{notice.pk}/receipts/").json()
    assert [(r["org_name"], r["read_by"], r["replies"], r["task_done_on"]) for r in rows] == [
        ("皂郊镇", "town-a-admin", 0, None),
        ("天水镇", "town-b-admin", 0, None),
    ]


def test_inbox_and_sent_boxes(api_client, cast, notice):
    services.send_notice(
        actor=cast.town_a_admin, title="镇通知", body="正文", targets=[cast.village_a]
    )
    api_client.force_authenticate(cast.town_a_admin)

    def titles(query):
        return [n["title"] for n in api_client.get(f"/api/v1/notices/?{query}").json()["results"]]

    assert titles("box=inbox&unread=1") == ["关于报送材料的通知"]
    assert titles("box=sent") == ["镇通知"]
    api_client.get(f"/api/v1/notices/{notice.pk}/")  # opening records the receipt
    assert titles("box=inbox&unread=1") == []
    assert titles("box=inbox") == ["关于报送材料的通知"]
    bad = api_client.get("/api/v1/notices/?box=trash")
    assert (bad.status_code, bad.json()) == (400, {"box": ["应为 inbox 或 sent。"]})


def test_sending_through_the_api(api_client, cast):
    url = "/api/v1/notices/"
    matrix(
        api_client,
        cast,
        "POST",
        url,
        {
            "district_admin": 201,
            "town_a_admin": 201,
            "town_b_admin": 400,  # 下寨子 is not in its subtree: no such org for it
            "village_editor": 400,
            "viewer": 403,
        },
        data={"title": "通知", "body": "正文", "recipients": [cast.village_a.pk]},
        state=lambda: Notice.objects.count(),
    )
    assert Notice.objects.count() == 2
    api_client.force_authenticate(cast.town_b_admin)
    hidden = api_client.post(
        url, {"title": "通知", "body": "正文", "recipients": [cast.village_a.pk]}, format="json"
    )
    missing = api_client.post(
        url, {"title": "通知", "body": "正文", "recipients": [999999]}, format="json"
    )
    assert hidden.json()["recipients"][0].replace(str(cast.village_a.pk), "N") == (
        missing.json()["recipients"][0].replace("999999", "N")
    )
    api_client.force_authenticate(cast.district_admin)
    key = "6f1c1f7e-8a0e-4b43-9b1e-0d6d5a1b2c3d"
    body = {"title": "致各乡镇", "body": "正文", "audience": "towns", "idempotency_key": key}
    first = api_client.post(url, body, format="json")
    again = api_client.post(url, body, format="json")
    assert (first.status_code, first.json()["n_recipients"]) == (201, 2)
    assert again.json()["id"] == first.json()["id"]
    assert api_client.post(url, {"title": "x", "body": "y"}, format="json").json() == {
        "audience": ["请选择发送范围，或指定接收组织。"]
    }
    late = api_client.post(
        url,
        {
            "title": "x",
            "body": "y",
            "audience": "towns",
            "reply_required": True,
            "reply_deadline": "2000-01-01",
        },
        format="json",
    )
    assert (late.status_code, late.json()) == (
        400,
        {"reply_deadline": ["回执截止日期不能早于发送日期。"]},
    )


def test_remind_reply_and_task_done(api_client, cast, notice):
    base = f"/api/v1/notices/{notice.pk}/"
    matrix(
        api_client,
        cast,
        "POST",
        f"{base}remind/",
        {
            "district_admin": 200,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 404,
            "viewer": 403,
        },
        state=reminders(notice),
    )
    assert reminders(notice)() == [1, 1]
    recipients_only = {
        "district_admin": 403,
        "town_a_admin": 201,
        "town_b_admin": 201,
        "village_editor": 404,
        "viewer": 403,
    }
    matrix(
        api_client,
        cast,
        "POST",
        f"{base}reply/",
        recipients_only,
        data={"text": "收到"},
        state=lambda: Reply.objects.count(),
    )
    matrix(
        api_client,
        cast,
        "POST",
        f"{base}task-done/",
        {**recipients_only, "town_a_admin": 200, "town_b_admin": 200},
        state=lambda: notice.recipients.filter(task_done_at__isnull=False).count(),
    )
    assert notice.recipients.filter(task_done_at__isnull=False).count() == 2
    api_client.force_authenticate(cast.town_a_admin)
    empty = api_client.post(f"{base}reply/", {"text": ""}, format="json")
    assert (empty.status_code, empty.json()) == (400, {"text": ["请填写回执内容或上传文件。"]})


def test_rounds(api_client, cast, round):
    matrix(api_client, cast, "GET", "/api/v1/report-rounds/", ALL_200)
    matrix(api_client, cast, "GET", f"/api/v1/report-rounds/{round.pk}/", ALL_200)
    body = {
        "title": "2023年上半年报表",
        "period_code": "2023H1",
        "indicators": ["events.activities"],
        "due": "2023-07-15",
        "depth": 1,
    }
    matrix(
        api_client,
        cast,
        "POST",
        "/api/v1/report-rounds/",
        {
            "district_admin": 201,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 403,
            "viewer": 403,
        },
        data=body,
        state=lambda: Round.objects.count(),
    )
    api_client.force_authenticate(cast.district_admin)
    bad = api_client.post(
        "/api/v1/report-rounds/", body | {"period_code": "2023-05"}, format="json"
    )
    assert (bad.status_code, bad.json()) == (400, {"period_code": ["报告期须为季度、半年或年度。"]})
    unknown = api_client.post(
        "/api/v1/report-rounds/", body | {"indicators": ["x.y"]}, format="json"
    )
    assert unknown.json() == {"indicators": ["指标不存在：x.y"]}
    assert Round.objects.count() == 2


def test_starting_a_report(api_client, cast, round):
    matrix(
        api_client,
        cast,
        "POST",
        f"/api/v1/report-rounds/{round.pk}/start/",
        {
            "district_admin": 400,
            "town_a_admin": 201,
            "town_b_admin": 201,
            "village_editor": 201,
            "viewer": 403,
        },
        state=lambda: Report.objects.count(),
    )
    assert sorted(Report.objects.values_list("org__code", flat=True)) == [
        "620502103",
        "620502103005",
        "620502108",
    ]


def test_reports(api_client, cast, report):
    url = f"/api/v1/reports/{report.pk}/"
    matrix(api_client, cast, "GET", "/api/v1/reports/", ALL_200)
    matrix(api_client, cast, "GET", url, READERS)
    writers = {**READERS, "district_admin": 403, "viewer": 403}
    matrix(
        api_client,
        cast,
        "POST",
        f"{url}save/",
        writers,
        data={
            "narrative": "总结",
            "corrections": [{"code": "events.activities", "value": "2", "reason": "补录"}],
        },
        state=report_state(report),
    )
    matrix(
        api_client,
        cast,
        "POST",
        f"{url}submit/",
        writers,
        state=report_state(report),
    )
    matrix(
        api_client,
        cast,
        "POST",
        f"{url}review/",
        {**READERS, "town_a_admin": 400, "viewer": 403},
        data={"accept": True},
        state=report_state(report),
    )
    matrix(
        api_client,
        cast,
        "POST",
        f"{url}reopen/",
        {**READERS, "town_a_admin": 403, "viewer": 403},
        data={"note": "更正口径"},
        state=report_state(report),
        personas=PERSONAS_LAST_DISTRICT,
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.REOPENED
    assert [h.to_status for h in report.history.all()] == [
        "draft",
        "submitted",
        "accepted",
        "reopened",
    ]
    figure = report.figures.get()
    assert (figure.computed, figure.corrected, figure.reason) == (0, 2, "补录")


def test_report_input_and_filters(api_client, cast, report):
    api_client.force_authenticate(cast.town_a_admin)
    url = f"/api/v1/reports/{report.pk}/save/"
    no_reason = api_client.post(
        url, {"corrections": [{"code": "events.activities", "value": "3"}]}, format="json"
    )
    assert (no_reason.status_code, no_reason.json()) == (
        400,
        {"figures": ["更正“活动次数”须填写理由。"]},
    )
    negative = api_client.post(
        url, {"corrections": [{"code": "events.activities", "value": "-1"}]}, format="json"
    )
    assert negative.status_code == 400 and "corrections" in negative.json()
    other = api_client.post(url, {"corrections": [{"code": "x", "value": "1"}]}, format="json")
    assert other.json() == {"figures": ["指标不在此报表中：x"]}
    assert report.figures.get().corrected is None
    for query, field in (("status=done", "status"), ("round=abc", "round")):
        bad = api_client.get(f"/api/v1/reports/?{query}")
        assert bad.status_code == 400 and list(bad.json()) == [field]
    listed = api_client.get(f"/api/v1/reports/?status=draft&round={report.round_id}").json()
    assert [r["org_code"] for r in listed["results"]] == ["620502103"]
