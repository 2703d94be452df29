"""Phone first, checked in Chromium at 375 px on the demo, in all three languages (and the
menu bar at 1366 px): no page scrolls sideways, no tap target is under 44 × 44 px, a village
user records an activity in one tap from the home page and never sees the district's
supervision menus."""

import io

import pytest
from django.core.management import call_command

from fulian.accounts.demo import DEMO_PASSWORD
from fulian.events.models import Activity
from fulian.orgs.models import Org

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375
LANGUAGES = ("zh-hans", "zh-hant", "en")

# Visible tap targets smaller than 44 × 44 px (a checkbox counts with its label), and the
# width the page would scroll to.
MEASURE = """() => {
  const small = [];
  const shown = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const targets = 'a[href], button, input:not([type=hidden]), select, textarea, [role=button]';
  for (const e of document.querySelectorAll(targets)) {
    if (!shown(e) || e.closest('.visually-hidden, .visually-hidden-focusable')) continue;
    const box = (e.type === 'checkbox' || e.type === 'radio')
      ? (e.closest('.form-check') || e.parentElement) : e;
    const r = box.getBoundingClientRect();
    if (r.height < 44 || r.width < 44) {
      small.push(`${e.tagName} "${(e.innerText || e.value || e.name || '').trim().slice(0, 20)}"`
        + ` ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return {width: document.documentElement.scrollWidth, small: small};
}"""


def _login(phone, live_server, username):
    phone.goto(f"{live_server.url}/login/")
    phone.fill("input[name=username]", username)
    phone.fill("input[name=password]", DEMO_PASSWORD)
    phone.click("#login-form button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")


def _language(phone, live_server, code):
    phone.goto(f"{live_server.url}/")
    with phone.expect_navigation():
        phone.locator(f"#language-switch button[value={code}]").dispatch_event("click")
    assert phone.locator("html").get_attribute("lang") == code


def _pages(phone, extra):
    menu = phone.eval_on_selector_all(
        "#main-nav .dropdown-menu a.dropdown-item", "links => links.map(a => a.pathname)"
    )
    return ["/", *dict.fromkeys(menu), *extra]


def _problems(phone, live_server, urls, language):
    found = []
    for url in urls:
        phone.goto(f"{live_server.url}{url}")
        seen = phone.evaluate(MEASURE)
        if seen["width"] > PHONE_WIDTH:
            found.append(f"{language} {url}: {seen['width']} px wide")
        found += [f"{language} {url}: {target}" for target in seen["small"]]
    return found


@pytest.fixture
def demo(settings):
    settings.FULIAN_DEFAULT_YEAR = 2023
    call_command("load_demo", stdout=io.StringIO())


def test_village_user_on_a_phone(phone, live_server, demo):
    _login(phone, live_server, "xiazhaizi-village")
    # One tap from home to recording an activity; the rectification items are one tap too.
    actions = phone.locator("#home-actions a")
    assert actions.evaluate_all("links => links.map(a => a.dataset.action)") == [
        "events:record",
        "events:list",
        "building:items",
    ]
    actions.first.click()
    phone.wait_for_url(f"{live_server.url}/events/record/")
    assert phone.locator("form button[type=submit]").count() >= 1
    # The district's supervision pages are not in a village's menu.
    menu = set(
        phone.eval_on_selector_all("#main-nav a.dropdown-item", "a => a.map(x => x.pathname)")
    )
    assert {"/building/units/", "/venues/standards/", "/people/congresses/"} & menu == set()
    village = Org.objects.get(code="620502103005")
    activity = Activity.objects.filter(org=village).order_by("pk").first()
    extra = [f"/orgs/{village.pk}/", f"/events/{activity.pk}/"]
    problems = []
    for language in LANGUAGES:
        _language(phone, live_server, language)
        problems += _problems(phone, live_server, _pages(phone, extra), language)
    assert problems == [], "\n".join(problems)


def test_district_admin_on_a_phone_and_at_1366_px(phone, browser, live_server, demo):
    _login(phone, live_server, "qinzhou-admin")
    district = Org.objects.get(code="620502")
    problems = []
    for language in ("en", "zh-hant"):  # the longest words, and the converted script
        _language(phone, live_server, language)
        problems += _problems(
            phone, live_server, _pages(phone, [f"/orgs/{district.pk}/"]), language
        )
    assert problems == [], "\n".join(problems)
    # At 1366 px (a common office screen) the expanded menu bar fits in every language.
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    desk = context.new_page()
    _login(desk, live_server, "qinzhou-admin")
    wide = []
    for language in LANGUAGES:
        _language(desk, live_server, language)
        for url in _pages(desk, []):
            desk.goto(f"{live_server.url}{url}")
            width = desk.evaluate("document.documentElement.scrollWidth")
            if width > 1366:
                wide.append(f"{language} {url}: {width} px")
    context.close()
    assert wide == []
