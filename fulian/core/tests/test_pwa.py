"""Fulian installs as a web app and opens without a signal: the manifest, the service
worker's list of what it keeps, the offline page; and in Chromium, a village user opens the
app with the network off, records an activity that waits in the outbox, and it reaches the
server once when the network returns."""

import json

import pytest
from django.contrib.staticfiles import finders

from fulian.core import pwa
from fulian.core.testing import PASSWORD
from fulian.events import services as events_services
from fulian.events.models import Activity

pytestmark = pytest.mark.django_db


def test_manifest_names_the_app_its_icons_and_its_start(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert (data["name"], data["short_name"], data["start_url"], data["display"]) == (
        "妇联基层工作平台",
        "妇联平台",
        "/",
        "standalone",
    )
    assert [(i["sizes"], i.get("purpose", "any")) for i in data["icons"]] == [
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    ]
    assert all(finders.find(i["src"].removeprefix("/static/")) for i in data["icons"])


def test_service_worker_keeps_the_shell_and_the_phone_pages(client, cast):
    response = client.get("/sw.js")
    assert response["Content-Type"] == "text/javascript"
    assert (response["Service-Worker-Allowed"], response["Cache-Control"]) == ("/", "no-cache")
    body = response.content.decode()
    # Every file of the shell exists (one missing file and the worker never installs).
    assert [p for p in pwa.SHELL if not finders.find(p)] == []
    assert '"/static/fulian/outbox.js"' in body and '"/offline/"' in body
    assert 'var PAGES = ["/", "/events/record/"];' in body
    assert client.get("/offline/").status_code == 200  # anonymous: the worker caches it


def test_every_page_links_the_manifest_and_the_outbox(client, cast):
    client.force_login(cast.village_editor)
    page = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert f'data-sw="/sw.js" data-user="{cast.village_editor.pk}"' in page
    assert 'id="outbox"' in page and "/static/fulian/outbox.js" in page


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_opens_offline_and_the_outbox_sends_once(phone, live_server, cast):
    events_services.ensure_defaults()  # an earlier transactional test may have flushed them
    phone.goto(f"{live_server.url}/login/")
    phone.fill("input[name=username]", cast.village_editor.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("#login-form button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    # The worker installs and takes the page; the phone form is visited once online.
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()
    assert phone.evaluate("!!navigator.serviceWorker.controller")
    phone.goto(f"{live_server.url}/events/record/")
    phone.goto(f"{live_server.url}/")

    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/")  # the app opens without a signal
    assert phone.locator("#home-actions").is_visible()
    phone.goto(f"{live_server.url}/people/")  # a page it does not keep: the offline page
    assert phone.locator("#offline-pages a").count() == 2
    phone.goto(f"{live_server.url}/events/record/")
    phone.select_option("select[name=kind]", label="清洁行动")
    phone.fill("input[name=place]", "村口广场")
    phone.fill("input[name=head_count]", "18")
    phone.click("#record-submit")
    phone.wait_for_selector("#record-offline:not(.d-none)")
    entry = phone.locator("#outbox li[data-state=pending]")
    assert entry.count() == 1 and "村口广场" in entry.inner_text()
    # The form is ready for the next record, under a new key.
    assert phone.input_value("input[name=place]") == ""
    key = phone.evaluate("FulianOutbox.entries()[0].key")
    assert phone.input_value("input[name=idempotency_key]") != key
    assert Activity.objects.count() == 0

    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_selector("#outbox li[data-state=sent]")
    # Sent once; sending again (a retry, another tab) keeps one record.
    phone.evaluate(
        "(() => { const e = FulianOutbox.entries(); e[0].state = 'pending';"
        f" localStorage.setItem('fulian.outbox.{cast.village_editor.pk}', JSON.stringify(e)); }})()"
    )
    phone.evaluate("FulianOutbox.flush()")
    phone.wait_for_selector("#outbox li[data-state=sent]")
    activity = Activity.objects.get()
    assert (str(activity.idempotency_key), activity.place, activity.head_count) == (
        key,
        "村口广场",
        18,
    )
    assert phone.locator("#outbox li[data-state=sent] a").get_attribute("href") == (
        f"/events/{activity.pk}/"
    )
    # Signing out forgets the cached pages: a shared phone shows nobody else's.
    assert phone.evaluate(PAGE_URLS) != []
    with phone.expect_navigation():
        phone.evaluate("document.querySelector('form[data-logout]').requestSubmit()")
    phone.goto(f"{live_server.url}/login/")
    phone.wait_for_function(f"{PAGE_URLS}.then(urls => urls.length === 0)")


PAGE_URLS = "caches.open('fulian-pages').then(c => c.keys()).then(k => k.map(r => r.url))"
