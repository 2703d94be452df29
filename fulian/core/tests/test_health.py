"""Probes, metrics, request ids and structured logs (core/health.py, core/observability.py)."""

import json
import logging
import re
import sys

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from prometheus_client import REGISTRY

from fulian.core import health
from fulian.core.observability import JsonFormatter
from fulian.core.testing import PERSONAS, check_matrix

pytestmark = pytest.mark.django_db

ALL_200 = dict.fromkeys(PERSONAS, 200)


@pytest.fixture(autouse=True)
def _fresh_migration_check():
    health._migrations_ok = False


def test_probes_answer_everyone_without_a_login(client, cast):
    check_matrix(client, cast, "GET", "/healthz", ALL_200)
    check_matrix(client, cast, "GET", "/readyz", ALL_200)
    check_matrix(client, cast, "GET", "/metrics", ALL_200)  # from 127.0.0.1: the test client
    assert client.post("/readyz").status_code == 405


def test_healthz_is_the_process_only(client):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_readyz_checks_database_cache_and_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
    }


def test_readyz_is_503_with_the_reason_when_a_migration_is_missing(client):
    MigrationRecorder.Migration.objects.filter(app="core", name="0001_initial").delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"].startswith("1 migrations not applied (core.0001_initial)")


def test_readyz_is_503_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("ConnectionError")
    assert response.json()["checks"]["database"] == "ok"


def test_probes_are_not_rate_limited(client):
    statuses = {client.get(url).status_code for url in ("/healthz", "/readyz") for _ in range(150)}
    assert statuses == {200}


# --- metrics --------------------------------------------------------------------------------


def test_metrics_are_prometheus_text_with_requests_latency_and_slow_queries(client, settings):
    settings.FULIAN_SLOW_QUERY_MS = 0  # every query counts as slow
    client.get("/readyz")
    client.get("/no-such-page/")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    for name in (
        "django_http_requests_total_by_method_total",
        "django_http_responses_total_by_status_total",
        "django_http_requests_latency_seconds_by_view_method_bucket",
        "django_http_exceptions_total_by_type",
        "django_db_execute_total",
        "django_db_query_duration_seconds_bucket",
        "fulian_db_slow_queries_total",
    ):
        assert f"# TYPE {name.removesuffix('_bucket').removesuffix('_total')}" in text or (
            name in text
        ), name
    assert re.search(r'django_http_responses_total_by_status_total\{status="404"\} [1-9]', text)


def test_metrics_refuse_other_addresses_and_requests_through_the_proxy(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    # Through nginx REMOTE_ADDR is 127.0.0.1: only a token lets the collector in.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 403
    settings.FULIAN_METRICS_TOKEN = "s3cret-token-for-the-collector"
    proxied = {"HTTP_X_FORWARDED_FOR": "10.1.2.3", "REMOTE_ADDR": "127.0.0.1"}
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **proxied).status_code == 403
    ok = client.get(
        "/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-the-collector", **proxied
    )
    assert ok.status_code == 200


def test_slow_queries_are_counted_and_logged_without_parameters(client, settings, caplog, cast):
    settings.FULIAN_SLOW_QUERY_MS = 0
    labels = {"vendor": connection.vendor}
    before = REGISTRY.get_sample_value("fulian_db_slow_queries_total", labels) or 0
    client.force_login(cast.viewer)
    with caplog.at_level(logging.WARNING, logger="fulian.db"):
        client.get("/people/?q=13800000001")
    after = REGISTRY.get_sample_value("fulian_db_slow_queries_total", labels)
    slow = [r for r in caplog.records if r.name == "fulian.db"]
    assert len(slow) >= 3
    assert after - before == len(slow)
    assert all(r.sql and r.sql_ms >= 0 for r in slow)
    assert not any("13800000001" in r.sql or "13800000001" in r.getMessage() for r in slow)


# --- request ids and the request log --------------------------------------------------------


def test_a_request_id_is_made_or_kept_and_returned(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/healthz")["X-Request-ID"] != made
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-5f2b8c1d9e")["X-Request-ID"]
    assert kept == "nginx-5f2b8c1d9e"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x"}\n{"level":"CRITICAL')["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


def test_every_request_is_one_json_log_line_without_the_query_string(client, caplog, cast):
    client.force_login(cast.viewer)
    with caplog.at_level(logging.INFO, logger="fulian.request"):
        response = client.get(
            "/people/?id_number=62050219900101123X", HTTP_X_REQUEST_ID="req-0001-abcd"
        )
    [record] = [r for r in caplog.records if r.name == "fulian.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-0001-abcd" == response["X-Request-ID"]
    assert line["logger"] == "fulian.request"
    assert line["method"] == "GET"
    assert line["path"] == "/people/"
    assert line["status"] == response.status_code == 200
    assert line["user_id"] == cast.viewer.pk
    assert line["db_queries"] >= 1
    assert line["duration_ms"] >= line["db_ms"] >= 0
    assert "62050219900101123X" not in json.dumps(line)


def test_log_records_inside_a_request_carry_its_id(client, settings, caplog):
    settings.FULIAN_SLOW_QUERY_MS = 0
    with caplog.at_level(logging.WARNING, logger="fulian.db"):
        client.get("/readyz", HTTP_X_REQUEST_ID="probe-123456")
    slow = [r for r in caplog.records if r.name == "fulian.db"]
    assert slow
    assert {json.loads(JsonFormatter().format(r))["request_id"] for r in slow} == {"probe-123456"}


def test_the_json_formatter_keeps_exceptions_on_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed %s", ("here",), exc_info=sys.exc_info()
        )
    text = JsonFormatter().format(record)
    assert "\n" not in text
    data = json.loads(text)
    assert data["message"] == "failed here"
    assert data["level"] == "ERROR"
    assert "ValueError: boom" in data["exc"]
