"""Fuzz the JSON API from its own OpenAPI document (schemathesis): for anonymous callers and for
staff and applicant sessions, no operation answers 5xx and every documented response matches its
schema. `make fuzz` runs many more examples than the suite does."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from .cases.factories import make_item, pdf

EXAMPLES = int(os.environ.get("TONGBAN_FUZZ_EXAMPLES", "5"))
CSRF = "fuzzcsrftokenfuzzcsrftokenfuzzcs"  # a 32-character secret sent as cookie and header


@pytest.fixture
def _keep_connection():
    """Calls go straight to the WSGI handler, whose request signals would close the database
    connection that holds the test's transaction (Django's test client unhooks them too)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def sessions(db, _keep_connection, clerk_a, admin_a, enterprise_user, city_a):
    """Session cookies of a clerk, an administrator and an applicant, with one case to act on."""
    from django.test import Client

    from tongban.cases.services import case_submit

    version = make_item(city_a)
    case_submit(
        actor=enterprise_user, version=version, submission_key="fuzz",
        data={"contact_name": "王", "contact_phone": "13800138000"},
        files={str(m.pk): pdf() for m in version.materials.all()},
    )
    cookies = [None]
    for user in (clerk_a, admin_a, enterprise_user):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


def _load_schema():
    from tongban.wsgi import application

    # The OpenAPI document is served without touching the database.
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _load_schema()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_responses_match_the_schema(case, sessions):
    for session in sessions:
        cookies = {"csrftoken": CSRF, **({"sessionid": session} if session else {})}
        # call_and_validate raises on a 5xx or a response that doesn't match the documented schema.
        response = case.call_and_validate(
            headers={"X-CSRFToken": CSRF}, cookies=cookies, checks=[not_a_server_error, response_schema_conformance]
        )
        assert response.status_code < 500
