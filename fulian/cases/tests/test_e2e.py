"""A woman asks for help on a 375px phone without an account: she finds her village by its
pinyin initials, sends the form, keeps her tracking code, and later follows the request
through routing, the village's answer and closing."""

import re

import pytest

from fulian.cases import services
from fulian.cases.models import HelpRequest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_ask_for_help_on_a_phone_and_follow_it(phone, live_server, cast):
    page = phone
    page.goto(f"{live_server.url}/cases/help/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("label:has-text('婚姻家庭纠纷')")
    page.fill("#place-q", "xzz")  # 下寨子, by its pinyin initials: htmx fills the choices
    page.wait_for_selector(f"#place-{cast.village_a.pk}")
    page.click(f"label[for=place-{cast.village_a.pk}]")
    page.fill("textarea[name=description]", "和婆婆经常吵架，丈夫不管，想请妇联帮忙调解。")
    page.fill("#id_name", "王女士")
    page.fill("#id_phone", "138 0000 2222")
    box = page.locator("#submit-help").bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300
    page.click("#submit-help")
    page.wait_for_selector("#tracking-code")
    code = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    req = HelpRequest.objects.get()
    assert (req.org, req.display_code, req.phone) == (cast.village_a, code, "13800002222")
    # Going back and sending the same page again makes no second request.
    page.go_back()
    page.wait_for_selector("#submit-help")
    page.click("#submit-help")
    page.wait_for_load_state()
    assert HelpRequest.objects.count() == 1

    def status(typed):
        page.goto(f"{live_server.url}/cases/help/status/")
        page.fill("#id_code", typed)
        page.click("#status-form button[type=submit]")
        page.wait_for_selector("#status-result, #status-none")

    status(code.replace("-", "").lower())  # as she might type it
    assert page.locator("#status-label").inner_text() == "已受理"
    assert "暂无答复" in page.locator("#replies").inner_text()

    services.assign_request(actor=cast.village_editor, request=req)
    services.start_request(actor=cast.village_editor, request=req)
    services.answer_request(
        actor=cast.village_editor, request=req, text="已约您周三上午到妇女之家面谈。"
    )
    status(code)
    assert page.locator("#status-label").inner_text() == "已答复"
    assert page.locator("#replies").inner_text().strip().endswith("已约您周三上午到妇女之家面谈。")
    services.close_request(actor=cast.village_editor, request=req, feedback="satisfied")
    status(code)
    assert page.locator("#status-label").inner_text() == "已办结"
    assert "13800002222" not in page.content()

    status("ABCD-EFGH-JKMN")  # someone else's guess finds nothing
    assert page.locator("#status-none").is_visible()
    assert page.locator("#status-result").count() == 0
