"""A rectification item's life in a real Chromium: the district raises it from a finding,
the town works it and uploads evidence, marks it done, and the district verifies it."""

import datetime

import pytest

from fulian.building import services
from fulian.building.models import ItemHistory, RectificationItem
from fulian.building.tests.conftest import png_bytes
from fulian.core.testing import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_raise_evidence_done_verified(page, live_server, cast, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    visit = services.create_visit(
        actor=cast.district_admin,
        org=cast.district,
        visited=[cast.town_a],
        date=datetime.date(2023, 5, 10),
        subject="妇女组织建设督导",
        findings=["妇女之家台账不全"],
    )
    login(page, live_server, cast.district_admin)
    page.goto(f"{live_server.url}/building/visits/{visit.pk}/")
    page.click("#findings a:has-text('提出整改')")
    page.fill("input[name=what]", "补齐妇女之家活动台账")
    page.select_option("select[name=org]", str(cast.town_a.pk))
    page.fill("input[name=deadline]", "2023-06-30")
    page.click("#main-form button[type=submit]")
    page.wait_for_selector("#item-status")
    item = RectificationItem.objects.get()
    assert page.url == f"{live_server.url}/building/items/{item.pk}/"
    assert page.locator("#item-status").inner_text() == "待整改"
    assert page.locator("#overdue-flag").is_visible()
    # The district sees no "verified" button on an open item: it cannot jump there.
    assert page.locator("#move-form button[value=verified]").count() == 0

    login(page, live_server, cast.town_a_admin)
    page.goto(f"{live_server.url}/building/items/overdue/")
    assert "补齐妇女之家活动台账" in page.locator("#item-list").inner_text()
    page.click("#item-list a")
    page.click("#move-form button[value=in_progress]")
    page.wait_for_selector("#item-status[data-status=in_progress]")
    photo = tmp_path / "台账照片.png"
    photo.write_bytes(png_bytes())
    page.set_input_files("#evidence-form input[type=file]", str(photo))
    page.click("#evidence-form button[type=submit]")
    page.wait_for_selector("#evidence a:has-text('台账照片.png')")
    page.click("#move-form button[value=done]")
    page.wait_for_selector("#item-status[data-status=done]")
    assert (
        page.locator("#move-form button[value=verified]").count() == 0
    )  # not the owner's to check

    login(page, live_server, cast.district_admin)
    page.goto(f"{live_server.url}/building/items/{item.pk}/")
    page.fill("#move-note", "现场复查，整改到位")
    page.click("#move-form button[value=verified]")
    page.wait_for_selector("#item-status[data-status=verified]")
    assert page.locator("#item-status").inner_text() == "已验收"
    evidence_url = page.locator("#evidence a").get_attribute("href")
    response = page.request.get(f"{live_server.url}{evidence_url}")
    assert response.status == 200 and response.body() == png_bytes()
    assert list(ItemHistory.objects.filter(item=item).values_list("to_status", flat=True)) == [
        "open",
        "in_progress",
        "in_progress",
        "done",
        "verified",
    ]
    assert "现场复查，整改到位" in page.locator("#history").inner_text()
