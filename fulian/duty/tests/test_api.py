"""The duty API: scoped like the pages, the actions (claim, round, ballot by code), and
clear 400s for bad filters."""

import datetime

import pytest

from fulian.core.testing import check_matrix
from fulian.duty import services
from fulian.duty.models import Ballot, Claim, RoundStatus

pytestmark = pytest.mark.django_db

READ = {
    "anonymous": 401,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 404,
    "village_editor": 200,
    "viewer": 200,
}
LIST = {**READ, "town_b_admin": 200}
READ_TOWN = {**READ, "village_editor": 404}


@pytest.fixture
def world(cast, meeting, executives, linked):
    report = services.add_report(
        actor=cast.town_a_admin, meeting=meeting, person=executives[0], text="述职。"
    )
    rnd = services.create_round(actor=cast.town_a_admin, meeting=meeting, title="测评")
    project = services.propose_project(
        actor=cast.village_editor, org=cast.village_a, title="留守儿童暑期托管",
        need="暑假无人照看", beneficiaries="留守儿童",
    )  # fmt: skip
    services.review_project(actor=cast.town_a_admin, project=project, publish=True)
    visit = services.record_visit(
        actor=cast.village_editor, org=cast.village_a, visitor=linked,
        visited_on=datetime.date(2023, 6, 15), name="刘桂兰", look="房屋漏雨",
        phone="13912345678",
    )  # fmt: skip
    return {"report": report, "round": rnd, "project": project, "visit": visit}


@pytest.mark.parametrize(
    "path", ["duty-reports", "evaluation-rounds", "projects", "claims", "visits", "duty-files"]
)
def test_lists_matrix(client, cast, world, path):
    check_matrix(client, cast, "GET", f"/api/v1/{path}/", LIST)


@pytest.mark.parametrize(
    "path,key,expected",
    [
        ("duty-reports", "report", READ_TOWN),
        ("evaluation-rounds", "round", READ_TOWN),
        ("projects", "project", READ),
        ("visits", "visit", READ),
    ],
)
def test_detail_matrix(client, cast, world, path, key, expected):
    check_matrix(client, cast, "GET", f"/api/v1/{path}/{world[key].pk}/", expected)


def test_scoped_lists_and_masked_phone(client, cast, world):
    client.force_login(cast.town_b_admin)
    assert client.get("/api/v1/projects/").json()["count"] == 0
    assert client.get("/api/v1/visits/").json()["count"] == 0
    client.force_login(cast.town_a_admin)
    visit = client.get(f"/api/v1/visits/{world['visit'].pk}/").json()
    assert "13912345678" not in str(visit)


def test_claim_action_once_then_400(client, cast, world, executives):
    url = f"/api/v1/projects/{world['project'].pk}/claim/"
    client.force_login(cast.viewer)
    assert client.post(url, {"person": executives[0].pk}).status_code == 403
    client.force_login(cast.town_a_admin)
    first = client.post(url, {"person": executives[0].pk}, content_type="application/json")
    assert first.status_code == 201 and first.json()["status"] == "active"
    second = client.post(url, {"person": executives[1].pk}, content_type="application/json")
    assert second.status_code == 400
    assert "该项目已被其他执委认领" in str(second.json())
    assert Claim.objects.count() == 1


def test_round_actions_and_ballot_by_code(client, cast, world):
    rnd = world["round"]
    client.force_login(cast.town_a_admin)
    codes = client.post(
        f"/api/v1/evaluation-rounds/{rnd.pk}/codes/", {"count": 2}, content_type="application/json"
    ).json()["codes"]
    assert len(codes) == 2
    assert client.post(f"/api/v1/evaluation-rounds/{rnd.pk}/open/").status_code == 200
    client.logout()
    grades = {str(e): "competent" for e in rnd.evaluees.values_list("pk", flat=True)}
    cast_one = client.post(
        "/api/v1/ballots/", {"code": codes[0], "grades": grades}, content_type="application/json"
    )
    assert cast_one.status_code == 201 and cast_one.json() == {"cast": True}
    again = client.post(
        "/api/v1/ballots/", {"code": codes[0], "grades": grades}, content_type="application/json"
    )
    assert again.status_code == 400 and "该投票码已使用" in str(again.json())
    client.force_login(cast.town_a_admin)
    assert client.get(f"/api/v1/evaluation-rounds/{rnd.pk}/results/").status_code in (400, 404)
    assert client.post(f"/api/v1/evaluation-rounds/{rnd.pk}/close/").status_code == 200
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED and Ballot.objects.filter(round=rnd).count() == 1
    results = client.get(f"/api/v1/evaluation-rounds/{rnd.pk}/results/").json()
    assert [r["counts"]["competent"] for r in results["results"]] == [1, 1, 1]


@pytest.mark.parametrize(
    "query,field",
    [
        ("duty-reports/?year=0", "year"),
        ("duty-reports/?meeting=1e20", "meeting"),
        ("projects/?status=nope", "status"),
        ("projects/?year=99999", "year"),
        ("claims/?person=-1", "person"),
        ("claims/?status=x", "status"),
        ("visits/?year=abc", "year"),
        ("duty-files/?year=1900", "year"),
    ],
)
def test_bad_filters_answer_400_with_the_field(client, cast, world, query, field):
    client.force_login(cast.district_admin)
    response = client.get(f"/api/v1/{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]
