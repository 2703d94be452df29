"""Browser journeys in a real Chromium: a trainee checks in on a phone (375 px) while the
organiser's count goes up; an activity recorded on a phone without a signal waits in the
outbox and arrives once."""

import contextlib
import datetime

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from fulian.core import periods
from fulian.core.testing import PASSWORD
from fulian.events import services
from fulian.events.models import Activity, Attendance, Campaign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_phone_checkin_journey(page, phone, live_server, cast, trainee):
    now = periods.now()
    training = services.create_training(
        actor=None, org=cast.town_a, title="领头雁培训班", start=now.date(), series="lingtouyan"
    )
    session = services.add_session(
        actor=None,
        activity=training.activity,
        title="开班式",
        start=now - datetime.timedelta(minutes=5),
        end=now + datetime.timedelta(hours=2),
    )
    # The organiser opens the session page and sees no one yet.
    login(page, live_server, cast.town_a_admin.username)
    page.goto(f"{live_server.url}/events/sessions/{session.pk}/")
    assert page.locator("#count-attendances").inner_text() == "0"
    link = page.locator("#checkin-link").inner_text()
    assert link.startswith(f"{live_server.url}/events/c/")
    assert page.locator("img.qr-code").evaluate("img => img.complete && img.naturalWidth > 0")

    # The trainee scans the code: a phone-width page, name and phone, no login.
    phone.goto(link)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.fill("input[name=name]", "李秀英")
    phone.fill("input[name=phone]", "13800001111")
    phone.click("#checkin-form button[type=submit]")
    assert "李秀英，签到成功！" in phone.locator("#checkin-message").inner_text()

    # Scanning again is refused politely.
    phone.goto(link)
    phone.fill("input[name=name]", "李秀英")
    phone.fill("input[name=phone]", "138 0000 1111")
    phone.click("#checkin-form button[type=submit]")
    assert "已签到" in phone.locator("#checkin-message").inner_text()
    assert Attendance.objects.filter(session=session).count() == 1

    # The organiser's count goes up by itself (htmx polls every few seconds).
    expect(page.locator("#count-attendances")).to_have_text("1", timeout=15000)
    assert page.locator("#count-people").inner_text() == "1"


def test_phone_recording_survives_a_lost_connection(phone, live_server, cast):
    login(phone, live_server, cast.village_editor.username)
    phone.goto(f"{live_server.url}/events/record/")
    campaign = Campaign.objects.get(code="beautiful_homes")
    phone.select_option("select[name=campaign]", str(campaign.pk))
    phone.select_option("select[name=kind]", label="清洁行动")
    phone.fill("input[name=place]", "村口广场")
    phone.fill("input[name=head_count]", "18")
    phone.fill("textarea[name=description]", "清理村口垃圾。")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.context.set_offline(True)
    phone.click("#record-submit")
    # The notice sits under the submit button, and the record waits in the outbox.
    notice = phone.locator("#record-offline")
    notice.wait_for()
    button = phone.locator("#record-submit").bounding_box()
    assert 0 < notice.bounding_box()["y"] - (button["y"] + button["height"]) < 20
    assert phone.locator("#outbox li[data-state=pending]").count() == 1
    assert Activity.objects.count() == 0
    # A reload while offline-then-online loses nothing: the outbox sends it, once.
    phone.context.set_offline(False)
    with contextlib.suppress(PlaywrightError):
        phone.reload()
    phone.wait_for_selector("#outbox li[data-state=sent]", timeout=15000)
    activity = Activity.objects.get()
    assert (activity.title, activity.head_count, activity.org) == (
        "巾帼共建美丽家园·村口广场",
        18,
        cast.village_a,
    )
    # Another page, another flush: still one record; dismissing empties the outbox.
    phone.goto(f"{live_server.url}/events/record/")
    phone.click("#outbox li[data-state=sent] button")
    assert phone.evaluate("FulianOutbox.entries().length") == 0
    assert phone.locator("#outbox").is_hidden()
    assert Activity.objects.count() == 1
