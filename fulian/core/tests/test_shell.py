"""The shell every page stands on: no external URL, no inline script or style, CSP with
nonces, navigation by pillar, three languages, complete translations."""

import re
from pathlib import Path
from urllib.parse import unquote

import polib
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from fulian.core.registry import registry

ROOT = Path(__file__).resolve().parents[3]
EXTERNAL = re.compile(r"""(?:src|href|action|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTR = re.compile(r"""<[^>]+\sstyle\s*=""", re.I)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.I)


def _template_files():
    return sorted(ROOT.glob("fulian/*/templates/**/*.html"))


def test_no_template_references_an_external_url():
    offenders = [
        str(p.relative_to(ROOT)) for p in _template_files() if EXTERNAL.search(p.read_text())
    ]
    assert offenders == []


def test_no_template_has_inline_script_or_style():
    offenders = []
    for path in _template_files():
        text = path.read_text()
        for tag in INLINE_SCRIPT.findall(text):
            if 'type="application/json"' not in tag:  # json_script data blocks are not code
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        if STYLE_ATTR.search(text) or "<style" in text:
            offenders.append(f"{path.relative_to(ROOT)}: style")
    assert offenders == []


# ``x.items`` in a template looks up the key "items" before the dict method: a logged field
# named ``items`` turned the audit page into a 500. Templates get lists of pairs instead;
# a related manager (``finding.items.all``) is not a dict.
DICT_METHOD = re.compile(r"\.(?:items|keys|values)\b(?!\.all\b)")


def test_no_template_iterates_a_dict_through_its_methods():
    offenders = []
    for path in _template_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if DICT_METHOD.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def _pages(cast):
    urls = [reverse(item.url_name) for item in registry.nav]
    urls += [
        "/",
        f"/orgs/{cast.town_a.pk}/",
        f"/orgs/{cast.town_a.pk}/new/",
        "/accounts/users/new/",
        "/accounts/password/",
        "/api/docs/",
    ]
    return urls


@pytest.mark.django_db
def test_rendered_pages_reference_nothing_external_and_carry_the_csp(client, cast):
    client.force_login(cast.district_admin)
    for url in _pages(cast):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not EXTERNAL.search(html), url
        for static in re.findall(r'(?:src|href)="/static/([^"?#]+)', html):
            assert finders.find(unquote(static)), (url, static)
        if url == "/api/docs/":
            continue  # Swagger UI's own page: scripts from the sidecar, our origin only
        csp = response["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
        for tag in SCRIPT_TAG.findall(html):
            assert f'nonce="{nonce}"' in tag or 'type="application/json"' in tag, (url, tag)
        assert not STYLE_ATTR.search(html), url


@pytest.mark.django_db
def test_login_page_is_public_and_everything_else_is_not(client, cast):
    assert client.get("/login/").status_code == 200
    assert client.get("/health/").status_code == 200
    for url in _pages(cast):
        if url.startswith("/api/"):
            continue
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


@pytest.mark.django_db
def test_navigation_is_by_pillar_and_by_permission(client, cast):
    client.force_login(cast.district_admin)
    html = client.get("/").content.decode()
    assert 'href="/audit/"' in html and 'href="/accounts/users/"' in html
    assert 'data-pillar="strong"' in html and 'data-pillar="reports"' in html
    client.force_login(cast.viewer)
    html = client.get("/").content.decode()
    assert 'href="/audit/"' not in html and 'href="/accounts/users/"' not in html
    assert 'href="/orgs/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "kind"),
    [
        ("zh-hans", "妇联基层工作平台", "乡镇妇联"),
        ("zh-hant", "婦聯基層工作平臺", "鄉鎮婦聯"),
        ("en", "Women's Federation Grassroots Platform", "Town federation"),
    ],
)
def test_language_switch(client, cast, language, title, kind):
    client.force_login(cast.town_a_admin)
    response = client.post(
        "/i18n/setlang/", {"language": language, "next": f"/orgs/{cast.town_a.pk}/"}
    )
    assert response.status_code == 302
    html = client.get(f"/orgs/{cast.town_a.pk}/").content.decode()
    assert title in html.replace("&#x27;", "'")
    assert kind in html
    # Stored names follow the reader's script.
    assert ("皂郊鎮" in html) == (language == "zh-hant")


@pytest.mark.django_db
def test_default_language_is_simplified_chinese(client, cast):
    client.force_login(cast.viewer)
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_every_catalogue_is_complete_and_compiled(tmp_path):
    catalogues = sorted(ROOT.glob("fulian/*/locale/*/LC_MESSAGES/django.po"))
    assert {p.parts[-3] for p in catalogues} == {"en", "zh_Hant"}
    for path in catalogues:
        po = polib.pofile(str(path))
        assert [e.msgid for e in po.untranslated_entries()] == [], path
        assert [e.msgid for e in po.fuzzy_entries()] == [], path
        compiled = tmp_path / "check.mo"
        po.save_as_mofile(str(compiled))
        assert compiled.read_bytes() == path.with_suffix(".mo").read_bytes(), f"{path}: stale .mo"


def test_translation_check_refuses_a_variable_where_extraction_cannot_see_it(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("translations", ROOT / "scripts/translations.py")
    assert spec is not None and spec.loader is not None
    checker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checker)
    assert checker.untranslatable() == []
    app = tmp_path / "fulian" / "demo"
    (app / "templates" / "demo").mkdir(parents=True)
    (app / "labels.py").write_text(
        "from django.utils.translation import gettext as _, pgettext\n"
        "NAMES = ['汉族']\n"
        "ok = _('汉族'), pgettext('role', '查看')\n"
        "bad = [_(n) for n in NAMES]\n"
        "worse = pgettext('role', NAMES[0])\n"
    )
    (app / "templates" / "demo" / "page.html").write_text(
        '{% translate "查看" context "verb" %}{% translate kind.name %}'
    )
    assert checker.untranslatable(tmp_path) == [
        "fulian/demo/labels.py:4: _() of a variable (extraction cannot see it)",
        "fulian/demo/labels.py:5: pgettext() of a variable (extraction cannot see it)",
        "fulian/demo/templates/demo/page.html:1: translate of a variable (kind.name)",
    ]
