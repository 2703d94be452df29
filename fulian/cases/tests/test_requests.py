"""Help requests: the public form and status page, routing, the workflow, reassignment,
overdue flags, the phone, and every page's permission matrix."""

import datetime
import re
import secrets
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fulian.cases import services
from fulian.cases.models import (
    CODE_ALPHABET,
    CategoryRule,
    HelpRequest,
    RequestHistory,
    RequestReply,
    RequestStatus,
    Source,
)
from fulian.core import periods
from fulian.core.models import AccessLog
from fulian.core.testing import PERSONAS, check_matrix

pytestmark = pytest.mark.django_db

ALL_200 = dict.fromkeys(PERSONAS, 200)


def public_post(client, cast, **extra):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "category": "marriage",
        "place": str(cast.village_a.pk),
        "description": "和婆婆经常吵架，丈夫不管，想请妇联帮忙调解。",
        "name": "王女士",
        "phone": "138 0000 2222",
        "may_call": "on",
    }
    data.update(extra)
    return client.post(reverse("cases:public_form"), data), data


def test_public_pages_need_no_login(client, cast):
    for name in ("cases:public_form", "cases:public_status"):
        check_matrix(client, cast, "GET", reverse(name), ALL_200)
    response = client.get(reverse("cases:public_places"), {"place_q": "xzz"})
    assert response.status_code == 200
    assert "下寨子居民委员会" in response.content.decode()


@pytest.mark.parametrize("query", ["下寨子", "下寨子居民委員會", "xzz", "xiazhaizi"])
def test_village_search_in_simplified_traditional_and_pinyin(client, cast, query):
    response = client.get(reverse("cases:public_places"), {"place_q": query})
    assert f'value="{cast.village_a.pk}"' in response.content.decode()


def test_public_request_is_routed_encrypted_and_given_a_code(client, cast):
    response, _data = public_post(client, cast)
    assert response.status_code == 302
    req = HelpRequest.objects.get()
    assert req.org == cast.village_a
    assert req.source == Source.ONLINE
    assert req.status == RequestStatus.RECEIVED
    assert "13800002222" not in req.phone_cipher
    assert req.phone == "13800002222"
    assert req.masked_phone == "138****2222"
    assert len(req.tracking_code) == 12 and set(req.tracking_code) <= set(CODE_ALPHABET)
    assert req.due_on == req.received_on + datetime.timedelta(days=7)
    sent = client.get(response["Location"])
    assert req.display_code in sent.content.decode()
    assert list(req.history.values_list("from_status", "to_status")) == [("", "received")]


def test_a_form_submitted_twice_creates_one_request(client, cast):
    key = str(uuid.uuid4())
    first, _ = public_post(client, cast, idempotency_key=key)
    second, _ = public_post(client, cast, idempotency_key=key)
    assert first.status_code == second.status_code == 302
    assert HelpRequest.objects.count() == 1


def test_public_form_errors_and_the_no_script_place_search(client, cast):
    response, _ = public_post(client, cast, place="", description="短", phone="")
    assert response.status_code == 400
    assert HelpRequest.objects.count() == 0
    body = response.content.decode()
    assert "请选择所在的村（社区）。" in body
    # Without scripts, 查找 searches and comes back with the choices, keeping what was typed.
    response, _ = public_post(client, cast, place="", find="1", place_q="yjg")
    body = response.content.decode()
    assert f'value="{cast.village_a2.pk}"' in body and "和婆婆经常吵架" in body
    assert HelpRequest.objects.count() == 0


def test_violence_and_child_protection_go_to_the_town(cast, make_request):
    assert make_request(category="violence").org == cast.town_a
    assert make_request(category="child").org == cast.town_a
    assert make_request(category="legal").org == cast.village_a
    # The district configures it.
    services.set_category_rule(
        actor=cast.district_admin, category="legal", days=3, route_to_town=True
    )
    req = make_request(category="legal")
    assert req.org == cast.town_a and req.due_on == req.received_on + datetime.timedelta(days=3)
    with pytest.raises(PermissionDenied):
        services.set_category_rule(
            actor=cast.town_a_admin, category="legal", days=3, route_to_town=False
        )
    with pytest.raises(ValidationError, match="1 至 90"):
        services.set_category_rule(
            actor=cast.district_admin, category="legal", days=0, route_to_town=False
        )


