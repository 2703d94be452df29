"""The whole demo: every app's part loads, a second run changes nothing, and the figures
the issues name come back through the API."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from fulian.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label
        in {
            "orgs",
            "accounts",
            "people",
            "events",
            "building",
            "venues",
            "duty",
            "cases",
            "notices",
        }
    }


def _token(client, username):
    response = client.post("/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD})
    return {"HTTP_AUTHORIZATION": f"Token {response.json()['token']}"}


def test_demo_loads_once_and_answers_the_issues_figures(client):
    call_command("load_demo", stdout=io.StringIO())
    first = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first

    admin = _token(client, "qinzhou-admin")
    kinds = {}
    for kind in ("district", "street", "town", "community", "village"):
        kinds[kind] = client.get(f"/api/v1/orgs/?kind={kind}&page_size=1", **admin).json()["count"]
    assert kinds == {"district": 1, "street": 7, "town": 16, "community": 205, "village": 262}

    zaojiao = _token(client, "zaojiao-town")
    seen = client.get("/api/v1/orgs/?page_size=1000", **zaojiao).json()
    assert seen["count"] == 37
    assert {o["code"][:9] for o in seen["results"]} == {"620502103"}
    tianshui = client.get("/api/v1/orgs/?code=620502108", **admin).json()["results"][0]["id"]
    assert client.get(f"/api/v1/orgs/{tianshui}/", **zaojiao).status_code == 404

    values = {
        i["code"]: i["value"]
        for i in client.get("/api/v1/indicators/?org=620502&year=2023", **admin).json()[
            "indicators"
        ]
    }
    assert {
        code: values[code]
        for code in (
            "building.guidance_visits",
            "building.new_sector_orgs_founded",
            "venues.mediation_workrooms_established",
            "venues.micro_homes_established",
            "people.delegates",
            "people.executives",
            "events.series.lingtouyan.trainees",
            "events.trainings",
            "events.training_attendances",
            "events.campaign.law_homes",
            "events.campaign.women_voice",
            "events.campaign.growing_together",
            "events.campaign.love_home",
            "events.campaign.beautiful_homes",
        )
    } == {
        "building.guidance_visits": 16,
        "building.new_sector_orgs_founded": 5,
        "venues.mediation_workrooms_established": 10,
        "venues.micro_homes_established": 10,
        "people.delegates": 167,
        "people.executives": 41,
        "events.series.lingtouyan.trainees": 270,
        "events.trainings": 39,
        "events.training_attendances": 987,
        "events.campaign.law_homes": 156,
        "events.campaign.women_voice": 83,
        "events.campaign.growing_together": 47,
        "events.campaign.love_home": 224,
        "events.campaign.beautiful_homes": 305,
    }
    # Help requests and mediation cases across the 10 workrooms (issue 9).
    assert {code: values[code] for code in values if code.startswith("cases.")} == {
        "cases.requests_received": 44,
        "cases.requests_answered": 39,
        "cases.requests_on_time": 31,
        "cases.cases_opened": 30,
        "cases.success_rate": 61.9,
        "cases.referrals": 7,
        "cases.follow_ups_on_time": 48.6,
        "cases.high_risk_open": 2,
    }
    cases = client.get("/api/v1/cases/?page_size=100", **_token(client, "qinzhou-admin")).json()
    assert cases["count"] == 30 and all(not c["party_names"] for c in cases["results"])
    workrooms = {c["venue_name"] for c in cases["results"]}
    assert len(workrooms) == 10
