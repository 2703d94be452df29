"""The dashboard (home page) on the 2023 demo: the key figures, the child table, the
charts and the to-dos, exactly, for 秦州区 → 皂郊镇 → 下寨子 and back; periods; the
queries do not grow with the number of children."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fulian.accounts.models import User
from fulian.core.indicators import REGISTRY, Groups, evaluate_groups
from fulian.core.periods import Period, default_year
from fulian.events.models import Activity
from fulian.orgs.models import Org
from fulian.reports import dashboard

pytestmark = pytest.mark.usefixtures("demo")

DISTRICT_2023 = {
    "building.guidance_visits": 16,
    "building.rectification_overdue": 12,
    "events.activities": 863,
    "events.meetings": 4,
    "events.trainees": 270,
    "events.training_attendances": 987,
    "events.training_classes": 3,
    "events.trainings": 39,
    "people.delegates": 167,
    "people.dual_appointment_share": 68.0,
    "people.executives_subtree": 2047,
    "people.grid_workers": 1508,
    "venues.micro_homes": 10,
    "venues.womens_homes": 47,
}


def _get(client, code: str, query: str = "period=2023", username: str = "qinzhou-admin"):
    client.force_login(User.objects.get(username=username))
    org = Org.objects.get(code=code)
    return client.get(f"/?org={org.pk}&{query}")


def test_the_district_dashboard(db, client):
    response = _get(client, "620502")
    assert response.status_code == 200
    board = response.context["board"]
    key = {f.code: f.value for _k, _l, rows in board.key_figures() for f in rows}
    assert key == DISTRICT_2023
    # An independent count: every activity that started in 2023 in the district.
    start = datetime.datetime(2023, 1, 1, tzinfo=timezone.get_current_timezone())
    assert (
        key["events.activities"]
        == Activity.objects.filter(start__gte=start, start__lt=start.replace(year=2024)).count()
    )
    # The demo has no 2022: the change against last year is the figure itself.
    assert board.figures["events.trainings"].last_year == 0
    assert board.figures["events.trainings"].change == 39

    assert [(t.key, t.count) for t in board.todos] == [
        ("building.overdue", 12),
        ("people.terms_due", 52),
        ("events.checkins", 0),
        ("venues.not_assessed", 44),
        ("duty.follow_ups", 12),
    ]
    charts = {c.key: c for c in board.charts}
    # The charts add up to the figures above them.
    assert sum(sum(v) for _n, v in charts["activities"].series) == 863
    assert [sum(v) for _n, v in charts["trainings"].series] == [39, 987]
    assert [sum(v) for _n, v in charts["venues"].series] == [19, 49]
    assert sum(charts["congress"].series[0][1]) == 167
    assert len(charts["activities"].labels) == 12
    html = response.content.decode()
    assert html.count("data-chart-table=") == 4  # a table behind every chart
    assert 'data-todo="duty.follow_ups"' in html


def test_the_child_table_adds_up(db, client):
    board = _get(client, "620502").context["board"]
    table = board.children
    assert [r.org.code for r in table.rows] == [
        o.code for o in Org.objects.get_children(Org.objects.get(code="620502")).order_by("path")
    ]
    assert len(table.rows) == 23
    assert [i.code for i in table.indicators] == dashboard.CHILD_CODES
    zaojiao = next(r for r in table.rows if r.org.code == "620502103")
    assert zaojiao.figures == {
        "events.activities": 63,
        "events.trainings": 5,
        "events.training_attendances": 121,
        "building.guidance_visits": 0,
        "venues.womens_homes": 3,
        "people.executives_subtree": 150,
    }
    assert table.own.figures["building.guidance_visits"] == 16
    for indicator in table.indicators:
        if indicator.additive:
            total = (
                sum(r.figures[indicator.code] for r in table.rows)
                + table.own.figures[indicator.code]
            )
            assert total == DISTRICT_2023[indicator.code], indicator.code


def test_sorting_the_child_table(db, client):
    board = _get(client, "620502", "period=2023&sort=events.activities&dir=desc").context["board"]
    values = [r.figures["events.activities"] for r in board.children.rows]
    assert values == sorted(values, reverse=True) and values[0] == 63


def test_drilling_down_and_back_up(db, client):
    town = _get(client, "620502103")
    assert [o.code for o in town.context["breadcrumb"]] == ["620502", "620502103"]
    assert len(town.context["board"].children.rows) == 36
    village = Org.objects.get(code="620502103005")
    assert f'href="?org={village.pk}&amp;period=2023"' in town.content.decode()
    response = _get(client, "620502103005")
    assert [o.code for o in response.context["breadcrumb"]] == [
        "620502",
        "620502103",
        "620502103005",
    ]
    board = response.context["board"]
    assert board.children is None
    html = response.content.decode()
    district = Org.objects.get(code="620502")
    assert f'<a href="?org={district.pk}&amp;period=2023">秦州区</a>' in html


def test_the_village_chair_sees_her_village_only(db, client):
    client.force_login(User.objects.get(username="xiazhaizi-village"))
    response = client.get("/?period=2023")
    board = response.context["board"]
    assert board.org.code == "620502103005"
    assert [o.code for o in response.context["breadcrumb"]] == ["620502103005"]
    key = {f.code: f.value for _k, _l, rows in board.key_figures() for f in rows}
    assert key["venues.womens_homes"] == 1 and key["people.executives_subtree"] == 4
    town = Org.objects.get(code="620502103")
    assert client.get(f"/?org={town.pk}&period=2023").status_code == 404
    assert client.get("/?org=620502&period=2023").status_code == 404
    # On a phone the zeros fold away: only the figures that say something stay visible.
    html = response.content.decode()
    assert 'data-indicator="events.trainings"' in html
    assert html.count("d-none d-md-block zero") == sum(
        1 for _k, _l, rows in board.key_figures() for f in rows if not f.value and not f.last_year
    )


@pytest.mark.parametrize(
    ("query", "period"),
    [
        ("period=2023Q3", Period.quarter(2023, 3)),
        ("period=2023-08", Period.month(2023, 8)),
        ("period=2023H2", Period.half(2023, 2)),
        (
            "from=2023-08-01&to=2023-10-31",
            Period.between(datetime.date(2023, 8, 1), datetime.date(2023, 10, 31)),
        ),
    ],
)
def test_periods(db, client, query, period):
    response = _get(client, "620502", query)
    board = response.context["board"]
    assert board.period == period
    district = Org.objects.get(code="620502")
    expected = evaluate_groups(Groups(district), period, dashboard.key_codes())
    assert {f.code: f.value for _k, _l, rows in board.key_figures() for f in rows} == {
        code: values[district.path] for code, values in expected.items()
    }
    # Child links keep the period.
    child = board.children.rows[0].org
    params = (
        "from=2023-08-01&amp;to=2023-10-31" if period.kind == "range" else f"period={period.code}"
    )
    assert f'href="?org={child.pk}&amp;{params}"' in response.content.decode()


def test_a_bad_period_says_so(db, client):
    response = _get(client, "620502", "period=2023Q5")
    assert response.status_code == 200
    assert "期间格式无效" in response.context["error"]
    assert response.context["period"] == Period.year(default_year())


def test_every_indicator_is_listed_with_its_value(db, client):
    response = _get(client, "620502")
    html = response.content.decode()
    assert all(f'data-indicator="{code}"' in html for code in REGISTRY)


def test_the_api_gives_the_same_figures_by_child_and_period(db, client):
    client.force_login(User.objects.get(username="qinzhou-admin"))
    data = client.get("/api/v1/indicators/?org=620502&year=2023&by=children").json()
    assert data["period"] == {
        "code": "2023",
        "kind": "year",
        "label": "2023年",
        "start": "2023-01-01",
        "end": "2023-12-31",
    }
    assert data["previous_period"]["code"] == data["last_year_period"]["code"] == "2022"
    values = {i["code"]: i["value"] for i in data["indicators"]}
    assert {code: values[code] for code in DISTRICT_2023} == DISTRICT_2023
    assert values["duty.duty_reports"] == 8 and values["duty.projects_claimed"] == 68
    assert len(data["children"]) == 23
    zaojiao = next(c for c in data["children"] if c["org"]["code"] == "620502103")
    assert zaojiao["values"]["events.activities"] == 63
    assert data["own"]["building.guidance_visits"] == 16
    for indicator in data["indicators"]:
        if indicator["additive"] and indicator["value"] is not None:
            code = indicator["code"]
            parts = sum(c["values"][code] for c in data["children"]) + data["own"][code]
            assert parts == indicator["value"], code
    quarter = client.get(
        "/api/v1/indicators/?org=620502&period=2023Q4&codes=events.trainings"
    ).json()
    assert [i["code"] for i in quarter["indicators"]] == ["events.trainings"]
    assert quarter["previous_period"]["code"] == "2023Q3"
    district = Org.objects.get(code="620502")
    q3 = evaluate_groups(Groups(district), Period.quarter(2023, 3), ["events.trainings"])
    q4 = evaluate_groups(Groups(district), Period.quarter(2023, 4), ["events.trainings"])
    assert quarter["indicators"][0]["previous"] == q3["events.trainings"][district.path]
    assert quarter["indicators"][0]["value"] == q4["events.trainings"][district.path]