def test_staff_intake_sources_and_scope(cast, make_request):
    req = make_request(
        source=Source.VISIT, source_ref="走访记录 2023-0412", actor=cast.village_editor
    )
    assert req.source_ref == "走访记录 2023-0412" and req.created_by == cast.village_editor
    with pytest.raises(PermissionDenied):
        make_request(actor=cast.town_b_admin)  # 下寨子 is not under 天水镇
    with pytest.raises(PermissionDenied):
        make_request(actor=cast.viewer)
    with pytest.raises(ValidationError, match="网上求助只能由求助人自己提交"):
        make_request(source=Source.ONLINE)


def test_the_whole_workflow_seen_through_the_status_page(client, cast):
    public_post(client, cast)
    req = HelpRequest.objects.get()
    services.assign_request(actor=cast.village_editor, request=req)
    services.start_request(actor=cast.village_editor, request=req)
    services.add_reply(
        actor=cast.village_editor, request=req, text="内部：已联系网格员", public=False
    )
    services.answer_request(
        actor=cast.village_editor, request=req, text="已约您周三上午来妇女之家面谈。"
    )
    services.close_request(
        actor=cast.village_editor, request=req, feedback="satisfied", feedback_text="谢谢"
    )
    req.refresh_from_db()
    assert req.status == RequestStatus.CLOSED and req.feedback == "satisfied"
    assert list(req.history.values_list("to_status", flat=True)) == [
        "received",
        "assigned",
        "in_progress",
        "in_progress",
        "answered",
        "closed",
    ]
    response = client.post(reverse("cases:public_status"), {"code": req.display_code.lower()})
    body = response.content.decode()
    assert "已办结" in body and "已约您周三上午来妇女之家面谈。" in body
    assert "内部：已联系网格员" not in body and "13800002222" not in body
    with pytest.raises(ValidationError, match="不能从“已办结”变为“办理中”"):
        services.reopen_request(actor=cast.village_editor, request=req, note="再看看")


def test_stale_status_is_refused(cast, make_request):
    req = make_request()
    stale = HelpRequest.objects.get(pk=req.pk)
    services.assign_request(actor=cast.town_a_admin, request=req)
    with pytest.raises(ValidationError, match="已被他人处理"):
        services.start_request(actor=cast.village_editor, request=stale)


