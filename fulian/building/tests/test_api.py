import datetime

import pytest

from fulian.building import services
from fulian.building.models import GuidanceVisit, RectificationItem, Unit
from fulian.core.testing import check_matrix
from fulian.orgs.models import Org

pytestmark = pytest.mark.django_db

LIST = {
    "anonymous": 401,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 200,
    "village_editor": 200,
    "viewer": 200,
}
ONE_A = {
    "anonymous": 401,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 404,
    "village_editor": 404,
    "viewer": 200,
}


def test_read_matrices(client, cast, unit, visit, item):
    only_a = services.create_visit(
        actor=cast.district_admin,
        org=cast.district,
        visited=[cast.town_a],
        date=datetime.date(2023, 2, 1),
        subject="只到皂郊镇",
    )
    for url in ("/api/v1/units/", "/api/v1/guidance-visits/", "/api/v1/rectification-items/"):
        check_matrix(client, cast, "GET", url, LIST)
    check_matrix(client, cast, "GET", f"/api/v1/units/{unit.pk}/", ONE_A)
    check_matrix(client, cast, "GET", f"/api/v1/guidance-visits/{only_a.pk}/", ONE_A)
    check_matrix(client, cast, "GET", f"/api/v1/rectification-items/{item.pk}/", ONE_A)


def test_unit_writes_matrix(client, cast):
    data = {"name": "接口单位", "kind": "new_social", "org": cast.town_a.pk, "credit_code": ""}
    check_matrix(
        client,
        cast,
        "POST",
        "/api/v1/units/",
        data=data,
        content_type="application/json",
        expected={
            "anonymous": 401,
            "district_admin": 201,
            "town_a_admin": 201,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: Unit.objects.count(),
    )

    def unit_url(action):
        def make():
            unit = services.register_unit(
                actor=cast.district_admin, org=cast.town_a, name="待建", kind="new_social"
            )
            return f"/api/v1/units/{unit.pk}/{action}/"

        return make

    check_matrix(
        client,
        cast,
        "POST",
        unit_url("urge"),
        data={"date": "2023-02-01", "method": "phone"},
        content_type="application/json",
        expected={
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: Unit.objects.filter(status="urged").count(),
    )
    check_matrix(
        client,
        cast,
        "POST",
        unit_url("found"),
        data={"on": "2023-02-01"},
        content_type="application/json",
        expected={
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 403,
            "viewer": 403,
        },
        state=lambda: Org.objects.count(),
    )
    check_matrix(
        client,
        cast,
        "POST",
        unit_url("exempt"),
        data={"reason": "无女职工"},
        content_type="application/json",
        expected={
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: Unit.objects.filter(status="exempt").count(),
    )


def test_units_filters_and_founding(client, cast, unit):
    client.force_login(cast.town_a_admin)
    body = client.post(
        f"/api/v1/units/{unit.pk}/found/", {"on": "2023-05-22"}, content_type="application/json"
    ).json()
    assert body["status"] == "founded" and body["founded_on"] == "2023-05-22"
    assert Org.objects.get_parent(Org.objects.get(pk=body["founded_org"])) == cast.town_a
    services.register_unit(
        actor=cast.district_admin, org=cast.town_b, name="天水镇单位", kind="institution"
    )
    client.force_login(cast.district_admin)

    def names(query):
        return [u["name"] for u in client.get(f"/api/v1/units/?{query}").json()["results"]]

    assert names("status=founded&founded_year=2023&kind=new_employment") == ["皂郊镇快递服务站"]
    assert names("pending=true") == ["天水镇单位"]
    assert names(f"area={cast.town_b.pk}") == ["天水镇单位"]
    bad = client.post(
        "/api/v1/units/",
        {"name": "x", "kind": "enterprise", "org": cast.town_a.pk, "credit_code": "123"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json() == {"credit_code": ["统一社会信用代码无效。"]}


def test_visit_and_item_writes(client, cast):
    data = {
        "visited": [cast.town_a.pk],
        "date": "2023-04-01",
        "subject": "接口督导",
        "finding_texts": ["台账缺失"],
    }
    check_matrix(
        client,
        cast,
        "POST",
        "/api/v1/guidance-visits/",
        data=data,
        content_type="application/json",
        expected={
            "anonymous": 401,
            "district_admin": 201,
            "town_a_admin": 400,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: GuidanceVisit.objects.count(),
    )
    visit = GuidanceVisit.objects.get()
    finding = visit.findings.get()
    item_data = {
        "finding": finding.pk,
        "org": cast.town_a.pk,
        "what": "补台账",
        "deadline": "2023-05-01",
    }
    check_matrix(
        client,
        cast,
        "POST",
        "/api/v1/rectification-items/",
        data=item_data,
        content_type="application/json",
        expected={
            "anonymous": 401,
            "district_admin": 201,
            "town_a_admin": 403,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: RectificationItem.objects.count(),
    )
    item = RectificationItem.objects.get()
    client.force_login(cast.district_admin)
    jump = client.post(
        f"/api/v1/rectification-items/{item.pk}/move/",
        {"to": "verified"},
        content_type="application/json",
    )
    assert jump.status_code == 400
    assert RectificationItem.objects.get().status == "open"
    check_matrix(
        client,
        cast,
        "POST",
        f"/api/v1/rectification-items/{item.pk}/move/",
        data={"to": "in_progress"},
        content_type="application/json",
        expected={
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 400,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: RectificationItem.objects.get().status,
    )
    client.force_login(cast.district_admin)
    body = client.get(f"/api/v1/guidance-visits/{visit.pk}/").json()
    assert body["findings"][0]["items"][0]["status"] == "in_progress"
    assert body["findings"][0]["items"][0]["overdue"] is True
    assert [h["to_status"] for h in body["findings"][0]["items"][0]["history"]] == [
        "open",
        "in_progress",
    ]
    assert client.get("/api/v1/rectification-items/?overdue=true").json()["count"] == 1
    assert client.get("/api/v1/guidance-visits/?year=2023").json()["count"] == 1


def test_indicators(client, cast, unit, visit, item):
    services.found_unit(actor=cast.district_admin, unit=unit, on=datetime.date(2023, 5, 1))
    client.force_login(cast.district_admin)
    values = {
        i["code"]: i["value"]
        for i in client.get("/api/v1/indicators/?org=620502&year=2023").json()["indicators"]
    }
    assert values["building.guidance_visits"] == 1
    assert values["building.new_sector_orgs_founded"] == 1
    assert values["building.rectification_items"] == 1
    assert values["building.rectification_overdue"] == 1
    assert values["building.units_without_org"] == 0
