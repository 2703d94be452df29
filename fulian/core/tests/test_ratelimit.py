import datetime

import pytest
import time_machine
from django.test import RequestFactory

from fulian.core.ratelimit import over_limit

pytestmark = pytest.mark.django_db


def _request(address="10.1.2.3"):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_counts_per_address_and_window():
    start = datetime.datetime(2023, 8, 29, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert [over_limit(_request(), "t", limit=3, window=60) for _ in range(5)] == [
            False,
            False,
            False,
            True,
            True,
        ]
        assert over_limit(_request("10.9.9.9"), "t", limit=3, window=60) is False
        assert over_limit(_request(), "other", limit=3, window=60) is False
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert over_limit(_request(), "t", limit=3, window=60) is False


def test_public_registration_posts_are_limited(client):
    # Past the limit, a POST is refused with 429 before the view runs (an unknown token here).
    for _ in range(120):
        assert (
            client.post(
                "/events/register/nope/", {"name": "李梅", "phone": "13800001111"}
            ).status_code
            == 404
        )
    response = client.post("/events/register/nope/", {"name": "李梅", "phone": "13800001111"})
    assert response.status_code == 429
    assert "操作太频繁，请稍后再试。" in response.content.decode()
    assert client.get("/events/register/nope/").status_code == 404  # reading is not limited


def test_public_directory_api_is_throttled(client, settings, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {"anon": "120/min"}
    # DRF reads the rates when the class is made: lower them here to reach the limit quickly.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "5/min"})
    codes = [client.get("/api/v1/public/venues/").status_code for _ in range(6)]
    assert codes == [200, 200, 200, 200, 200, 429]