def strip_csrf(content: bytes) -> str:
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())
    text = re.sub(r'nonce="[^"]+"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)


def test_wrong_codes_answer_like_missing_ones(client, cast, make_request):
    make_request()
    url = reverse("cases:public_status")
    answers = {
        strip_csrf(client.post(url, {"code": code}).content)
        for code in ("ABCD-EFGH-JKMN", "23456789ABCD", "X", "'; drop table --")
    }
    assert len(answers) == 1
    assert "没有查到" in answers.pop()


def test_ten_thousand_random_codes_find_nothing(client, cast, make_request, settings):
    settings.FULIAN_CASES_STATUS_LIMIT = 10**6
    real = {make_request().tracking_code for _ in range(3)}
    url = reverse("cases:public_status")
    found = 0
    for _ in range(10_000):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        assert code not in real
        # The htmx answer of the same page: the same lookup, without the page around it.
        response = client.post(url, {"code": code}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        if "status-result" in response.content.decode():
            found += 1
    assert found == 0


def test_status_page_is_rate_limited(client, cast, settings):
    settings.FULIAN_CASES_STATUS_LIMIT = 5
    url = reverse("cases:public_status")
    codes = [client.post(url, {"code": "AAAA"}).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_reassign_up_and_down_the_tree(cast, make_request):
    req = make_request()
    services.assign_request(actor=cast.village_editor, request=req)
    # Up: the village hands it to its town, above its own scope.
    services.reassign_request(
        actor=cast.village_editor, request=req, org=cast.town_a, note="涉及宅基地，需镇里协调"
    )
    req.refresh_from_db()
    assert req.org == cast.town_a and req.status == RequestStatus.ASSIGNED
    assert not HelpRequest.objects.for_user(cast.village_editor).filter(pk=req.pk).exists()
    # Down: the town hands it to another village.
    services.reassign_request(
        actor=cast.town_a_admin, request=req, org=cast.village_a2, note="当事人现住杨家沟"
    )
    req.refresh_from_db()
    assert req.org == cast.village_a2
    assert [h.org for h in req.history.all()][-2:] == [cast.town_a, cast.village_a2]
    with pytest.raises(PermissionDenied):
        services.reassign_request(
            actor=cast.town_a_admin, request=req, org=cast.village_b, note="转天水镇"
        )
    with pytest.raises(ValidationError, match="请说明转办理由"):
        services.reassign_request(
            actor=cast.town_a_admin, request=req, org=cast.village_a, note=" "
        )


def test_overdue_requests_are_flagged_to_the_org_above(client, cast, make_request):
    today = periods.today()
    late = make_request(received_on=today - datetime.timedelta(days=10))
    make_request()  # in time
    done = make_request(received_on=today - datetime.timedelta(days=10))
    services.start_request(actor=cast.village_editor, request=done)
    services.answer_request(actor=cast.village_editor, request=done, text="已答复")
    assert list(HelpRequest.objects.overdue(today)) == [late]
    client.force_login(cast.town_a_admin)
    response = client.get(reverse("cases:inbox"))
    assert response.context["overdue_below"] == 1
    assert "下级有 1 件诉求已超过办理时限" in response.content.decode()
    response = client.get(reverse("cases:inbox"), {"overdue": "on"})
    assert [r.pk for r in response.context["page"]] == [late.pk]
    client.force_login(cast.village_editor)
    assert client.get(reverse("cases:inbox")).context["overdue_below"] == 0


def test_inbox_filters_and_query_count(client, cast, make_request, django_assert_num_queries):
    for category in ("marriage", "legal", "hardship", "legal"):
        make_request(category=category)
    client.force_login(cast.town_a_admin)
    response = client.get(reverse("cases:inbox"), {"category": "legal"})
    assert len(response.context["page"]) == 2
    client.get(reverse("cases:inbox"))
    # session, user, org, two counts (pager, overdue below), permissions (2), the page,
    # the session's idle-timeout touch (savepoint, update, release)
    with django_assert_num_queries(11):
        client.get(reverse("cases:inbox"))
    for _ in range(6):
        make_request()
    with django_assert_num_queries(11):
        response = client.get(reverse("cases:inbox"))
    assert len(response.context["page"]) == 10


def test_reveal_phone_is_logged(client, cast, make_request):
    req = make_request()
    client.force_login(cast.village_editor)
    page = client.get(reverse("cases:request", args=[req.pk])).content.decode()
    assert "138****1111" in page and "13800001111" not in page
    response = client.post(reverse("cases:request_phone", args=[req.pk]), {"reason": "回电约见"})
    assert "13800001111" in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.user, log.field, log.reason, log.target_id) == (
        cast.village_editor,
        "phone",
        "回电约见",
        str(req.pk),
    )


REQUEST_READ = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 404,
    "village_editor": 200,
    "viewer": 200,
}
REQUEST_WRITE = {
    "anonymous": 302,
    "district_admin": 302,
    "town_a_admin": 302,
    "town_b_admin": 404,
    "village_editor": 302,
    "viewer": 403,
}


def moves(setup=None):
    """What a request action changes, leaving out what the setup user did."""
    return (
        RequestHistory.objects.exclude(from_status="").exclude(actor=setup).count(),
        RequestReply.objects.exclude(author=setup).count(),
        AccessLog.objects.count(),
    )


def test_request_page_matrix(client, cast, make_request):
    req = make_request()
    check_matrix(client, cast, "GET", reverse("cases:request", args=[req.pk]), REQUEST_READ)
    check_matrix(client, cast, "GET", reverse("cases:inbox"), {**REQUEST_READ, "town_b_admin": 200})
    check_matrix(
        client,
        cast,
        "GET",
        reverse("cases:request_create"),
        {**REQUEST_READ, "town_b_admin": 200, "viewer": 403},
    )


@pytest.mark.parametrize(
    ("name", "status", "data"),
    [
        ("cases:request_assign", RequestStatus.RECEIVED, {"note": ""}),
        ("cases:request_start", RequestStatus.RECEIVED, {}),
        ("cases:request_reply", RequestStatus.RECEIVED, {"text": "已收到", "public": "on"}),
        ("cases:request_answer", RequestStatus.IN_PROGRESS, {"text": "已答复"}),
        ("cases:request_reopen", RequestStatus.ANSWERED, {"note": "她又来电"}),
        ("cases:request_close", RequestStatus.ANSWERED, {"feedback": "basic"}),
        ("cases:request_reassign", RequestStatus.ASSIGNED, {"note": "转镇", "org": "TOWN"}),
        ("cases:request_phone", RequestStatus.RECEIVED, {"reason": "回电"}),
    ],
)
def test_request_action_matrix(client, cast, make_request, name, status, data):
    from fulian.accounts.models import Role, User

    setup = User.objects.create_user("setup", "x", org=cast.district, role=Role.EDITOR)

    def fresh():
        req = make_request(actor=setup)
        if status != RequestStatus.RECEIVED:
            services.assign_request(actor=setup, request=req)
        if status in (RequestStatus.IN_PROGRESS, RequestStatus.ANSWERED):
            services.start_request(actor=setup, request=req)
        if status == RequestStatus.ANSWERED:
            services.answer_request(actor=setup, request=req, text="初步答复")
        return reverse(name, args=[req.pk])

    payload = {k: (str(cast.town_a.pk) if v == "TOWN" else v) for k, v in data.items()}
    expected = dict(REQUEST_WRITE)
    if name == "cases:request_phone":
        expected.update({"district_admin": 200, "town_a_admin": 200, "village_editor": 200})
    check_matrix(client, cast, "POST", fresh, expected, data=payload, state=lambda: moves(setup))


def test_config_matrix(client, cast):
    check_matrix(
        client,
        cast,
        "GET",
        reverse("cases:config"),
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 403,
            "viewer": 403,
        },
    )
    check_matrix(
        client,
        cast,
        "POST",
        reverse("cases:config"),
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 403,
            "viewer": 403,
        },
        data={"form": "rule", "category": "other", "days": "12"},
        state=lambda: list(CategoryRule.objects.values_list("category", "days")),
    )
    assert CategoryRule.objects.get(category="other").days == 12


