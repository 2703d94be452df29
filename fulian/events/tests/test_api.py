"""The events API: scoped like pages, filters, counts, the check-in link."""

import datetime

import pytest
import time_machine

from fulian.core.testing import check_matrix
from fulian.events import services
from fulian.events.models import Activity, Campaign
from fulian.events.tests.conftest import at, make_person

pytestmark = pytest.mark.django_db

READ = {
    "anonymous": 401,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 200,
    "village_editor": 200,
    "viewer": 200,
}
READ_TOWN_A = {**READ, "town_b_admin": 404, "village_editor": 404}


@pytest.fixture
def activities(cast):
    made = [
        services.create_activity(
            actor=None, org=org, kind=kind, campaign=campaign, title=title, start=day, head_count=n
        )
        for org, kind, campaign, title, day, n in [
            (
                cast.village_a,
                "legal_publicity",
                "law_homes",
                "普法一",
                datetime.date(2023, 3, 8),
                30,
            ),
            (cast.village_a2, "lecture", "women_classroom", "课堂", datetime.date(2023, 4, 1), 20),
            (cast.village_b, "lecture", "good_voice", "好声音", datetime.date(2023, 5, 1), 25),
            (cast.town_b, "training", None, "以会代训", datetime.date(2023, 6, 1), 40),
            (cast.town_a, "training", None, "集中学习", datetime.date(2022, 12, 31), 15),
        ]
    ]
    return made


def _titles(response):
    return sorted(a["title"] for a in response.json()["results"])


def test_activity_list_matrix_and_scope(client, cast, activities):
    check_matrix(client, cast, "GET", "/api/v1/activities/", READ)
    client.force_login(cast.town_a_admin)
    assert _titles(client.get("/api/v1/activities/")) == ["普法一", "课堂", "集中学习"]
    client.force_login(cast.village_editor)
    assert _titles(client.get("/api/v1/activities/")) == ["普法一"]


def test_activity_filters(client, cast, activities):
    client.force_login(cast.district_admin)
    get = lambda q: client.get(f"/api/v1/activities/?{q}").json()  # noqa: E731
    assert get("campaign=women_voice")["count"] == 2  # with its sub-campaigns
    voice = Campaign.objects.get(code="good_voice")
    assert [a["title"] for a in get(f"campaign={voice.pk}")["results"]] == ["好声音"]
    assert get("kind=training&year=2023")["count"] == 1
    assert get("kind=training")["count"] == 2
    assert get("org=620502103")["count"] == 3
    assert get(f"org={cast.village_b.pk}")["count"] == 1
    assert get("year=2023&date_from=2023-04-01&date_to=2023-05-01")["count"] == 2
    assert get("campaign=nope")["count"] == 0
    summary = client.get("/api/v1/activities/summary/?kind=training&year=2023").json()
    assert summary == {"activities": 1, "participants": 40}
    client.force_login(cast.town_a_admin)
    assert get("org=620502108")["count"] == 0  # out of scope: nothing, like missing


def test_activity_detail_matrix(client, cast, activities):
    check_matrix(
        client,
        cast,
        "GET",
        f"/api/v1/activities/{activities[0].pk}/",
        {
            **READ,
            "town_b_admin": 404,
        },
    )
    client.force_login(cast.viewer)
    body = client.get(f"/api/v1/activities/{activities[0].pk}/").json()
    assert (body["kind"], body["campaign"], body["head_count"], body["org_name"]) == (
        "legal_publicity",
        "law_homes",
        30,
        "下寨子居民委员会",
    )


def test_activity_create_is_idempotent_and_scoped(client, cast):
    payload = {
        "org": cast.village_a.pk,
        "kind": "cleaning",
        "campaign": "beautiful_homes",
        "title": "清洁行动",
        "start": "2023-07-01T09:00:00+08:00",
        "head_count": 12,
        "idempotency_key": "0f5e1c8e-aaaa-4c1b-9a55-1b2c3d4e5f60",
    }
    check_matrix(
        client,
        cast,
        "POST",
        "/api/v1/activities/",
        {
            "anonymous": 401,
            "district_admin": 201,
            "town_a_admin": 400,
            "town_b_admin": 400,
            "village_editor": 400,
            "viewer": 403,
        },
        data=payload,
        content_type="application/json",
        state=lambda: Activity.objects.count(),
    )
    # town_a_admin reused district_admin's key; town_b_admin and the editor too (and town B
    # cannot name the village at all).
    assert Activity.objects.count() == 1
    client.force_login(cast.district_admin)
    again = client.post("/api/v1/activities/", payload, content_type="application/json")
    assert again.status_code == 201 and Activity.objects.count() == 1
    client.force_login(cast.town_b_admin)
    response = client.post(
        "/api/v1/activities/", {**payload, "idempotency_key": None}, content_type="application/json"
    )
    assert response.status_code == 400 and "org" in response.json()


