"""Issue 13.8: guessing passwords is limited per address as well as per account, a locked
admin account is told to the district admins, a filter is no existence oracle, and the
API schema needs a login in production."""

import subprocess
import sys

import pytest
from django.core import mail

from fulian.accounts.services import issue_token
from fulian.core.testing import PASSWORD
from fulian.people.models import Person

pytestmark = pytest.mark.django_db
LOCKED_ADDRESS = "此地址登录尝试过于频繁，请稍后再试。"


@pytest.fixture
def three_failures(settings):
    settings.FULIAN_LOGIN_FAILURES_PER_ADDRESS = (3, 900)


def test_one_address_cannot_go_on_guessing_across_accounts(client, cast, three_failures):
    for name in ("someone", "anyone", "no-one"):  # three accounts, none locked by itself
        response = client.post("/login/", {"username": name, "password": "guess"})
        assert response.status_code == 200
    page = client.post("/login/", {"username": cast.viewer.username, "password": PASSWORD})
    assert page.status_code == 429
    assert LOCKED_ADDRESS in page.content.decode()
    token = client.post(
        "/api/v1/auth/token/", {"username": cast.viewer.username, "password": PASSWORD}
    )
    assert token.status_code == 429
    assert token.json() == {"detail": LOCKED_ADDRESS}
    # Another address is not held back, and the account itself is not locked.
    other = client.post(
        "/login/",
        {"username": cast.viewer.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302


def test_a_forged_forwarded_for_is_no_fresh_address(client, cast, three_failures, settings):
    settings.FULIAN_TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(3):  # from an untrusted client, the header names nobody
        client.post(
            "/login/",
            {"username": "x", "password": "guess"},
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = client.post(
        "/login/",
        {"username": cast.viewer.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 429


def test_a_locked_admin_account_is_mailed_to_the_district_admins(client, cast):
    cast.district_admin.email = "district@example.org"
    cast.district_admin.save(update_fields=["email"])
    for _ in range(5):
        client.post("/login/", {"username": cast.town_a_admin.username, "password": "wrong"})
    assert [m.to for m in mail.outbox] == [["district@example.org"]]
    assert mail.outbox[0].subject == "【妇联平台】管理员账号被锁定"
    assert mail.outbox[0].body == (
        "管理员账号 town-a-admin（town-a-admin 测试）因连续登录失败已被锁定30分钟，"
        "最后一次尝试来自 127.0.0.1。如非本人操作，请检查该地址。"
    )


def test_a_locked_viewer_account_mails_nobody(client, cast):
    cast.district_admin.email = "district@example.org"
    cast.district_admin.save(update_fields=["email"])
    for _ in range(5):
        client.post("/login/", {"username": cast.viewer.username, "password": "wrong"})
    assert mail.outbox == []


def test_a_record_filter_answers_alike_for_out_of_scope_and_missing(cast, api_client):
    elsewhere = Person.objects.create(org=cast.town_b, name="天水镇某人")
    missing = elsewhere.pk + 1000
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=cast.town_a_admin)[1]}")
    hidden = api_client.get(f"/api/v1/positions/?person={elsewhere.pk}")
    absent = api_client.get(f"/api/v1/positions/?person={missing}")
    assert hidden.status_code == absent.status_code == 400
    assert hidden.json() == {"person": ["选择一个有效的选项： 该选择不在可用的选项中。"]}
    assert absent.json() == hidden.json()


def test_production_asks_a_login_for_the_schema_and_its_docs():
    code = (
        "from django.test import Client; c = Client();"
        "print([c.get(u, secure=True, HTTP_HOST='fulian.example.org').status_code"
        " for u in ('/api/schema/', '/api/docs/')])"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "fulian.settings",
        "FULIAN_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "fulian.example.org",
        "FULIAN_PD_KEYS": '{"current":"k1","keys":{"k1":"00112233445566778899aabbccddeeff"},'
        '"index_key":"' + "0" * 64 + '"}',
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[401, 401]"