def test_a_place_id_no_column_can_hold_is_a_clear_400(client, cast):
    response, _ = public_post(client, cast, place="99999999999999999999999")
    assert response.status_code == 400
    assert "请选择所在的村（社区）。" in response.content.decode()


def test_a_request_from_a_visit_links_the_visit_in_scope_only(cast, make_request, client):
    from fulian.duty import services as duty
    from fulian.duty.tests.conftest import make_person

    def visit_in(village, name):
        return duty.record_visit(
            actor=cast.district_admin, org=village,
            visitor=make_person(village, "王秀英", executive_of=village),
            visited_on=datetime.date(2023, 6, 15), name=name, look="房屋漏雨",
        )  # fmt: skip

    visit = visit_in(cast.village_a, "刘桂兰")
    other = visit_in(cast.village_b, "马玉兰")
    with pytest.raises(ValidationError, match="只有走访发现的诉求才能关联走访记录"):
        make_request(visit_ref=visit.pk)
    with pytest.raises(ValidationError, match="没有这条走访记录"):
        make_request(actor=cast.town_a_admin, source=Source.VISIT, visit_ref=other.pk)
    with pytest.raises(ValidationError, match="没有这条走访记录"):
        make_request(actor=cast.town_a_admin, source=Source.VISIT, visit_ref=10**9)
    req = make_request(actor=cast.town_a_admin, source=Source.VISIT, visit_ref=visit.pk)
    assert req.visit == visit
    assert list(visit.help_requests.all()) == [req]
    client.force_login(cast.town_a_admin)
    page = client.get(f"/cases/requests/{req.pk}/").content.decode()
    assert f'href="/duty/visits/{visit.pk}/"' in page


def test_the_visit_page_opens_a_request_prefilled_from_its_need(cast, client):
    from fulian.duty import services as duty
    from fulian.duty.tests.conftest import make_person

    visit = duty.record_visit(
        actor=cast.district_admin, org=cast.village_a,
        visitor=make_person(cast.village_a, "王秀英", executive_of=cast.village_a),
        visited_on=datetime.date(2023, 6, 15), name="刘桂兰", look="房屋漏雨",
        needs="丈夫外出务工，孩子上学有困难",
    )  # fmt: skip
    client.force_login(cast.village_editor)
    page = client.get(f"/duty/visits/{visit.pk}/").content.decode()
    assert f'href="/cases/requests/new/?visit={visit.pk}"' in page
    form = client.get(f"/cases/requests/new/?visit={visit.pk}").content.decode()
    assert "丈夫外出务工，孩子上学有困难</textarea>" in form
    assert f'name="visit_ref" value="{visit.pk}"' in form
    client.force_login(cast.town_b_admin)
    assert client.get(f"/cases/requests/new/?visit={visit.pk}").status_code == 404
