"""The API of help requests and cases: scoped like the pages, confidential fields absent
for those who may not open a case, reads logged, denied writes change nothing."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fulian.cases import services
from fulian.cases.models import (
    Case,
    CaseParty,
    FollowUp,
    HelpRequest,
    MediationSession,
    OutsideBody,
    Referral,
    RequestHistory,
)
from fulian.core.models import AccessLog
from fulian.core.testing import PERSONAS, check_matrix

pytestmark = pytest.mark.django_db

D = datetime.date
JSON = "application/json"
LIST = {
    "anonymous": 401,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 200,
    "village_editor": 200,
    "viewer": 200,
}
CASE_READ = {**LIST, "town_b_admin": 404, "viewer": 404}
CASE_WRITE = {
    "anonymous": 401,
    "district_admin": 403,
    "town_a_admin": 200,
    "town_b_admin": 404,
    "village_editor": 200,
    "viewer": 404,
}
CONFIDENTIAL = {"summary", "parties", "sessions", "agreement_text", "outcome_note", "history"}


def one_each(make):
    made = iter([make() for _ in PERSONAS])
    return lambda: next(made)


def case_state():
    return (
        list(Case.objects.order_by("pk").values_list("status", "outcome", "agreement_name")),
        CaseParty.objects.count(),
        MediationSession.objects.count(),
        Referral.objects.count(),
        FollowUp.objects.filter(done_on__isnull=False).count(),
        AccessLog.objects.exclude(field="case").count(),
    )


# --- help requests ---------------------------------------------------------------------------


def test_help_request_reads(client, cast, make_request):
    req = make_request()
    check_matrix(client, cast, "GET", "/api/v1/help-requests/", LIST)
    check_matrix(
        client, cast, "GET", f"/api/v1/help-requests/{req.pk}/", {**LIST, "town_b_admin": 404}
    )
    client.force_login(cast.village_editor)
    body = client.get(f"/api/v1/help-requests/{req.pk}/").json()
    assert body["phone"] == "138****1111" and "13800001111" not in str(body)
    assert body["status"] == "received" and body["has_case"] is False
    assert body["allowed_moves"] == ["assigned", "in_progress"]
    assert [h["to_status"] for h in body["history"]] == ["received"]
    client.force_login(cast.viewer)
    assert client.get(f"/api/v1/help-requests/{req.pk}/").json()["allowed_moves"] == []


def test_help_request_filters(client, cast, make_request):
    late = make_request(received_on=D(2023, 3, 1), category="legal")
    make_request(received_on=D(2023, 3, 1), category="hardship", source="walk_in")
    client.force_login(cast.town_a_admin)

    def ids(query):
        return [r["id"] for r in client.get(f"/api/v1/help-requests/?{query}").json()["results"]]

    assert ids("category=legal") == [late.pk]
    assert len(ids("overdue=true")) == 2 and len(ids("open=true&year=2023")) == 2
    assert ids("source=walk_in&overdue=false") == []
    bad = client.get("/api/v1/help-requests/?category=nonsense")
    assert bad.status_code == 400 and "category" in bad.json()


def test_help_request_intake_matrix(client, cast):
    data = {
        "source": "hotline",
        "category": "marriage",
        "place": cast.village_a.pk,
        "description": "12338 来电：丈夫酗酒后摔东西。",
        "phone": "13800004444",
    }
    check_matrix(
        client,
        cast,
        "POST",
        "/api/v1/help-requests/",
        {
            "anonymous": 401,
            "district_admin": 201,
            "town_a_admin": 201,
            "town_b_admin": 404,  # 下寨子 is not under 天水镇
            "village_editor": 201,
            "viewer": 403,
        },
        data=data,
        content_type=JSON,
        state=lambda: HelpRequest.objects.count(),
    )
    client.force_login(cast.village_editor)
    key = str(uuid.uuid4())
    first = client.post(
        "/api/v1/help-requests/", {**data, "idempotency_key": key}, content_type=JSON
    )
    again = client.post(
        "/api/v1/help-requests/", {**data, "idempotency_key": key}, content_type=JSON
    )
    assert first.json()["id"] == again.json()["id"] and HelpRequest.objects.count() == 4
    bad = client.post(
        "/api/v1/help-requests/", {**data, "source": "online", "received_on": "2023-13-01"},
        content_type=JSON,
    )  # fmt: skip
    assert bad.status_code == 400 and set(bad.json()) == {"source", "received_on"}
    short = client.post("/api/v1/help-requests/", {**data, "description": "短"}, content_type=JSON)
    assert short.status_code == 400
    assert short.json() == {"description": ["请简要说明遇到的情况（至少 5 个字）。"]}


@pytest.mark.parametrize(
    ("action", "setup", "data"),
    [
        ("assign", [], {}),
        ("start", [], {}),
        ("reply", [], {"text": "已收到", "public": True}),
        ("answer", ["start"], {"text": "已答复"}),
        ("reopen", ["start", "answer"], {"note": "她又来电"}),
        ("close", ["start", "answer"], {"feedback": "satisfied"}),
        ("reassign", ["assign"], {"org": "TOWN", "note": "需镇里协调"}),
        ("phone", [], {"reason": "回电"}),
    ],
)
def test_help_request_action_matrix(client, cast, make_request, action, setup, data):
    from fulian.accounts.models import Role, User

    setup_user = User.objects.create_user("setup", "x", org=cast.district, role=Role.EDITOR)

    def make():
        req = make_request(actor=setup_user)
        for step in setup:
            if step == "assign":
                services.assign_request(actor=setup_user, request=req)
            if step == "start":
                services.start_request(actor=setup_user, request=req)
            if step == "answer":
                services.answer_request(actor=setup_user, request=req, text="初步答复")
        return req

    req = one_each(make)
    payload = {k: (cast.town_a.pk if v == "TOWN" else v) for k, v in data.items()}
    check_matrix(
        client,
        cast,
        "POST",
        lambda: f"/api/v1/help-requests/{req().pk}/{action}/",
        {
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 200,
            "viewer": 403,
        },
        data=payload,
        content_type=JSON,
        state=lambda: (
            RequestHistory.objects.exclude(actor=setup_user).exclude(from_status="").count(),
            AccessLog.objects.count(),
        ),
    )


def test_phone_reveal_and_a_handler_from_elsewhere(client, cast, make_request):
    req = make_request()
    client.force_login(cast.village_editor)
    response = client.post(
        f"/api/v1/help-requests/{req.pk}/phone/", {"reason": "回电约见"}, content_type=JSON
    )
    assert response.json() == {"value": "13800001111"}
    assert AccessLog.objects.get().reason == "回电约见"
    for handler in (cast.town_b_admin.pk, 99999):  # another town's, and nobody's: one answer
        response = client.post(
            f"/api/v1/help-requests/{req.pk}/assign/", {"handler": handler}, content_type=JSON
        )
        assert response.status_code == 400
        assert response.json() == {"handler": ["承办人须是承办组织（或其下级）的工作人员。"]}


def test_handed_up_the_tree_out_of_sight(client, cast, make_request):
    req = make_request()
    client.force_login(cast.village_editor)
    response = client.post(
        f"/api/v1/help-requests/{req.pk}/reassign/",
        {"org": cast.town_a.pk, "note": "需镇里协调"},
        content_type=JSON,
    )
    assert response.json() == {"id": req.pk, "status": "assigned"}
    assert client.get(f"/api/v1/help-requests/{req.pk}/").status_code == 404


# --- cases -----------------------------------------------------------------------------------


def test_case_reads(client, cast, make_case):
    case = make_case()
    check_matrix(client, cast, "GET", "/api/v1/cases/", LIST)
    check_matrix(client, cast, "GET", f"/api/v1/cases/{case.pk}/", CASE_READ)
    check_matrix(client, cast, "GET", "/api/v1/case-stats/", LIST)
    check_matrix(client, cast, "GET", "/api/v1/case-follow-ups/", LIST)
    check_matrix(client, cast, "GET", "/api/v1/case-referrals/", LIST)
    check_matrix(
        client, cast, "GET", "/api/v1/cases/99999/", {**dict.fromkeys(LIST, 404), "anonymous": 401}
    )


def test_confidential_fields_are_absent_for_those_who_may_not_open(client, cast, make_case):
    case = make_case()
    client.force_login(cast.district_admin)
    row = client.get("/api/v1/cases/").json()["results"][0]
    assert row["opens"] is False and row["party_names"] == []
    assert CONFIDENTIAL.isdisjoint(row) and "甲某某" not in str(row)
    plain = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert plain["reason_required"] is True and CONFIDENTIAL.isdisjoint(plain)
    assert AccessLog.objects.count() == 0
    whole = client.get(f"/api/v1/cases/{case.pk}/", {"reason": "信访复核"}).json()
    assert whole["summary"] == "夫妻因家务分工和老人赡养多次争吵。"
    assert [p["name"] for p in whole["parties"]] == ["甲某某", "乙某某", "丙小某"]
    assert whole["parties"][0]["phone"] == "139****2222"
    assert whole["allowed_moves"] == []  # a reader moves nothing
    log = AccessLog.objects.get()
    assert (log.user, log.field, log.reason) == (cast.district_admin, "case", "信访复核")
    client.force_login(cast.village_editor)
    row = client.get("/api/v1/cases/").json()["results"][0]
    assert row["opens"] is True and row["party_names"] == ["甲某某", "乙某某"]  # no minor
    client.force_login(cast.viewer)
    assert client.get("/api/v1/cases/").json()["count"] == 0
    stats = client.get("/api/v1/case-stats/", {"year": 2023}).json()
    assert stats["total"] == 1 and stats["minors"] == 1
    assert stats["by_org"] == [
        {"org": cast.town_a.pk, "name": "皂郊镇", "cases": 1, "high_risk": 0}
    ]
    assert {r["value"]: r["count"] for r in stats["by_risk"]} == {
        "normal": 1,
        "elevated": 0,
        "high": 0,
    }
    assert client.get("/api/v1/case-stats/", {"year": "x"}).status_code == 400


def test_case_create_matrix(client, cast, workroom):
    check_matrix(
        client,
        cast,
        "POST",
        "/api/v1/cases/",
        {
            "anonymous": 401,
            "district_admin": 201,
            "town_a_admin": 201,
            "town_b_admin": 404,
            "village_editor": 404,  # the workroom is not under 下寨子
            "viewer": 403,  # read-only
        },
        data={
            "venue": workroom.pk,
            "dispute_type": "custody",
            "risk": "elevated",
            "summary": "离婚后探视孩子的时间谈不拢。",
            "opened_on": "2023-05-04",
            "mediators": [cast.village_editor.pk],
            "mediator_names": ["张调解员"],
        },
        content_type=JSON,
        state=lambda: Case.objects.count(),
    )
    client.force_login(cast.town_a_admin)
    case = Case.objects.order_by("pk").last()
    assert [m.name for m in case.mediators.all()] == ["village-editor 测试", "张调解员"]
    foreign = client.post(
        "/api/v1/cases/",
        {
            "venue": workroom.pk,
            "dispute_type": "custody",
            "risk": "normal",
            "summary": "x",
            "mediators": [cast.town_b_admin.pk],
        },
        content_type=JSON,
    )
    assert foreign.status_code == 400
    assert foreign.json() == {"user": ["只能指派本组织范围内的执委。"]}


@pytest.mark.parametrize(
    ("action", "concluded", "data"),
    [
        ("parties", False, {"role": "other", "name": "丁某", "id_number": "620502199003150028"}),
        ("mediators", False, {"name": "李调解员"}),
        ("sessions", False, {"date": "2023-05-10", "attendees": "甲某某、乙某某"}),
        ("conclude", False, {"outcome": "partial", "on": "2023-05-31"}),
        ("resume", True, {"reason": "协议未履行"}),
        ("close", True, {"on": "2023-06-05"}),
        ("refer", False, {"to_body": "COURT", "reason": "起诉", "on": "2023-05-10"}),
        ("reveal", False, {"party": "PARTY", "field": "phone", "reason": "回电"}),
    ],
)
def test_case_write_matrix(client, cast, make_case, action, concluded, data):
    services.ensure_defaults()
    court = OutsideBody.objects.get(name="秦州区人民法院")

    def make():
        case = make_case()
        if concluded:
            services.conclude_case(
                actor=cast.town_a_admin, case=case, outcome="success", on=D(2023, 6, 1)
            )
        return case

    case = one_each(make)

    def url():
        target = case()
        payload.update(
            {k: target.parties.order_by("pk").first().pk for k, v in data.items() if v == "PARTY"}
        )
        return f"/api/v1/cases/{target.pk}/{action}/"

    payload = {k: (court.pk if v == "COURT" else v) for k, v in data.items()}
    check_matrix(
        client, cast, "POST", url, CASE_WRITE, data=payload, content_type=JSON, state=case_state
    )


def test_case_workflow_through_the_api(client, cast, make_case):
    case = make_case(risk="high")
    client.force_login(cast.village_editor)
    url = f"/api/v1/cases/{case.pk}"
    body = client.post(
        f"{url}/sessions/", {"date": "2023-05-10", "attendees": "甲某某、乙某某"}, content_type=JSON
    ).json()
    assert body["status"] == "mediating" and body["allowed_moves"] == ["concluded"]
    body = client.post(
        f"{url}/conclude/", {"outcome": "success", "on": "2023-05-31"}, content_type=JSON
    ).json()
    assert [(f["months"], f["due_on"]) for f in body["follow_ups"]] == [
        (1, "2023-06-30"),
        (3, "2023-08-31"),
        (6, "2023-11-30"),
    ]
    refused = client.post(f"{url}/close/", {"on": "2023-06-01"}, content_type=JSON)
    assert refused.status_code == 400
    assert refused.json() == {"detail": ["高风险案件须至少完成一次回访后才能结案。"]}
    due = client.get("/api/v1/case-follow-ups/?pending=true&due_before=2023-07-01").json()
    assert [f["months"] for f in due["results"]] == [1]
    done = client.post(
        f"/api/v1/case-follow-ups/{due['results'][0]['id']}/done/",
        {"on": "2023-06-28", "finding": "双方按协议履行"},
        content_type=JSON,
    ).json()
    assert done["on_time"] is True
    closed = client.post(f"{url}/close/", {"on": "2023-07-01"}, content_type=JSON).json()
    assert closed["status"] == "closed"
    client.force_login(cast.viewer)
    assert (
        client.post(
            f"/api/v1/case-follow-ups/{due['results'][0]['id']}/done/",
            {"on": "2023-06-29", "finding": "x"},
            content_type=JSON,
        ).status_code
        == 404
    )


def test_referrals_through_the_api(client, cast, make_case):
    services.ensure_defaults()
    court = OutsideBody.objects.get(name="秦州区人民法院")
    case = make_case()
    client.force_login(cast.town_a_admin)
    body = client.post(
        f"/api/v1/cases/{case.pk}/refer/",
        {"to_body": court.pk, "reason": "起诉离婚", "on": "2023-05-10"},
        content_type=JSON,
    ).json()
    referral = body["referrals"][0]
    assert (referral["receiver_name"], referral["answer_by"], referral["overdue"]) == (
        "秦州区人民法院",
        "2023-05-20",
        True,
    )
    awaiting = client.get("/api/v1/case-referrals/?awaiting=true").json()["results"]
    assert [r["id"] for r in awaiting] == [referral["id"]]
    answered = client.post(
        f"/api/v1/case-referrals/{referral['id']}/answer/",
        {"answer": "已立案", "on": "2023-05-15"},
        content_type=JSON,
    ).json()
    assert answered["status"] == "answered" and answered["overdue"] is False
    both = client.post(
        f"/api/v1/cases/{case.pk}/refer/",
        {"to_body": court.pk, "to_org": cast.district.pk, "reason": "x"},
        content_type=JSON,
    )
    assert both.status_code == 400
    assert both.json() == {"to_org": ["请选择转介至一个组织或一个外部机构。"]}
    for persona in ("viewer", "district_admin", "town_b_admin"):
        client.force_login(getattr(cast, persona))
        assert client.get("/api/v1/case-referrals/").json()["count"] == 0
        response = client.post(
            f"/api/v1/case-referrals/{referral['id']}/withdraw/",
            {"reason": "x"},
            content_type=JSON,
        )
        assert response.status_code == 404


def test_agreement_upload_is_checked_by_content(client, cast, make_case):
    case = make_case()
    client.force_login(cast.village_editor)
    fake = SimpleUploadedFile("协议.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(f"/api/v1/cases/{case.pk}/agreement/", {"file": fake})
    assert response.status_code == 400
    assert response.json() == {
        "detail": ["只能上传照片（JPEG、PNG、WebP）、PDF、Word 或 Excel 文件。"]
    }
    real = SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n%%EOF\n")
    body = client.post(f"/api/v1/cases/{case.pk}/agreement/", {"file": real}).json()
    assert body["has_agreement_file"] is True


# --- public ----------------------------------------------------------------------------------


def test_public_request_and_status(api_client, cast):
    response = api_client.post(
        "/api/v1/public/help-requests/",
        {
            "category": "counselling",
            "place": cast.village_a.pk,
            "description": "孩子叛逆，我很焦虑，想找人聊聊。",
            "phone": "13800005555",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "received" and body["replies"] == []
    code = body["tracking_code"]
    req = HelpRequest.objects.get()
    assert req.org == cast.village_a and req.display_code == code
    services.add_reply(actor=cast.village_editor, request=req, text="明天上午给您回电。")
    services.add_reply(
        actor=cast.village_editor, request=req, text="内部：已告知网格员", public=False
    )
    status = api_client.post(
        "/api/v1/public/help-requests/status/", {"code": code.lower()}, format="json"
    ).json()
    assert [r["text"] for r in status["replies"]] == ["明天上午给您回电。"]
    assert "13800005555" not in str(status)
    wrong = [
        api_client.post("/api/v1/public/help-requests/status/", {"code": c}, format="json")
        for c in ("ABCD-EFGH-JKMN", "2", "'; select 1")
    ]
    assert {(r.status_code, r.content) for r in wrong} == {(404, wrong[0].content)}
    missing_place = api_client.post(
        "/api/v1/public/help-requests/",
        {"category": "other", "place": 99999, "description": "需要帮助的情况", "phone": "138"},
        format="json",
    )
    assert missing_place.status_code == 400
    assert missing_place.json() == {"place": ["请选择所在的村（社区）。"]}


def test_public_status_is_rate_limited(api_client, cast, settings):
    settings.FULIAN_CASES_STATUS_LIMIT = 3
    codes = [
        api_client.post(
            "/api/v1/public/help-requests/status/", {"code": "AAAA"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert codes == [404, 404, 404, 429]
