"""Issue 13 items 2 and 3: the same two-factor policy on every way in, throttled codes,
and API tokens that are hashed, expiring, per device and revocable."""

import datetime

import pytest
import time_machine
from django.db import connection
from knox.models import AuthToken

from fulian.accounts import totp
from fulian.accounts.models import User
from fulian.accounts.services import (
    TotpResult,
    check_totp,
    confirm_totp,
    start_totp_enrollment,
    update_user,
)
from fulian.core.testing import PASSWORD

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
START = datetime.datetime(2023, 6, 1, 9, 0, tzinfo=datetime.UTC)


def _enrol(user):
    secret = start_totp_enrollment(user=user)
    confirm_totp(user=user, code=totp.code_at(secret, totp.current_step() - 1))
    return secret


def _wrong(secret):
    valid = {totp.code_at(secret, totp.current_step() + d) for d in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def _token(client, user, **extra):
    response = client.post(TOKEN_URL, {"username": user.username, "password": PASSWORD, **extra})
    assert response.status_code == 200, response.content
    return response.json()["token"]


# --- two-factor on every way in ---------------------------------------------------------------


def test_a_role_that_must_enrol_gets_no_token_before_it_has(client, cast, settings):
    settings.FULIAN_TOTP_REQUIRED_ROLES = ["district_admin"]
    response = client.post(
        TOKEN_URL, {"username": cast.district_admin.username, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "您的角色须启用动态口令：请先在网页上完成设置。"}
    assert not AuthToken.objects.filter(user=cast.district_admin).exists()


def test_the_session_api_refuses_like_the_pages_until_enrolled(client, cast, settings):
    settings.FULIAN_TOTP_REQUIRED_ROLES = ["district_admin"]
    client.force_login(cast.district_admin)
    assert client.get("/people/")["Location"] == "/accounts/2fa/"
    response = client.get("/api/v1/people/")
    assert response.status_code == 403
    assert response.json() == {"detail": "您的角色须启用动态口令：请先在网页上完成设置。"}
    assert client.get("/api/v1/indicators/").status_code == 403


def test_a_token_made_before_the_rule_stops_working(client, cast, settings):
    key = _token(client, cast.district_admin)
    settings.FULIAN_TOTP_REQUIRED_ROLES = ["district_admin"]
    response = client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403


def test_enrolling_revokes_the_tokens_got_with_the_password_alone(client, cast):
    key = _token(client, cast.viewer)
    _enrol(cast.viewer)
    assert client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_wrong_codes_are_throttled_per_user_across_logins(client, cast):
    with time_machine.travel(START, tick=False):
        secret = _enrol(cast.viewer)
        wrong = _wrong(secret)
        assert check_totp(user=cast.viewer, code=wrong) is TotpResult.WRONG
        # Within a second of a wrong code even the right one is not looked at.
        right = totp.code_at(secret, totp.current_step())
        assert check_totp(user=cast.viewer, code=right) is TotpResult.THROTTLED
        # A fresh password step does not reset the count (it is the user's, not the session's).
        client.post("/login/", {"username": cast.viewer.username, "password": PASSWORD})
        page = client.post("/login/2fa/", {"code": right})
        assert "动态口令错误次数过多，请1秒后再试。" in page.content.decode()
    with time_machine.travel(START + datetime.timedelta(seconds=1), tick=False):
        assert check_totp(user=cast.viewer, code=wrong) is TotpResult.WRONG
        assert User.objects.get(pk=cast.viewer.pk).totp_failures == 2
    with time_machine.travel(START + datetime.timedelta(seconds=2), tick=False):
        assert check_totp(user=cast.viewer, code=wrong) is TotpResult.THROTTLED  # 2 s now
    with time_machine.travel(START + datetime.timedelta(seconds=3), tick=False):
        right = totp.code_at(secret, totp.current_step())
        assert check_totp(user=cast.viewer, code=right) is TotpResult.OK
        assert User.objects.get(pk=cast.viewer.pk).totp_failures == 0


def test_the_token_endpoint_counts_wrong_codes_too(client, cast):
    with time_machine.travel(START, tick=False):
        secret = _enrol(cast.viewer)
        credentials = {"username": cast.viewer.username, "password": PASSWORD}
        assert client.post(TOKEN_URL, {**credentials, "otp": _wrong(secret)}).status_code == 400
        right = totp.code_at(secret, totp.current_step())
        throttled = client.post(TOKEN_URL, {**credentials, "otp": right})
        assert throttled.status_code == 429
        assert throttled.json() == {"detail": "动态口令错误次数过多，请1秒后再试。"}
    with time_machine.travel(START + datetime.timedelta(seconds=31), tick=False):
        right = totp.code_at(secret, totp.current_step())
        assert client.post(TOKEN_URL, {**credentials, "otp": right}).status_code == 200


# --- tokens -----------------------------------------------------------------------------------


def test_tokens_are_stored_hashed_and_differ_per_login(client, cast):
    first, second = _token(client, cast.viewer), _token(client, cast.viewer)
    assert first != second and len(first) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        rows = cursor.fetchall()
    assert len(rows) == 2
    for digest, prefix in rows:
        assert first not in digest and second not in digest
        assert len(prefix) == 15  # only a lookup prefix is kept in the clear
    for key in (first, second):
        assert client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_a_token_expires_after_thirty_idle_minutes_and_twelve_hours_in_all(client, cast):
    with time_machine.travel(START, tick=False):
        key = _token(client, cast.viewer)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    for minutes in range(20, 12 * 60, 20):  # used every 20 minutes: renewed
        with time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get("/api/v1/orgs/", **auth).status_code == 200, minutes
    with time_machine.travel(START + datetime.timedelta(hours=12, minutes=1), tick=False):
        assert client.get("/api/v1/orgs/", **auth).status_code == 401
    with time_machine.travel(START, tick=False):
        idle = _token(client, cast.viewer)
    with time_machine.travel(START + datetime.timedelta(minutes=31), tick=False):
        response = client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {idle}")
        assert response.status_code == 401


def test_a_password_change_revokes_every_token(client, cast):
    key = _token(client, cast.viewer)
    client.force_login(cast.viewer)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "New-pass-2024",
            "new_password2": "New-pass-2024",
        },
    )
    assert response.status_code == 302
    assert client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert client.get("/").status_code == 200  # the session that changed it stays


