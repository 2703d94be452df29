"""Accessibility of every menu page and the pages they lead to: each input has a label (a
placeholder is not one), tree toggles say whether they are open, each chart has its
figures as a table, a skip link leads to the content, and the menu bar reads at 4.5:1."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from fulian.core.registry import registry
from fulian.events import services as events_services
from fulian.people import services as people_services

pytestmark = pytest.mark.django_db

FIELDS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}
CONTAINERS = {"div", "section", "details"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.ids: dict[str, str] = {}
        self.open_labels = 0
        self.charts: list[dict[str, str]] = []
        self.toggles: list[dict[str, str]] = []
        self.first_link: dict[str, str] | None = None
        self.open_ids: list[str | None] = []
        self.holds_table: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids[a["id"]] = tag
        if tag == "table":
            self.holds_table.update(i for i in self.open_ids if i)
            if a.get("id"):
                self.holds_table.add(a["id"])
        if tag in CONTAINERS:
            self.open_ids.append(a.get("id"))
        if tag == "a" and self.first_link is None:
            self.first_link = a
        if tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in FIELDS and a.get("type", "") not in UNLABELLED_TYPES:
            self.fields.append({**a, "_tag": tag, "_in_label": str(self.open_labels > 0)})
        if "chart" in a.get("class", "").split():
            self.charts.append(a)
        if "toggle" in a.get("class", "").split() and tag == "button":
            self.toggles.append(a)

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1
        if tag in CONTAINERS and self.open_ids:
            self.open_ids.pop()


def _problems(url, html):
    page = _Page()
    page.feed(html)
    found = []
    for f in page.fields:
        labelled = (
            f.get("id") in page.label_for
            or f["_in_label"] == "True"
            or f.get("aria-label")
            or f.get("aria-labelledby")
        )
        if not labelled:
            found.append(f"{url}: {f['_tag']} name={f.get('name')!r} has no label")
    for chart in page.charts:
        table = chart.get("aria-describedby", "")
        if table not in page.holds_table:
            found.append(f"{url}: chart {chart.get('id')!r} has no table of its figures")
    for toggle in page.toggles:
        if toggle.get("aria-expanded") not in ("true", "false"):
            found.append(f"{url}: tree toggle without aria-expanded")
    if page.first_link is None or page.first_link.get("href") != "#main" or "main" not in page.ids:
        found.append(f"{url}: no skip link to #main first")
    return found


def _urls(cast, congress):
    urls = [reverse(item.url_name) for item in registry.nav]
    urls += [
        "/events/campaigns/law_homes/",
        f"/people/congresses/{congress.pk}/",
        f"/orgs/{cast.town_a.pk}/",
        f"/orgs/{cast.town_a.pk}/new/",
        f"/people/org/{cast.village_a.pk}/roster/",
        "/accounts/users/new/",
        "/venues/new/",
        "/events/new/",
        "/events/trainings/new/",
        "/people/new/",
        "/people/congresses/new/",
        "/building/visits/new/",
        "/building/units/new/",
    ]
    return list(dict.fromkeys(urls))


def test_every_page_labels_its_inputs_charts_and_toggles(client, cast):
    events_services.ensure_defaults()  # the campaign page needs the shipped campaigns
    client.force_login(cast.district_admin)
    found = []
    congress = people_services.create_congress(
        actor=cast.district_admin,
        org=cast.district,
        number=8,
        name="秦州区第八次妇女代表大会",
        start_date=datetime.date(2021, 9, 26),
    )
    for url in _urls(cast, congress):
        response = client.get(url)
        assert response.status_code == 200, url
        found += _problems(url, response.content.decode())
    assert "\n".join(found) == ""


def test_tree_toggles_and_the_home_chart(client, cast):
    client.force_login(cast.district_admin)
    tree = client.get("/orgs/").content.decode()
    children = client.get(f"/orgs/{cast.town_a.pk}/children/").content.decode()
    assert re.search(r'class="[^"]*toggle[^"]*"[^>]*aria-expanded="false"', tree + children)
    home = client.get("/").content.decode()
    # The dashboard's charts are images named by their title, each with its table beside.
    blocks = re.findall(r'data-chart-block="([\w-]+)"', home)
    assert blocks and all(f'data-chart-table="{key}"' in home for key in blocks)
    charts = re.findall(r'<div class="chart"[^>]*>', home)
    assert all('role="img"' in c and 'aria-label="' in c for c in charts)


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_menu_bar_contrast_is_at_least_4_5():
    from django.contrib.staticfiles import finders

    with open(finders.find("fulian/app.css"), encoding="utf-8") as f:
        css = f.read()
    bar = re.search(r"--fulian-bar:\s*(#[0-9a-fA-F]{6})", css).group(1)
    text = re.search(r"--fulian-bar-text:\s*(#[0-9a-fA-F]{6})", css).group(1)
    light, dark = sorted((_luminance(bar), _luminance(text)), reverse=True)
    assert round((light + 0.05) / (dark + 0.05), 1) == 6.5
    assert ".navbar-dark .navbar-nav .nav-link { color: var(--fulian-bar-text)" in css
    assert ":focus-visible" in css
