"""Property-based tests of the help-request and case endpoints from their own OpenAPI
schema: whatever a client sends, the answer is in the schema and never a 500."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fulian.accounts.services import issue_token
from fulian.cases import services

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()
schema = schema.include(
    path_regex=r"^/api/v1/(help-requests|cases|case-follow-ups|case-referrals|case-stats|public/help-requests)/"
)


@pytest.fixture
def _keep_the_test_connection():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_the_test_connection")
@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_cases_api_honours_its_schema(case, cast, make_case, make_request, settings):
    settings.FULIAN_CASES_STATUS_LIMIT = 10**6
    made = make_case()
    services.conclude_case(
        actor=cast.town_a_admin, case=made, outcome="success", on=datetime.date(2023, 6, 1)
    )
    make_request()
    token = issue_token(user=cast.town_a_admin)[1]
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
