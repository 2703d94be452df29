"""The dashboard in Chromium: drawn charts with their tables at 1366 px, the drill from
the district to a town to a village and back, and a phone (375 px) that does not scroll
sideways; the summary page previews with its references."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fulian.core.testing import PASSWORD
from fulian.events.models import Activity, ActivityKind
from fulian.events.services import ensure_defaults

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def activities(cast):
    ensure_defaults()
    kind = ActivityKind.objects.get(code="training")
    for org, day, count in ((cast.village_a, 3, 20), (cast.village_b, 5, 30), (cast.town_a, 9, 15)):
        Activity.objects.create(
            org=org,
            kind=kind,
            title=f"{org.name}培训",
            start=datetime.datetime(2023, 6, day, 9, tzinfo=timezone.get_current_timezone()),
            head_count=count,
        )


def test_drill_down_and_back_on_a_desktop(page, live_server, cast, activities):
    _login(page, live_server, cast.district_admin.username)
    page.goto(f"{live_server.url}/?period=2023")
    page.wait_for_selector("[data-chart='trainings'] canvas")
    assert page.locator("#child-table tbody tr").count() == 3  # two towns and 本级
    town_row = page.locator(f"#child-table tr[data-org='{cast.town_a.code}'] td")
    assert town_row.nth(1).inner_text() == "2"  # trainings: the town's own and its village's
    page.locator("[data-chart-block='trainings'] summary").click()
    june = page.locator("[data-chart-table='trainings'] tbody tr").nth(5)
    assert june.inner_text().split() == ["6月", "3", "65"]

    page.click(f"#child-table a:has-text('{cast.town_a.name}')")
    page.wait_for_selector("#breadcrumb")
    assert page.locator("#breadcrumb li").all_inner_texts() == [
        cast.district.name,
        cast.town_a.name,
    ]
    page.click(f"#child-table a:has-text('{cast.village_a.name}')")
    page.wait_for_selector("#breadcrumb li.active")
    assert page.locator("#breadcrumb li").count() == 3
    assert page.locator("#child-table").count() == 0
    page.click(f"#breadcrumb a:has-text('{cast.district.name}')")
    page.wait_for_selector("#child-table")
    assert page.locator("h1").inner_text() == f"{cast.district.name} · 2023年"


def test_the_village_editor_on_a_phone(phone, live_server, cast, activities):
    _login(phone, live_server, cast.village_editor.username)
    phone.goto(f"{live_server.url}/?period=2023")
    phone.wait_for_selector("#key-figures")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    # Her village's one training is shown; the zeros are folded away on a phone.
    visible = [
        card.get_attribute("data-indicator")
        for card in phone.locator("#key-figures [data-indicator]").all()
        if card.is_visible()
    ]
    assert "events.trainings" in visible and "people.delegates" not in visible
    # The figures come before the to-dos, both before the charts.
    figures = phone.locator("#key-figures").bounding_box()
    todos = phone.locator("#todos").bounding_box()
    charts = phone.locator("#charts").bounding_box()
    assert figures["y"] < todos["y"] < charts["y"]
    for target in phone.locator("#todos a, #home-actions a, #report-links a").all():
        assert target.bounding_box()["height"] >= 44


def test_the_summary_page_on_a_phone(phone, live_server, cast, activities):
    _login(phone, live_server, cast.district_admin.username)
    phone.goto(f"{live_server.url}/reports/summary/?year=2023")
    phone.wait_for_selector("#preview h1")
    assert phone.locator("#preview h1").inner_text() == f"{cast.district.name}妇联2023年度工作总结"
    assert phone.locator("#preview .summary-figure").count() == 17
    assert phone.locator("#preview ol li").count() == 17
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    for target in phone.locator("#downloads a, #downloads button").all():
        assert target.bounding_box()["height"] >= 44