def test_activity_update_and_delete_matrix(client, cast, activities):
    target = activities[0]
    check_matrix(
        client,
        cast,
        "PATCH",
        f"/api/v1/activities/{target.pk}/",
        {
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 200,
            "viewer": 403,
        },
        data={"head_count": 33},
        content_type="application/json",
        state=lambda: Activity.objects.get(pk=target.pk).head_count,
    )
    assert Activity.objects.get(pk=target.pk).head_count == 33
    check_matrix(
        client,
        cast,
        "DELETE",
        f"/api/v1/activities/{target.pk}/",
        {
            "anonymous": 401,
            "viewer": 403,
            "town_b_admin": 404,
            "village_editor": 204,
            "district_admin": 404,
            "town_a_admin": 404,
        },
        state=lambda: Activity.objects.filter(pk=target.pk).exists(),
        personas=(
            "anonymous",
            "viewer",
            "town_b_admin",
            "village_editor",
            "district_admin",
            "town_a_admin",
        ),
    )


def test_activity_list_query_count(client, cast, activities, django_assert_num_queries):
    client.force_login(cast.district_admin)
    client.get("/api/v1/activities/")
    # session, user, its org (scope), count, the page, its counts, the photos, the
    # session's save (3): the same for 5 rows or 50.
    with django_assert_num_queries(10):
        response = client.get("/api/v1/activities/")
    assert response.json()["count"] == 5


def test_campaigns(client, cast, activities):
    check_matrix(client, cast, "GET", "/api/v1/campaigns/", READ)
    client.force_login(cast.town_a_admin)
    counts = {
        c["code"]: c["activity_count"]
        for c in client.get("/api/v1/campaigns/?year=2023").json()["results"]
    }
    assert counts == {
        "law_homes": 1,
        "women_voice": 1,
        "women_classroom": 1,
        "good_voice": 0,
        "growing_together": 0,
        "love_home": 0,
        "beautiful_homes": 0,
        "three_visits": 0,
    }
    check_matrix(
        client,
        cast,
        "POST",
        "/api/v1/campaigns/",
        {
            "anonymous": 401,
            "district_admin": 201,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 403,
            "viewer": 403,
        },
        data={"code": "spring_bud", "name": "春蕾行动", "parent": None},
        content_type="application/json",
        state=lambda: Campaign.objects.count(),
    )
    law = Campaign.objects.get(code="law_homes")
    check_matrix(
        client,
        cast,
        "PATCH",
        f"/api/v1/campaigns/{law.pk}/",
        {
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 403,
            "viewer": 403,
        },
        data={"name": "法进万家"},
        content_type="application/json",
        state=lambda: Campaign.objects.get(pk=law.pk).name,
    )


def test_trainings_and_sessions(client, cast, training, trainee):
    first, second = training.activity.sessions.all()
    other = make_person(cast.village_a2, "马兰", "13800002222")
    with time_machine.travel(at(2023, 8, 29, 9, 0), tick=False):
        services.check_in(session=first, name="李秀英", phone="13800001111")
        services.check_in(session=first, name="马兰", phone="13800002222")
        services.check_in(session=first, name="陌生人", phone="13900000000")  # pending
    services.check_in_person(actor=cast.town_a_admin, session=second, person=trainee)
    check_matrix(client, cast, "GET", "/api/v1/trainings/", READ)
    check_matrix(client, cast, "GET", f"/api/v1/trainings/{training.pk}/", READ_TOWN_A)
    check_matrix(client, cast, "GET", "/api/v1/sessions/", READ)
    check_matrix(client, cast, "GET", f"/api/v1/sessions/{first.pk}/", READ_TOWN_A)
    client.force_login(cast.viewer)
    body = client.get("/api/v1/trainings/?year=2023&series=lingtouyan").json()
    assert body["count"] == 1
    t = body["results"][0]
    assert (t["attendance_count"], t["people_count"]) == (3, 2)
    assert [
        (s["attendance_count"], s["people_count"], s["pending_count"]) for s in t["sessions"]
    ] == [(2, 2, 1), (1, 1, 0)]
    assert t["methods"] == ["lecture"] and t["topics"] == ["履职能力", "家庭教育"]
    assert t["enrolled"] == 0
    services.enrol_people(actor=cast.town_a_admin, training=training, people=[trainee, other])
    t = client.get("/api/v1/trainings/?year=2023&series=lingtouyan").json()["results"][0]
    assert t["enrolled"] == 2
    assert client.get(f"/api/v1/trainings/{training.pk}/").json()["enrolled"] == 2
    assert client.get("/api/v1/trainings/?year=2022").json()["count"] == 0
    detail = client.get(f"/api/v1/sessions/{first.pk}/").json()
    assert sorted((a["name"], a["phone"], a["status"]) for a in detail["attendances"]) == [
        ("李秀英", "138****1111", "confirmed"),
        ("陌生人", "139****0000", "pending"),
        ("马兰", "138****2222", "confirmed"),
    ]
    assert {a["person"] for a in detail["attendances"]} == {trainee.pk, other.pk, None}


def test_checkin_link(client, cast, training):
    session = training.activity.sessions.first()
    url = f"/api/v1/sessions/{session.pk}/checkin-link/"
    check_matrix(
        client,
        cast,
        "GET",
        url,
        {
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
    )
    client.force_login(cast.town_a_admin)
    body = client.get(url).json()
    assert body["url"].startswith("http://testserver/events/c/")
    assert body["qr_svg"] == f"http://testserver/events/sessions/{session.pk}/qr.svg"
    assert body["expires"] == "2023-08-29T12:30:00+08:00"
    token = body["url"].rstrip("/").rsplit("/", 1)[1]
    assert services.session_for_token(token) == session
