"""Issue 13 item 5: a joint guidance visit shows each town only its own rectification
items (text, status, history), in the API and on the page."""

import datetime

import pytest

from fulian.building import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(cast, visit):
    finding = visit.findings.first()
    mine = services.raise_item(
        actor=cast.district_admin,
        finding=finding,
        org=cast.town_a,
        what="皂郊镇补齐台账",
        deadline=datetime.date(2023, 6, 30),
    )
    theirs = services.raise_item(
        actor=cast.district_admin,
        finding=finding,
        org=cast.town_b,
        what="天水镇明确执委分工",
        deadline=datetime.date(2023, 6, 30),
    )
    services.move_item(actor=cast.town_b_admin, item=theirs, to="in_progress", note="天水镇在办")
    return visit, mine, theirs


def test_the_api_shows_a_town_only_its_own_items_of_a_joint_visit(client, cast, joint):
    visit, mine, _theirs = joint
    client.force_login(cast.town_a_admin)
    body = client.get(f"/api/v1/guidance-visits/{visit.pk}/").content.decode()
    assert "皂郊镇补齐台账" in body
    assert "天水镇明确执委分工" not in body and "天水镇在办" not in body
    listed = client.get("/api/v1/guidance-visits/").json()["results"][0]
    items = [i["id"] for f in listed["findings"] for i in f["items"]]
    assert items == [mine.pk]
    client.force_login(cast.district_admin)
    body = client.get(f"/api/v1/guidance-visits/{visit.pk}/").content.decode()
    assert "皂郊镇补齐台账" in body and "天水镇明确执委分工" in body


def test_the_page_shows_a_town_only_its_own_items_of_a_joint_visit(client, cast, joint):
    visit, _mine, _theirs = joint
    client.force_login(cast.town_a_admin)
    page = client.get(f"/building/visits/{visit.pk}/").content.decode()
    assert "皂郊镇补齐台账" in page and "天水镇明确执委分工" not in page
    client.force_login(cast.town_b_admin)
    page = client.get(f"/building/visits/{visit.pk}/").content.decode()
    assert "皂郊镇补齐台账" not in page and "天水镇明确执委分工" in page
