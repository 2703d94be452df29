"""Issue 13 item 1: an exact search by ID number or phone is a reveal."""

import logging

import pytest
from django.urls import reverse

from fulian.core.logs import scrub
from fulian.core.models import AccessLog
from fulian.core.testing import check_matrix
from fulian.people.models import Person

from .conftest import id_for

pytestmark = pytest.mark.django_db
FIND = "/api/v1/people/find/"


def test_the_api_has_no_personal_get_filters(client, cast, people):
    client.force_login(cast.district_admin)
    everyone = client.get("/api/v1/people/").json()["count"]
    for query in (f"id_number={id_for(3)}", "phone=13800000002"):
        assert client.get(f"/api/v1/people/?{query}").json()["count"] == everyone
    assert not AccessLog.objects.exists()


def test_find_needs_the_reveal_permission(client, cast, people):
    body = {"field": "id_number", "value": id_for(3), "reason": "核对"}
    check_matrix(
        client,
        cast,
        "POST",
        FIND,
        {
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 200,
            "village_editor": 403,
            "viewer": 403,
        },
        data=body,
        content_type="application/json",
    )


def test_find_by_id_number_and_phone_writes_the_access_log(client, cast, people):
    client.force_login(cast.district_admin)
    response = client.post(
        FIND,
        {"field": "id_number", "value": id_for(3), "reason": "核对身份"},
        content_type="application/json",
    )
    assert response["Cache-Control"] == "no-store"
    assert [p["name"] for p in response.json()["results"]] == ["张红霞"]
    assert response.json()["results"][0]["id_number"] != id_for(3)  # still masked
    person = Person.objects.get(name="张红霞")
    row = AccessLog.objects.get()
    assert (row.username, row.target_id, row.field, row.reason) == (
        cast.district_admin.username,
        str(person.pk),
        "search:id_number",
        "核对身份",
    )
    phone = client.post(
        FIND,
        {"field": "phone", "value": "138 0000 0002", "reason": "回访"},
        content_type="application/json",
    )
    assert [p["name"] for p in phone.json()["results"]] == ["李桂兰"]
    assert AccessLog.objects.count() == 2


def test_a_search_that_finds_nobody_is_logged_too_and_scope_holds(client, cast, people):
    client.force_login(cast.town_a_admin)
    response = client.post(
        FIND,
        {"field": "id_number", "value": id_for(3), "reason": "核对"},  # 张红霞 is in town B
        content_type="application/json",
    )
    assert response.json() == {"results": []}
    row = AccessLog.objects.get()
    assert (row.target_model, row.target_id, row.field) == ("people.person", "", "search:id_number")
    assert row.org_path == cast.town_a.path


def test_find_is_limited_per_user(client, cast, people, settings):
    settings.FULIAN_EXACT_SEARCH_RATE = (3, 3600)
    client.force_login(cast.town_a_admin)
    body = {"field": "phone", "value": "13800000009", "reason": "试"}
    codes = [client.post(FIND, body, content_type="application/json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Another user has their own allowance.
    client.force_login(cast.district_admin)
    assert client.post(FIND, body, content_type="application/json").status_code == 200


def test_the_find_page_is_post_only_for_the_number(client, cast, people):
    client.force_login(cast.town_a_admin)
    url = reverse("people:find")
    assert client.get(url).status_code == 200
    page = client.post(url, {"field": "id_number", "value": id_for(1), "reason": "核对"})
    assert "王秀英" in page.content.decode() and page["Cache-Control"] == "no-store"
    assert AccessLog.objects.get().field == "search:id_number"
    client.force_login(cast.viewer)
    assert client.get(url).status_code == 403


def test_a_viewer_sees_the_age_not_the_birth_month(client, cast, people):
    person = Person.objects.get(name="王秀英")
    client.force_login(cast.viewer)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert f"{person.birth_date:%Y-%m}" not in page and "年龄" in page
    client.force_login(cast.town_a_admin)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert f"{person.birth_date:%Y-%m}" in page


def test_birth_dates_keep_year_and_month_only_and_are_masked_in_the_audit(client, cast):
    from auditlog.models import LogEntry

    from fulian.people.services import create_person

    person = create_person(
        actor=cast.town_a_admin, org=cast.village_a, name="新人", id_number=id_for(77)
    )
    assert person.birth_date == id_for_birth(77).replace(day=1)
    entry = LogEntry.objects.get_for_object(person).get()
    assert entry.changes_dict["birth_date"][1] == "******"
    assert id_for_birth(77).isoformat() not in str(entry.changes)


def id_for_birth(n):
    from .conftest import birth_for

    return birth_for(n)


def test_personal_data_is_scrubbed_from_log_lines(caplog):
    number = id_for(5)
    assert (
        scrub(f"GET /people/?q={number} 200")
        == f"GET /people/?q={number[:4]}{'*' * 10}{number[-4:]} 200"
    )
    assert scrub("phone=13812345678&x=+86 139-1234-5678") == "phone=138****5678&x=139****5678"
    assert scrub("id 1234567 at 2023-06-01T09:00:00") == "id 1234567 at 2023-06-01T09:00:00"
    from fulian.core.logs import ScrubPersonalData

    logger = logging.getLogger("fulian.test.scrub")
    logger.addFilter(ScrubPersonalData())
    with caplog.at_level(logging.WARNING, logger="fulian.test.scrub"):
        logger.warning("Not Found: /people/?q=%s", number)
    assert number not in caplog.text and number[-4:] in caplog.text
