"""Browser journey in a real Chromium: the district sends a notice to all 23 towns, two
towns read it on their phones (the bell's count goes from 1 to 0), the district sees
2 of 23 read and reminds the other 21."""

from __future__ import annotations

import pytest

from fulian.core.testing import PASSWORD
from fulian.notices.models import Notice, Recipient

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, url, user):
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{url}/")


def _collect_errors(page, errors):
    """Script errors (an htmx swap without its target) and failed loads, except the
    favicon that Chromium asks for by itself."""

    def console(message):
        where = message.location.get("url", "")
        if message.type == "error" and not where.endswith("/favicon.ico"):
            errors.append(f"{message.text} {where}")

    page.on("console", console)


def test_a_notice_to_all_towns_read_by_two_and_the_rest_reminded(
    browser, page, live_server, cast, towns23, tmp_path
):
    url = live_server.url
    errors: list[str] = []
    _collect_errors(page, errors)
    _login(page, url, cast.district_admin)
    page.click("#shortcut-notices-inbox")  # the bell in the top bar
    page.click("#new-notice")
    page.fill("#id_title", "关于开展“法进万家安民心”主题宣传活动的通知")
    page.fill("#id_body", "请各乡镇、街道妇联于六月底前开展一次法进万家活动。")
    page.get_by_label("全部乡镇、街道").check()
    assert page.locator("#id_codes").is_hidden()  # only for chosen orgs
    page.select_option("#id_urgency", "urgent")
    page.click("#notice-form button[type=submit]")
    page.wait_for_selector("#read-count")
    assert page.locator("#read-count").inner_text() == "已读 0 / 23"
    assert "通知已发送至 23 个组织。" in page.locator("main").inner_text()
    notice = Notice.objects.get()

    for user in (cast.town_a_admin, cast.town_b_admin):
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
        )
        phone = context.new_page()
        phone.set_default_timeout(15000)
        _collect_errors(phone, errors)
        _login(phone, url, user)
        badge = phone.locator("#badge-notices-inbox")
        badge.wait_for(state="visible")  # fetched after the page
        assert badge.get_attribute("data-count") == "1"
        menu_badge = phone.locator("#menu-badge-notices-inbox")
        assert menu_badge.get_attribute("data-count") == "1"  # the menu item's count too
        phone.click("#shortcut-notices-inbox")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        item = phone.locator("#notice-list .notice-unread")
        assert "关于开展“法进万家安民心”" in item.inner_text()
        box = item.bounding_box()
        assert box is not None and box["height"] >= 44
        item.click()
        phone.wait_for_selector("#my-receipt")
        assert "请各乡镇、街道妇联于六月底前" in phone.locator("#notice").inner_text()
        phone.screenshot(path=str(tmp_path / f"phone-{user.username}.png"), full_page=True)
        phone.goto(f"{url}/notices/")
        phone.wait_for_selector("#badge-notices-inbox[data-count='0']", state="attached")
        assert phone.locator("#notice-list .notice-unread").count() == 0
        context.close()

    page.reload()
    assert page.locator("#read-count").inner_text() == "已读 2 / 23"
    read = page.locator("#read-table tbody tr[data-read='1'] th").all_inner_texts()
    assert sorted(read) == ["天水镇", "皂郊镇"]
    page.screenshot(path=str(tmp_path / "district-before.png"), full_page=True)
    page.click("#remind")
    page.wait_for_selector(".alert-success")
    assert "已提醒 21 个未读组织。" in page.locator(".alert-success").inner_text()
    assert page.locator("#unread-list li").count() == 21
    assert "已提醒 1 次" in page.locator("#unread-list").inner_text()
    page.screenshot(path=str(tmp_path / "district-after.png"), full_page=True)
    reminded = Recipient.objects.filter(notice=notice, reminders=1)
    assert reminded.count() == 21
    assert not reminded.filter(org__in=[cast.town_a, cast.town_b]).exists()
    assert errors == []
