import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from fulian.accounts.models import User
from fulian.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.real_hasher
def test_passwords_are_hashed_with_argon2(cast):
    user = User.objects.create_user("argon-user", "Str0ng-pass", org=cast.town_a)
    assert user.password.startswith("argon2$")
    assert user.check_password("Str0ng-pass")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abcdefgh1", "密码须包含大写字母、小写字母、数字和符号中的至少三类。"),
        ("ABCDEFGH!", "密码须包含大写字母、小写字母、数字和符号中的至少三类。"),
        ("Ab1!", "密码太短，至少需要8个字符。"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password, message):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as error:
            validate_password(password)
        assert message in error.value.messages


@pytest.mark.parametrize("password", ["Qinzhou2023", "zaojiao1!", "TIANSHUI1!", "Xiazhaizi!"])
def test_three_classes_of_eight_characters_pass(password):
    validate_password(password)


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_six_wrong_passwords_lock_and_the_right_one_is_then_refused(client, cast):
    user = cast.town_a_admin
    for _ in range(6):
        response = _login(client, user.username, "wrong-Password1")
        assert "_auth_user_id" not in client.session
    assert response.status_code == 429
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多，账号已锁定30分钟。" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The lock is by account: another user still logs in from the same address.
    assert _login(client, cast.town_b_admin.username, PASSWORD).status_code == 302


def test_the_lock_lasts_thirty_minutes(client, cast):
    user = cast.viewer
    with time_machine.travel(datetime.datetime(2023, 6, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        for _ in range(5):
            _login(client, user.username, "wrong-Password1")
        assert _login(client, user.username, PASSWORD).status_code == 429
    with time_machine.travel(datetime.datetime(2023, 6, 1, 9, 29, tzinfo=datetime.UTC), tick=False):
        assert _login(client, user.username, PASSWORD).status_code == 429
    with time_machine.travel(datetime.datetime(2023, 6, 1, 9, 31, tzinfo=datetime.UTC), tick=False):
        assert _login(client, user.username, PASSWORD).status_code == 302


def test_token_endpoint_refuses_locked_accounts(client, cast):
    url = "/api/v1/auth/token/"
    ok = client.post(url, {"username": cast.viewer.username, "password": PASSWORD})
    assert ok.status_code == 200 and len(ok.json()["token"]) == 64
    assert client.post(url, {"username": cast.viewer.username, "password": "x"}).status_code == 400
    for _ in range(5):
        client.post(url, {"username": cast.viewer.username, "password": "wrong"})
    locked = client.post(url, {"username": cast.viewer.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json() == {"detail": "登录失败次数过多，账号已锁定30分钟。"}


def test_token_authenticates_api_calls(client, cast):
    token = client.post(
        "/api/v1/auth/token/", {"username": cast.town_a_admin.username, "password": PASSWORD}
    ).json()["token"]
    response = client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["count"] == 3
    assert client.get("/api/v1/orgs/", HTTP_AUTHORIZATION="Token nope").status_code == 401


def test_session_settings():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.FULIAN_SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60


def test_idle_session_ends_after_thirty_minutes(client, cast):
    start = datetime.datetime(2023, 6, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert _login(client, cast.viewer.username, PASSWORD).status_code == 302
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29 + 31), tick=False):
        assert client.get("/").status_code == 302


def test_active_session_ends_after_twelve_hours(client, cast):
    start = datetime.datetime(2023, 6, 1, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _login(client, cast.viewer.username, PASSWORD)
        client.get("/")
    for step in range(1, 36):  # a request every 20 minutes keeps the session from idling
        with time_machine.travel(start + datetime.timedelta(minutes=20 * step), tick=False):
            status = client.get("/").status_code
            assert status == (200 if step * 20 <= 12 * 60 else 302), step
            if status == 302:
                break


def test_disabling_an_account_ends_its_session(client, cast):
    _login(client, cast.viewer.username, PASSWORD)
    assert client.get("/").status_code == 200
    User.objects.filter(pk=cast.viewer.pk).update(is_active=False)
    assert client.get("/").status_code == 302


def test_logout_is_post_only(client, cast):
    client.force_login(cast.viewer)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302
