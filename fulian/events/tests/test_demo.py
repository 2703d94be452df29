"""The 2023 demo: the report's figures come back through the API, exactly; a second load
creates nothing."""

import io

import pytest

from fulian.accounts import demo as accounts_demo
from fulian.accounts.models import User
from fulian.events import demo
from fulian.events.models import Activity, Attendance
from fulian.orgs.services import load_divisions, read_division_rows
from fulian.people import demo as people_demo

pytestmark = pytest.mark.django_db


def test_demo_figures_through_the_api(client):
    load_divisions(read_division_rows("qinzhou"))
    accounts_demo.load(io.StringIO())
    people_demo.load(io.StringIO())
    out = io.StringIO()
    demo.load(out)
    assert "855 activities, 3 training classes" in out.getvalue()
    client.force_login(User.objects.get(username="qinzhou-admin"))

    def count(query):
        return client.get(f"/api/v1/activities/?year=2023&{query}").json()["count"]

    assert count("kind=training") == 39
    assert client.get("/api/v1/activities/summary/?year=2023&kind=training").json() == {
        "activities": 39,
        "participants": 987,
    }
    assert count("campaign=law_homes") == 156
    assert count("campaign=women_voice") == 83
    assert count("campaign=women_classroom") + count("campaign=good_voice") == 83
    assert count("campaign=growing_together") == 47
    assert count("campaign=love_home") == 224
    assert count("campaign=beautiful_homes") == 305
    three = client.get("/api/v1/activities/?year=2023&campaign=three_visits").json()["results"]
    assert [(a["title"], a["org_name"]) for a in three] == [
        ("三访三帮·送政策送关爱（齐寿镇）", "齐寿镇")
    ]
    meeting = client.get("/api/v1/activities/?year=2023&kind=meeting").json()["results"]
    assert [(m["title"], m["start"][:7], m["meeting_type"]) for m in meeting] == [
        ("秦州区妇联八届二次执委（扩大）会议", "2023-02", "expanded_plenary")
    ]
    classes = client.get("/api/v1/trainings/?year=2023&series=lingtouyan").json()
    assert classes["count"] == 2
    assert sorted((t["start"][:10], t["end"][:10]) for t in classes["results"]) == [
        ("2023-08-29", "2023-08-31"),
        ("2023-10-24", "2023-10-26"),
    ]
    assert sum(t["people_count"] for t in classes["results"]) == 270
    huhang = client.get("/api/v1/trainings/?year=2023&series=huhang").json()["results"]
    assert [t["start"][:10] for t in huhang] == ["2023-11-02"]
    values = {
        i["code"]: i["value"]
        for i in client.get("/api/v1/indicators/?org=620502&year=2023").json()["indicators"]
    }
    expected = {
        "events.training_classes": 3, "events.series.lingtouyan.classes": 2,
        "events.series.lingtouyan.trainees": 270, "events.trainees": 270, "events.trainings": 39,
        "events.training_attendances": 987, "events.campaign.law_homes": 156,
        "events.campaign.women_voice": 83, "events.campaign.growing_together": 47,
        "events.campaign.love_home": 224, "events.campaign.beautiful_homes": 305,
        "events.campaign.three_visits": 1, "events.meetings": 1,
    }  # fmt: skip
    assert {k: values[k] for k in expected} == expected
    # Idempotent: nothing new the second time.
    before = (Activity.objects.count(), Attendance.objects.count())
    again = io.StringIO()
    demo.load(again)
    assert (Activity.objects.count(), Attendance.objects.count()) == before
    assert "nothing created" in again.getvalue()
