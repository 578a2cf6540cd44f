"""Every REST operation of /api/v1/openapi.json, fuzzed with schemathesis as an administrator.

The spec is loaded from the WSGI app in-process. Each operation gets a bounded, derandomised
number of examples in the normal suite; ``KEFU_FUZZ_EXAMPLES`` raises it (``make fuzz``).
A stateful run chains operations through the links schemathesis infers (create → read →
update), which is what use_after_free and ensure_resource_availability need.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

from kefu.accounts.services import token_create, token_user
from kefu.wsgi import application

EXAMPLES = int(os.environ.get("KEFU_FUZZ_EXAMPLES", "15"))
STEPS = int(os.environ.get("KEFU_FUZZ_STEPS", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ignored_auth,
    use_after_free,
    ensure_resource_availability,
]
HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": list(HealthCheck),
    "phases": [Phase.explicit, Phase.generate],
}

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# the administrator of the running test (tokens live in the test's transaction)
_ADMIN: dict = {}


@schema.auth(refresh_interval=None)
class AdminToken:
    """A valid token of the administrator; a fresh one once the fuzzer revoked it."""

    def get(self, case, context):
        user = _ADMIN.get("user")
        if user is None:  # the spec is being loaded, outside any test
            return ""
        if token_user(_ADMIN["raw"]) is None:
            _, _ADMIN["raw"] = token_create(user=user, name="fuzz")
        return _ADMIN["raw"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires Django's end-of-request hook, which would close the
    test transaction's connection (PostgreSQL then fails every later query). Django's own test
    client switches the hook off the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(populated, admin_user):
    _ADMIN.update(user=admin_user, raw="")
    yield
    _ADMIN.clear()


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, **HYPOTHESIS)
def test_every_operation_answers_by_its_spec_and_a_rejected_request_changes_nothing(
    case, admin_token, row_counts
):
    before = row_counts()
    response = case.call_and_validate(checks=CHECKS)
    if 400 <= response.status_code < 500:
        assert row_counts() == before, f"{case.operation.label} answered {response.status_code}"


@pytest.mark.django_db
def test_operations_chained_by_links_keep_their_resources(admin_token):
    class Workflow(schema.as_state_machine()):
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                checks=CHECKS,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Workflow.run(settings=settings(max_examples=EXAMPLES, stateful_step_count=STEPS, **HYPOTHESIS))
