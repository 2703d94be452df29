"""One current period for the whole app: chosen in the header, kept in the session, read by
every page through ``core.periods.current_period(request)``; pages judge "current" and
"overdue" by its reference day, not the clock."""

import datetime

import pytest
import time_machine
from django.test import RequestFactory

from fulian.core import periods
from fulian.core.periods import Period
from fulian.people import services as people_services

pytestmark = pytest.mark.django_db


def _request(session=None, **get):
    request = RequestFactory().get("/", get)
    request.session = session if session is not None else {}
    return request


def test_default_is_the_default_year(settings):
    settings.FULIAN_DEFAULT_YEAR = 2023
    assert periods.current_period(_request()) == Period.year(2023)


def test_the_session_choice_wins_and_a_page_parameter_wins_for_that_page(settings):
    settings.FULIAN_DEFAULT_YEAR = 2023
    session = {periods.SESSION_KEY: "2022H2"}
    assert periods.current_period(_request(session)) == Period.half(2022, 2)
    assert periods.current_period(_request(session, year="2021")) == Period.year(2021)
    assert periods.current_period(_request(session, period="2021Q3")) == Period.quarter(2021, 3)
    # Nonsense in the URL or the session falls back instead of failing.
    assert periods.current_period(_request({periods.SESSION_KEY: "x"}, year="20x")) == (
        Period.year(2023)
    )


@time_machine.travel(datetime.datetime(2026, 3, 1, 1, 0, tzinfo=datetime.UTC))
def test_reference_day_is_the_period_end_or_today():
    assert periods.reference_day(Period.year(2023)) == datetime.date(2023, 12, 31)
    assert periods.reference_day(Period.year(2026)) == datetime.date(2026, 3, 1)


@time_machine.travel(datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC))
def test_today_is_beijing_time_not_the_server_clock():
    # 23:30 UTC is 07:30 the next morning in Beijing.
    assert periods.today() == datetime.date(2026, 3, 2)


def test_header_switch_is_kept_for_every_page(client, cast, settings):
    settings.FULIAN_DEFAULT_YEAR = 2023
    client.force_login(cast.village_editor)
    page = client.get("/events/campaigns/").content.decode()
    assert 'id="period-select"' in page
    assert '<option value="2023" selected>2023年</option>' in page
    response = client.post(
        "/period/", {"period": "2022", "next": "/events/campaigns/?year=2021&x=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/events/campaigns/?x=1"
    page = client.get("/events/campaigns/").content.decode()
    assert '<option value="2022" selected>2022年</option>' in page
    assert "当前期间已切换为2022年。" in page
    # Another page reads the same choice.
    page = client.get("/venues/not-assessed/").content.decode()
    assert "2022年未评估阵地" in page


def test_header_switch_refuses_nonsense_and_foreign_next(client, cast):
    client.force_login(cast.village_editor)
    response = client.post("/period/", {"period": "1800", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "年份须在 1949 到 2100 之间。" in client.get("/").content.decode()
    assert client.get("/period/").status_code == 405


def test_terms_due_judged_against_the_period_not_the_clock(client, cast, settings):
    term = people_services.set_term(
        actor=cast.district_admin,
        org=cast.village_a,
        number=1,
        start=datetime.date(2021, 1, 1),
        years=5,
    )
    assert term.end == datetime.date(2026, 1, 1)
    session_2023 = people_services.terms_due(
        cast.district_admin, months=6, today=periods.reference_day(Period.year(2023))
    )
    assert [r.org for r in session_2023] == []
    client.force_login(cast.district_admin)
    client.post("/period/", {"period": "2025H2", "next": "/people/terms/due/"})
    page = client.get("/people/terms/due/").content.decode()
    assert "按 2025-12-31 判断" in page
    assert cast.village_a.name in page
    assert "即将届满" in page  # not yet over at the end of 2025, whatever the clock says


def test_home_follows_the_header_choice(client, cast, settings):
    settings.FULIAN_DEFAULT_YEAR = 2023
    client.force_login(cast.village_editor)
    assert "下寨子居民委员会 · 2023年</h1>" in client.get("/").content.decode()
    client.post("/period/", {"period": "2022Q3", "next": "/"})
    assert "下寨子居民委员会 · 2022年第3季度</h1>" in client.get("/").content.decode()


@time_machine.travel(datetime.datetime(2026, 3, 1, 1, 0, tzinfo=datetime.UTC))
def test_indicators_api_defaults_to_the_default_year_not_the_clock(api_client, cast, settings):
    settings.FULIAN_DEFAULT_YEAR = 2023
    api_client.force_authenticate(cast.district_admin)
    assert api_client.get("/api/v1/indicators/").json()["year"] == 2023
    settings.FULIAN_DEFAULT_YEAR = None
    assert api_client.get("/api/v1/indicators/").json()["year"] == 2026