def test_disabling_ends_tokens_and_sessions_and_enabling_brings_none_back(client, cast):
    key = _token(client, cast.viewer)
    client.post("/login/", {"username": cast.viewer.username, "password": PASSWORD})
    assert client.get("/").status_code == 200
    viewer = User.objects.get(pk=cast.viewer.pk)
    admin = cast.town_a_admin
    fields = {"full_name": viewer.full_name, "org": viewer.org, "role": viewer.role}
    update_user(actor=admin, user=viewer, is_active=False, **fields)
    update_user(actor=admin, user=User.objects.get(pk=viewer.pk), is_active=True, **fields)
    assert client.get("/").status_code == 302  # the old session did not come back
    assert client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert not AuthToken.objects.filter(user=viewer).exists()


def test_the_user_lists_and_revokes_their_own_tokens(client, cast, api_client):
    first, second = _token(client, cast.viewer), _token(client, cast.viewer)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    rows = api_client.get("/api/v1/auth/tokens/").json()
    assert [r["current"] for r in rows] == [False, True]
    other = next(r["id"] for r in rows if not r["current"])
    # Someone else's token id is not found.
    outsider = _token(client, cast.town_b_admin)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {outsider}")
    assert api_client.delete(f"/api/v1/auth/tokens/{other}/").status_code == 404
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api_client.delete(f"/api/v1/auth/tokens/{other}/").status_code == 204
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api_client.get("/api/v1/orgs/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api_client.post("/api/v1/auth/logout/").status_code == 204
    assert api_client.get("/api/v1/orgs/").status_code == 401


def test_the_sessions_page_revokes_a_token_and_logs_out_everywhere(client, cast):
    key = _token(client, cast.viewer)
    client.force_login(cast.viewer)
    page = client.get("/accounts/sessions/").content.decode()
    token_ref = page.split('name="token" value="')[1].split('"')[0]
    assert client.post("/accounts/sessions/", {"token": token_ref}).status_code == 302
    assert client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert client.post("/accounts/sessions/", {"everywhere": "1"})["Location"] == "/login/"
    assert client.get("/").status_code == 302
