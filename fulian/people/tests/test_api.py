import datetime
import json

import pytest

from fulian.core.models import AccessLog
from fulian.core.testing import check_matrix
from fulian.people import services

from .conftest import id_for, make_person

pytestmark = pytest.mark.django_db

ALL = {
    "anonymous": 401,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 200,
    "village_editor": 200,
    "viewer": 200,
}
IN_VILLAGE_A = {**ALL, "town_b_admin": 404}
DISTRICT_ONLY = {
    "anonymous": 401,
    "district_admin": 200,
    "town_a_admin": 404,
    "town_b_admin": 404,
    "village_editor": 404,
    "viewer": 404,
}


@pytest.fixture
def election(cast, people):
    congress = services.create_congress(
        actor=cast.district_admin,
        org=cast.district,
        number=8,
        name="第八次妇女代表大会",
        start_date=datetime.date(2021, 9, 26),
        delegates_due=5,
    )
    for key in ("a", "a2", "b"):
        services.add_delegate(
            actor=cast.district_admin, congress=congress, person=people[key], delegation="代表团"
        )
    election = services.create_election(
        actor=cast.district_admin,
        congress=congress,
        name="执委会选举",
        seats=2,
        held_on=datetime.date(2021, 9, 27),
    )
    candidates = services.add_candidates(
        actor=cast.district_admin,
        election=election,
        people=[people["a"], people["a2"], people["b"]],
    )
    services.record_tally(
        actor=cast.district_admin,
        election=election,
        ballots_issued=5,
        ballots_returned=5,
        votes=dict(zip([c.pk for c in candidates], [5, 3, 2], strict=True)),
    )
    services.count_election(actor=cast.district_admin, election=election)
    return election


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/people/",
        "/api/v1/positions/",
        "/api/v1/grids/",
        "/api/v1/congresses/",
        "/api/v1/elections/",
    ],
)
def test_list_matrix(client, cast, people, path):
    check_matrix(client, cast, "GET", path, ALL)


def test_detail_matrices(client, cast, people, election):
    check_matrix(client, cast, "GET", f"/api/v1/people/{people['a'].pk}/", IN_VILLAGE_A)
    position = people["a"].positions.first()
    check_matrix(client, cast, "GET", f"/api/v1/positions/{position.pk}/", IN_VILLAGE_A)
    check_matrix(client, cast, "GET", f"/api/v1/grids/{people['grid'].pk}/", IN_VILLAGE_A)
    congress = election.congress
    check_matrix(client, cast, "GET", f"/api/v1/congresses/{congress.pk}/", DISTRICT_ONLY)
    check_matrix(
        client, cast, "GET", f"/api/v1/congresses/{congress.pk}/composition/", DISTRICT_ONLY
    )
    check_matrix(client, cast, "GET", f"/api/v1/elections/{election.pk}/", DISTRICT_ONLY)


def test_people_are_scoped_and_masked(client, cast, people):
    client.force_login(cast.town_a_admin)
    body = client.get("/api/v1/people/").json()
    assert body["count"] == 3
    assert [p["name"] for p in body["results"]] == ["赵丽", "王秀英", "李桂兰"]
    first = body["results"][1]
    assert first["id_number"] == id_for(1)[:4] + "*" * 10 + id_for(1)[-4:]
    assert first["phone"] == "138****0001"
    text = json.dumps(body, ensure_ascii=False)
    assert not any(id_for(n) in text for n in range(1, 5))
    assert set(first) == {
        "id",
        "org",
        "org_name",
        "name",
        "gender",
        "ethnicity",
        "age",
        "id_number",
        "phone",
        "education",
        "political_status",
        "sector",
        "talent_tags",
    }


def test_people_filters(client, cast, people):
    client.force_login(cast.district_admin)
    assert [p["name"] for p in client.get("/api/v1/people/?org=620502108").json()["results"]] == [
        "张红霞"
    ]
    assert [p["name"] for p in client.get("/api/v1/people/?q=zhx").json()["results"]] == ["张红霞"]


def test_reveal_endpoint(client, cast, people):
    url = f"/api/v1/people/{people['a'].pk}/reveal/"
    check_matrix(
        client,
        cast,
        "POST",
        url,
        {
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 403,
            "viewer": 403,
        },
        data={"field": "id_number", "reason": "核对"},
        content_type="application/json",
        state=lambda: AccessLog.objects.count(),
    )
    assert AccessLog.objects.count() == 2
    client.force_login(cast.district_admin)
    response = client.post(
        url, {"field": "phone", "reason": "联系"}, content_type="application/json"
    )
    assert response.json() == {"field": "phone", "value": "13800000001"}
    assert client.post(url, {"field": "phone"}, content_type="application/json").status_code == 400


def test_people_are_read_only(client, cast, people):
    client.force_login(cast.district_admin)
    assert (
        client.post("/api/v1/people/", {"name": "x"}, content_type="application/json").status_code
        == 405
    )
    assert client.delete(f"/api/v1/people/{people['a'].pk}/").status_code == 405


def test_positions_and_grids(client, cast, people):
    client.force_login(cast.district_admin)
    body = client.get("/api/v1/positions/?kind=grid_worker&current=true").json()
    assert [(p["person_name"], p["kind"], p["current"]) for p in body["results"]] == [
        ("王秀英", "grid_worker", True)
    ]
    grids = client.get("/api/v1/grids/").json()["results"]
    assert grids == [
        {
            "id": people["grid"].pk,
            "org": cast.village_a.pk,
            "org_name": "下寨子居民委员会",
            "name": "第一网格",
            "households": 120,
            "workers": [{"person": people["a"].pk, "name": "王秀英"}],
        }
    ]


def test_composition_and_election_results(client, cast, election):
    client.force_login(cast.district_admin)
    body = client.get(f"/api/v1/congresses/{election.congress_id}/composition/").json()
    assert body["total"] == 3
    assert {d["dimension"]: sum(r["count"] for r in d["rows"]) for d in body["dimensions"]} == {
        "ethnicity": 3,
        "age": 3,
        "education": 3,
        "political": 3,
        "sector": 3,
        "frontline": 3,
    }
    result = client.get(f"/api/v1/elections/{election.pk}/").json()
    assert (result["status"], result["threshold"], result["required_candidates"]) == (
        "counted",
        3,
        3,
    )
    assert [(c["name"], c["votes"], c["rank"], c["outcome"]) for c in result["candidates"]] == [
        ("王秀英", 5, 1, "elected"),
        ("李桂兰", 3, 2, "elected"),
        ("张红霞", 2, 3, "not_elected"),
    ]


def test_people_list_query_count_is_constant(client, cast, people, django_assert_num_queries):
    client.force_login(cast.district_admin)
    client.get("/api/v1/people/")
    with django_assert_num_queries(9):
        client.get("/api/v1/people/")
    for n in range(20, 40):
        make_person(cast.village_b, n)
    with django_assert_num_queries(9):
        assert client.get("/api/v1/people/").json()["count"] == 24
