"""Browser journey in a real Chromium: an evaluation round voted from three phones (375 px),
one ballot each, results only after the chair closes the round."""

import pytest

from fulian.core.testing import PASSWORD
from fulian.duty import services
from fulian.duty.models import Ballot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_round_voted_from_phones(browser, page, live_server, cast, meeting, executives):
    rnd = services.create_round(actor=cast.town_a_admin, meeting=meeting, title="2022年度测评")
    codes = services.issue_codes(actor=cast.town_a_admin, round=rnd, count=4)
    services.open_round(actor=cast.town_a_admin, round=rnd)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", cast.town_a_admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/duty/rounds/{rnd.pk}/")
    assert page.locator("#turnout-text").inner_text() == "已投 0 / 发放 4"
    assert page.locator("#results").count() == 0

    for code, grade in zip(codes[:3], ["优秀", "称职", "优秀"], strict=True):
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
        )
        phone = context.new_page()
        phone.goto(f"{live_server.url}/duty/v/")
        phone.fill("input[name=code]", code.lower())
        phone.click("button[type=submit]")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        for fieldset in phone.locator("fieldset.ballot-row").all():
            fieldset.get_by_label(grade, exact=True).check()
        phone.click("#ballot button[type=submit]")
        assert "投票成功" in phone.locator("#vote-message").inner_text()
        phone.reload()  # the same code again
        assert "该投票码已使用" in phone.locator("#vote-message").inner_text()
        context.close()

    page.reload()
    assert page.locator("#turnout-text").inner_text() == "已投 3 / 发放 4"
    assert page.locator("#results").count() == 0
    page.click("#close-round")
    assert "已投 3 / 发放 4" in page.locator("main, body").first.inner_text()
    page.click("button.btn-danger[type=submit]")
    page.wait_for_selector("#results")
    rows = page.locator("#results tbody tr").all_inner_texts()
    assert len(rows) == 3 and all("优秀" in row for row in rows)
    assert Ballot.objects.filter(round=rnd).count() == 3
