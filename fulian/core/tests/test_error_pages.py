"""With DEBUG off (as `make run` and production serve), every error a user can meet is a
Chinese page with a way home, never a traceback or Django's English default."""

import json

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from fulian.core.views import server_error

pytestmark = pytest.mark.django_db

ENGLISH = ("Not Found", "Forbidden", "Bad Request", "Server Error", "Traceback", "CSRF verif")


def _page(response, status):
    assert response.status_code == status
    html = response.content.decode()
    assert not [word for word in ENGLISH if word in html]
    assert 'id="error-home"' in html
    return html


def test_404_is_chinese(client, cast, settings):
    assert settings.DEBUG is False
    client.force_login(cast.village_editor)
    html = _page(client.get("/orgs/999999/"), 404)
    assert '<h1 class="h3">页面不存在</h1>' in html
    assert "您要找的页面不存在，或不在您的管辖范围内。" in html


def test_403_is_chinese(client, cast):
    client.force_login(cast.viewer)
    html = _page(client.get("/audit/"), 403)
    assert '<h1 class="h3">无权访问</h1>' in html


def test_400_is_chinese(client):
    html = _page(client.get("/login/", HTTP_HOST="evil.example.com"), 400)
    assert '<h1 class="h3">请求有误</h1>' in html


def test_a_stale_form_is_a_chinese_403_that_changed_nothing(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    html = _page(response, 403)
    assert '<h1 class="h3">页面已过期</h1>' in html


def test_500_is_chinese_without_a_request_context(cast):
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):  # as LocaleMiddleware left it for the request
        html = _page(server_error(request), 500)
    assert '<h1 class="h3">服务器出错了</h1>' in html
    assert "系统处理时出错，已记录。请稍后再试，或回到首页。" in html


def test_error_pages_follow_the_language(client, cast):
    client.force_login(cast.village_editor)
    client.cookies["fulian_language"] = "zh-hant"
    assert "頁面不存在" in client.get("/orgs/999999/").content.decode()


def test_500_under_the_api_is_json(cast):
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/api/v1/activities/"))
    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": "服务器出错了，已记录。请稍后再试。"}
