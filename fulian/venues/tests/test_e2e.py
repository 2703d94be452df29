"""The public directory on a phone (375 px): no login, by town and village, and near the
phone's location."""

import datetime
import re
from decimal import Decimal

import pytest

from fulian.core.testing import PASSWORD
from fulian.venues import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def venue(cast, org, name, lat, lng, type="womens_home"):
    return services.create_venue(
        actor=cast.district_admin,
        org=org,
        name=name,
        type=type,
        host="party_service_centre",
        address=f"{org.name}党群服务中心",
        latitude=Decimal(lat),
        longitude=Decimal(lng),
        opening_hours="周二、周四 9:00-17:00",
        contact_phone="0938-2345678",
        established=datetime.date(2023, 5, 1),
    )


def test_find_a_womens_home_on_a_phone(phone, live_server, cast):
    venue(cast, cast.village_a, "下寨子妇女之家", "34.500000", "105.600000")
    venue(
        cast, cast.town_a, "皂郊镇婚调工作室", "34.520000", "105.620000", type="mediation_workroom"
    )
    venue(cast, cast.village_b, "天水村妇女之家", "34.400000", "105.500000")
    phone.goto(f"{live_server.url}/venues/find/")
    assert phone.url == f"{live_server.url}/venues/find/"  # no login
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.select_option("#id_town", str(cast.town_a.pk))  # reloads with the town's villages
    phone.wait_for_url(re.compile(rf"town={cast.town_a.pk}(&|$)"))
    phone.wait_for_selector("#results")
    assert phone.locator("#results h3").all_inner_texts() == ["下寨子妇女之家", "皂郊镇婚调工作室"]
    phone.select_option("#id_village", str(cast.village_a.pk))
    phone.click("#search-button")
    phone.wait_for_url(re.compile(rf"village={cast.village_a.pk}(&|$)"))
    card = phone.locator("#results li").first
    assert phone.locator("#results li").count() == 1
    assert "下寨子妇女之家" in card.inner_text() and "周二、周四 9:00-17:00" in card.inner_text()
    assert card.locator("a[href='tel:0938-2345678']").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    phone.context.grant_permissions(["geolocation"], origin=live_server.url)
    phone.context.set_geolocation({"latitude": 34.41, "longitude": 105.51})
    phone.click("#near-button")
    phone.wait_for_url(re.compile(r"lat=34\.41"))
    assert phone.locator("#results h3").all_inner_texts() == [
        "天水村妇女之家",
        "下寨子妇女之家",
        "皂郊镇婚调工作室",
    ]
    assert "1.44 km" in phone.locator("#results li").first.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


def test_map_shows_markers_without_tiles(page, live_server, cast):
    venue(cast, cast.village_a, "下寨子妇女之家", "34.500000", "105.600000")
    venue(cast, cast.village_b, "天水村妇女之家", "34.400000", "105.500000")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", cast.district_admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/venues/map/")
    page.wait_for_selector("#venue-map[data-ready='2']")
    assert page.locator(".venue-marker").count() == 2
    assert errors == []
