import time

import pytest
import time_machine

from fulian.accounts import totp
from fulian.accounts.models import User
from fulian.accounts.services import confirm_totp, start_totp_enrollment
from fulian.core.testing import PASSWORD, check_matrix

RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # ASCII "12345678901234567890"


@pytest.mark.parametrize(
    ("unix_time", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
    ],
)
def test_rfc_6238_vectors(unix_time, code):
    assert totp.code_at(RFC_SECRET, totp.current_step(unix_time), digits=8) == code
    assert totp.code_at(RFC_SECRET, totp.current_step(unix_time)) == code[-6:]


def test_codes_of_the_neighbouring_steps_are_accepted_and_older_ones_are_not():
    now = 1234567890.0
    step = totp.current_step(now)
    for offset, expected in ((-2, None), (-1, step - 1), (0, step), (1, step + 1), (2, None)):
        assert (
            totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + offset), now=now)
            == expected
        )
    assert (
        totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step), now=now, after=step) is None
    )
    assert totp.matching_step(RFC_SECRET, "12345", now=now) is None


def _enrol(user):
    secret = start_totp_enrollment(user=user)
    confirm_totp(user=user, code=totp.code_at(secret, totp.current_step() - 1))
    return secret


@pytest.mark.django_db
def test_enrolment_page(client, cast):
    client.force_login(cast.viewer)
    html = client.get("/accounts/2fa/").content.decode()
    assert "<svg" in html
    user = User.objects.get(pk=cast.viewer.pk)
    assert user.totp_secret.startswith("k") and not user.totp_enabled
    secret = html.split('id="totp-secret">')[1].split("<")[0]
    assert secret not in user.totp_secret  # stored encrypted
    wrong = client.post(
        "/accounts/2fa/",
        {"code": "000000" if totp.code_at(secret, totp.current_step()) != "000000" else "111111"},
    )
    assert "动态口令不正确。" in wrong.content.decode()
    assert (
        client.post(
            "/accounts/2fa/", {"code": totp.code_at(secret, totp.current_step())}
        ).status_code
        == 302
    )
    assert User.objects.get(pk=cast.viewer.pk).totp_enabled


@pytest.mark.django_db
def test_login_asks_for_the_code_and_refuses_a_replay(client, cast):
    secret = _enrol(cast.viewer)
    response = client.post("/login/", {"username": cast.viewer.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/login/2fa/"
    assert client.get("/").status_code == 302  # not logged in yet
    with time_machine.travel(time.time() + 30, tick=False):
        code = totp.code_at(secret, totp.current_step())
        assert client.post("/login/2fa/", {"code": code}).status_code == 302
        assert client.get("/").status_code == 200
        client.logout()
        client.post("/login/", {"username": cast.viewer.username, "password": PASSWORD})
        replay = client.post("/login/2fa/", {"code": code})
        assert replay.status_code == 200 and "动态口令不正确。" in replay.content.decode()


@pytest.mark.django_db
def test_five_wrong_codes_send_the_user_back_to_the_password(client, cast):
    secret = _enrol(cast.viewer)
    client.post("/login/", {"username": cast.viewer.username, "password": PASSWORD})
    valid = {totp.code_at(secret, totp.current_step() + d) for d in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
    for _ in range(4):
        assert client.post("/login/2fa/", {"code": wrong}).status_code == 200
    assert client.post("/login/2fa/", {"code": wrong})["Location"] == "/login/"
    assert client.get("/login/2fa/")["Location"] == "/login/"


@pytest.mark.django_db
def test_required_roles_must_enrol_before_anything_else(client, cast, settings):
    settings.FULIAN_TOTP_REQUIRED_ROLES = ["district_admin"]
    client.force_login(cast.district_admin)
    response = client.get("/orgs/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"
    assert client.get("/accounts/2fa/").status_code == 200
    client.force_login(cast.town_a_admin)
    assert client.get("/orgs/").status_code == 200


@pytest.mark.django_db
def test_token_endpoint_needs_the_code_once_enrolled(client, cast):
    secret = _enrol(cast.viewer)
    url = "/api/v1/auth/token/"
    credentials = {"username": cast.viewer.username, "password": PASSWORD}
    assert client.post(url, credentials).json() == {"otp": ["动态口令不正确。"]}
    with time_machine.travel(time.time() + 30, tick=False):
        response = client.post(
            url, {**credentials, "otp": totp.code_at(secret, totp.current_step())}
        )
    assert response.status_code == 200 and len(response.json()["token"]) == 64


@pytest.mark.django_db
def test_reset_matrix(client, cast):
    target = User.objects.create_user("grid-worker", "Grid-2023", org=cast.village_a)
    _enrol(target)

    def state():
        return User.objects.filter(pk=target.pk).values_list("totp_enabled", flat=True).get()

    # A GET only asks what will be lost.
    check_matrix(
        client,
        cast,
        "GET",
        f"/accounts/users/{target.pk}/reset-2fa/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 403,
            "viewer": 403,
        },
        state=state,
    )
    client.force_login(cast.town_a_admin)
    asked = client.get(f"/accounts/users/{target.pk}/reset-2fa/").content.decode()
    assert "该账号下次登录时须重新绑定验证器" in asked and 'id="confirm-form"' in asked
    assert state() is True
    check_matrix(
        client,
        cast,
        "POST",
        f"/accounts/users/{target.pk}/reset-2fa/",
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 403,
            "viewer": 403,
        },
        state=state,
    )
    assert state() is False


@pytest.mark.django_db
def test_setup_and_code_pages_matrix(client, cast):
    everyone = {
        "anonymous": 302,
        "district_admin": 200,
        "town_a_admin": 200,
        "town_b_admin": 200,
        "village_editor": 200,
        "viewer": 200,
    }
    check_matrix(client, cast, "GET", "/accounts/2fa/", everyone)
    # Without a password step first, the code page sends everyone back to the login.
    check_matrix(client, cast, "GET", "/login/2fa/", dict.fromkeys(everyone, 302))
    assert not User.objects.filter(totp_enabled=True).exists()
