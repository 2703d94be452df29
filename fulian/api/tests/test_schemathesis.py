"""Property-based tests of the API from its own OpenAPI schema (schemathesis).

* Every operation of the whole API, on the demo data, as the district admin: valid and
  invalid requests (schemathesis' positive and negative modes), with path ids taken half
  the time from real records so that details, updates and actions get past the 404. No
  answer may be a server error. The examples are bounded (``API_FUZZ_EXAMPLES`` per mode
  and operation) so the whole API fits the suite's time; raise it to dig deeper locally.
* The orgs endpoints, in full conformance with their schema (status codes, content types,
  response bodies).
"""

from __future__ import annotations

import io
import os
import re
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fulian.accounts.models import User
from fulian.accounts.services import issue_token

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))

RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
METHODS = {"get", "put", "patch", "post", "delete"}
full_schema = schemathesis.openapi.from_dict(RAW_SCHEMA)
full_schema.app = get_wsgi_application()
orgs_schema = full_schema.include(path_regex=r"^/api/v1/orgs/")


@pytest.fixture
def _keep_the_test_connection():
    """Requests through the raw WSGI app would close the test's database connection (and with
    it the test transaction) at the end of each request; Django's own test client avoids
    that the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_the_test_connection")
@orgs_schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_orgs_api_honours_its_schema(case, cast):
    token = issue_token(user=cast.district_admin)[1]
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def _collection(path: str) -> str | None:
    """``/api/v1/units/{id}/found/`` → ``/api/v1/units/``: where real ids come from."""
    match = re.match(r"^(/api/v1/[\w-]+/)\{id\}/", path)
    return match.group(1) if match else None


def _real_ids(client: Any, auth: dict[str, str]) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {}
    for result in full_schema.get_all_operations():
        collection = _collection(result.ok().path)
        if collection is None or collection in ids:
            continue
        response = client.get(collection, {"page_size": 5}, **auth)
        assert response.status_code == 200, collection
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        # Empty for a list that needs a filter first (duty files): random ids only.
        ids[collection] = [row["id"] for row in rows]
    return ids


def _exercise(operation: Any, mode: GenerationMode, admin: User, real: list[int]) -> None:
    strategy = st.tuples(operation.as_strategy(generation_mode=mode), st.integers(0, 9))

    @given(strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(drawn: tuple[Any, int]) -> None:
        case, pick = drawn
        if real and case.path_parameters and "id" in case.path_parameters and pick < 5:
            case.path_parameters["id"] = real[pick % len(real)]
        # Django's test client (used for the real ids) connects close_old_connections back
        # after each of its requests; on PostgreSQL that would close the test's connection.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        # A fresh token each time: the operations include logging out and revoking tokens.
        token = issue_token(user=admin)[1]
        case.call_and_validate(
            headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error]
        )

    run()


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_the_test_connection")
def test_the_whole_api_answers_no_server_error(client):
    call_command("load_demo", stdout=io.StringIO())
    admin = User.objects.get(username="qinzhou-admin")
    auth = {"HTTP_AUTHORIZATION": f"Token {issue_token(user=admin)[1]}"}
    ids = _real_ids(client, auth)
    failures = []
    operations = 0
    for result in full_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        real = ids.get(_collection(operation.path) or "", [])
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _exercise(operation, mode, admin, real)
            except Unsatisfiable:
                # Nothing in this operation can be made invalid (no parameters, no body).
                assert mode is GenerationMode.NEGATIVE, operation.path
            except (AssertionError, FailureGroup) as exc:
                name = f"{operation.method.upper()} {operation.path}"
                failures.append(f"{name} ({mode.value}): {exc}")
    # Every operation of the schema was exercised, none left out.
    assert operations == sum(len(METHODS & set(ops)) for ops in RAW_SCHEMA["paths"].values())
    assert failures == []
