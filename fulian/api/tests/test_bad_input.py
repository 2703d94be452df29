"""Issue 13.7: bad input is a 400 (or 404/413) with a message, never a 500. Each request
below answered 500 before (on SQLite, PostgreSQL or both)."""

import json

import pytest

from fulian.accounts import totp
from fulian.accounts.services import confirm_totp, issue_token, start_totp_enrollment
from fulian.core.testing import PASSWORD
from fulian.events.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(cast, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=cast.district_admin)[1]}")
    return api_client


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/units/?founded_year=0", {"founded_year": ["年份须在1900至2100之间。"]}),
        ("/api/v1/venues/?established_year=-1", {"established_year": ["年份须在1900至2100之间。"]}),
        (
            "/api/v1/activities/?date_from=0001-01-01",
            {"date_from": ["日期须在1900年至2100年之间。"]},
        ),
        ("/api/v1/activities/?year=0", {"year": ["年份须在1900至2100之间。"]}),
        ("/api/v1/guidance-visits/?year=99999999999", {"year": ["年份须在1900至2100之间。"]}),
        ("/api/v1/assessments/?year=2147483648", {"year": ["年份须在1900至2100之间。"]}),
        ("/api/v1/indicators/?year=²", {"year": ["年份无效。"]}),
    ],
)
def test_a_filter_out_of_bounds_is_a_400_with_a_message(admin, url, body):
    response = admin.get(url)
    assert response.status_code == 400
    assert response.json() == body


def test_a_record_filter_that_no_row_can_match_is_a_400(admin):
    response = admin.get("/api/v1/sessions/?activity=1e20")
    assert response.status_code == 400
    assert list(response.json()) == ["activity"]


def test_an_id_no_row_can_have_is_a_404(admin, client, cast):
    assert admin.get("/api/v1/trainings/99999999999999999999/").status_code == 404
    assert admin.get("/api/v1/orgs/99999999999999999999/").status_code == 404
    client.force_login(cast.district_admin)
    assert client.get("/people/99999999999999999999/").status_code == 404
    assert client.get("/orgs/99999999999999999999/").status_code == 404


def test_pages_ignore_a_year_or_id_they_cannot_use(client, cast):
    client.force_login(cast.district_admin)
    for url in (
        "/building/visits/?year=0",
        "/events/trainings/?year=99999999999999999999",
        "/audit/?actor=99999999999999999999&org=²",
        "/audit/access/?actor=99999999999999999999",
        "/people/terms/due/?months=²",
        "/venues/not-assessed/?year=²",
    ):
        assert client.get(url).status_code == 200, url


def test_json_nested_too_deep_is_a_400(admin):
    body = "[" * 100_000 + "]" * 100_000
    response = admin.post("/api/v1/orgs/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON 嵌套层数过多（最多20层）。"}


def test_a_nul_anywhere_in_a_json_body_is_a_400(admin, cast):
    # PostgreSQL refuses a NUL in a text parameter (a 500 from a lookup by code before this).
    body = '{"name": "\\u0000", "parent": "x\\u0000"}'
    response = admin.post("/api/v1/campaigns/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "内容中不能含有空字符（NUL）。"}
    form = admin.post("/api/v1/campaigns/", {"name": "甲", "parent": "x\x00"})
    assert form.status_code == 400
    assert form.json() == {"detail": "内容中不能含有空字符（NUL）。"}


def test_a_nul_in_an_org_reference_is_a_404(client, cast):
    client.force_login(cast.district_admin)
    for url in ("/", "/reports/workbook/", "/reports/summary/"):
        assert client.get(url, {"org": "620502\x00"}).status_code == 404


def test_a_body_over_two_megabytes_is_refused(admin, cast):
    body = json.dumps({"name": "讲座", "description": "长" * (1024 * 1024), "org": cast.town_a.pk})
    response = admin.post("/api/v1/activities/", body, content_type="application/json")
    assert response.status_code in (400, 413)  # Django's own limit, or the parser's
    assert not Activity.objects.exists()


def test_a_field_longer_than_any_field_holds_is_a_400(admin, cast):
    body = json.dumps({"name": "讲座", "description": "x" * 100_001, "org": cast.town_a.pk})
    response = admin.post("/api/v1/activities/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "字段内容过长（最多100000个字符）。"}


def test_a_standard_item_without_its_optional_score_is_created(admin):
    body = {"venue_type": "womens_home", "name": "妇女之家创建标准", "threshold": 10}
    body["items"] = [{"label": "有牌子", "kind": "pass_fail"}]
    response = admin.post("/api/v1/standards/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["items"][0]["max_score"] == 10


def test_a_full_width_code_is_a_wrong_code(client, cast):
    secret = start_totp_enrollment(user=cast.viewer)
    confirm_totp(user=cast.viewer, code=totp.code_at(secret, totp.current_step() - 1))
    credentials = {"username": cast.viewer.username, "password": PASSWORD, "otp": "１２３４５６"}
    response = client.post("/api/v1/auth/token/", credentials)
    assert response.status_code == 400
    assert response.json() == {"otp": ["动态口令不正确。"]}
    cast.viewer.refresh_from_db()
    assert cast.viewer.totp_failures == 1  # looked at and counted, not crashed on
