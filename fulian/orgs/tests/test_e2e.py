"""The main journey in a real Chromium: a town chair logs in, opens a community through the
lazy tree, sees nothing of another town, and switches language."""

import io

import pytest

from fulian.accounts import demo as accounts_demo
from fulian.orgs.models import Org
from fulian.orgs.services import load_divisions, read_division_rows

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_tree():
    load_divisions(read_division_rows("qinzhou"))
    accounts_demo.load(io.StringIO())


def login(page, live_server, username, password=accounts_demo.DEMO_PASSWORD):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_town_chair_opens_xiazhaizi_and_sees_nothing_of_tianshui(page, live_server, demo_tree):
    login(page, live_server, "zaojiao-town")
    page.goto(f"{live_server.url}/orgs/")
    tree = page.locator("#org-tree")
    assert tree.locator("a").first.inner_text() == "皂郊镇"
    assert (
        tree.locator("> li > ul > li").count() == 36
    )  # its villages and communities, lazily opened below
    xiazhaizi = Org.objects.get(code="620502103005")
    page.click(f"li[data-org='{xiazhaizi.pk}'] > a")
    page.wait_for_url(f"{live_server.url}/orgs/{xiazhaizi.pk}/")
    assert page.locator("#org-name").inner_text() == "下寨子居民委员会"
    assert "xiazhaizi-village" in page.locator("#org-users").inner_text()
    body = page.content()
    for trace in ("天水镇", "天水鎮", "tianshui-town", "天水镇妇联主席"):
        assert trace not in body
    # Search finds nothing outside the subtree, and 天水镇's page does not exist for this user.
    page.goto(f"{live_server.url}/orgs/")
    page.fill("#org-search", "tsz")
    page.wait_for_selector("#search-results")
    assert page.locator("#search-results").inner_text().strip() == "没有找到组织。"
    tianshui = Org.objects.get(code="620502108")
    response = page.goto(f"{live_server.url}/orgs/{tianshui.pk}/")
    assert response.status == 404


def test_lazy_tree_and_language_switch(page, live_server, demo_tree):
    login(page, live_server, "qinzhou-admin")
    page.goto(f"{live_server.url}/orgs/")
    zaojiao = Org.objects.get(code="620502103")
    node = page.locator(f"li[data-org='{zaojiao.pk}']")
    assert node.locator("ul > li").count() == 0
    toggle = node.locator("> button.toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    node.locator("ul > li").first.wait_for()
    assert node.locator("ul > li").count() == 36
    assert toggle.get_attribute("aria-expanded") == "true"
    # A second tap folds the children away, a third shows them again (loaded once).
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert node.locator("> ul").is_hidden()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and node.locator("> ul").is_visible()
    page.click("#language-switch button[value=zh-hant]")
    page.wait_for_load_state()
    assert "組織樹" in page.locator("h1").inner_text()
    assert page.locator(f"li[data-org='{zaojiao.pk}'] > a").inner_text() == "皂郊鎮"
    page.click("#language-switch button[value=en]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Organisation tree"
    assert page.locator("html").get_attribute("lang") == "en"


def test_phone_width_navigation(phone, live_server, demo_tree):
    login(phone, live_server, "xiazhaizi-village")
    assert phone.locator("#main-nav").is_hidden()
    phone.click("button.navbar-toggler")
    phone.locator("#main-nav").wait_for(state="visible")
    phone.click("[data-pillar=strong] > a.dropdown-toggle")
    phone.click("[data-pillar=strong] a[href='/orgs/']")
    phone.wait_for_url(f"{live_server.url}/orgs/")
    assert phone.locator("#org-tree a").first.inner_text() == "下寨子居民委员会"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
