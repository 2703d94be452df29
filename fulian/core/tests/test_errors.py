"""403, 404, 429 and 500 in Chinese inside the shell, with a way back, with DEBUG off."""

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def test_404_has_the_menu_and_a_way_back(client, cast, settings):
    assert settings.DEBUG is False
    client.force_login(cast.village_editor)
    response = client.get("/orgs/999999/", HTTP_REFERER="http://testserver/orgs/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert 'id="main-nav"' in page
    assert 'href="http://testserver/orgs/" id="error-back"' in page
    assert 'id="error-home"' in page


def test_403_in_chinese(client, cast):
    client.force_login(cast.viewer)
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert "Forbidden" not in response.content.decode()


def test_api_errors_stay_json(client, cast):
    client.force_login(cast.village_editor)
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "您要找的页面不存在，或不在您的管辖范围内。"}


def test_500_renders_in_chinese_with_debug_off(cast, settings):
    settings.DEBUG = False
    from fulian.core.views import server_error

    client = Client(raise_request_exception=False)
    client.force_login(cast.village_editor)
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = cast.village_editor
    request.session = client.session
    response = server_error(request)
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()


def test_no_template_iterates_a_dict_by_its_items_method():
    """``{% for k, v in d.items %}`` breaks when ``d`` has a key named "items" (the audit
    page did, for a logged field of that name): views pass lists of pairs instead."""
    offenders = []
    for path in sorted(ROOT.glob("fulian/*/templates/**/*.html")):
        for match in re.finditer(r"{%\s*for [^%]*\.(items|keys|values)\s*%}", path.read_text()):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []
