"""Schemathesis against the OpenAPI document: every operation, with generated inputs.

Authenticated as staff of a small cooperative, each response must have a documented status, match the
documented schema, and never be a server error. Without a token, every operation must answer 401.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from coopgov.accounts.services import api_token_create
from tests.organisation.world import build_world, user_with_role, with_second_factor

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# Enough examples per operation to reach the rules' edges, few enough to keep `make test` under a minute.
MAX_EXAMPLES = 15


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Requests reach Django's own WSGI app, which closes "old" connections at each request's start and
    end; inside a test's transaction that would close the test's connection (PostgreSQL). Django's test
    client disconnects the same handler; so do we, for the duration of the test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(db: None) -> str:
    world = build_world()
    staff = with_second_factor(user_with_role(world, "staff", "cooperative BE"))
    return api_token_create(user=staff, name="schemathesis")


# Loaded when the module is collected (serving openapi.json needs no database). The lazy loader
# (schemathesis.pytest.from_fixture) does not work with pytest 9 yet: it sets a node attribute pytest removed.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict | None
) -> st.SearchStrategy:
    """Half the cases address the fixture's cooperative and its members 1-3, so the acts really run."""
    if not path_parameters:
        return st.just(path_parameters)
    real = {**path_parameters, "code": "BE"} if "code" in path_parameters else path_parameters
    if "number" in path_parameters:
        into_the_register = st.sampled_from([1, 2, 3]).map(lambda n: {**real, "number": n})
    else:
        into_the_register = st.just(real)
    return st.one_of(st.just(path_parameters), into_the_register)


# Values the fixture's register knows, swapped into half the generated bodies and queries.
KNOWN = {"share_class": "A", "to_class": "A", "on": "2024-03-01", "service": "invoice_client"}


def _sometimes_known(values: object) -> st.SearchStrategy:
    if not isinstance(values, dict) or not KNOWN.keys() & values.keys():
        return st.just(values)
    return st.one_of(st.just(values), st.just({**values, **{k: v for k, v in KNOWN.items() if k in values}}))


@schema.hook
def flatmap_body(context: schemathesis.HookContext, body: object) -> st.SearchStrategy:
    return _sometimes_known(body)


@schema.hook
def flatmap_query(context: schemathesis.HookContext, query: object) -> st.SearchStrategy:
    return _sometimes_known(query)


@schema.parametrize()
# The cooperative is built once per operation and evolves across examples (a candidate admitted by one
# example is no longer a candidate for the next), as a real register does; it is rolled back afterwards.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_the_api_keeps_to_its_openapi_document(case: schemathesis.Case, staff_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {staff_token}"}, checks=CHECKS)


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=5)
def test_every_operation_refuses_a_request_without_a_token(case: schemathesis.Case, db: None) -> None:
    # Schemathesis also sends a made-up session cookie (the API declares session auth): it must fail too.
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    response = case.call()
    # Negative cases include methods the path does not have (TRACE…): those are refused as such, first.
    expected = 401 if case.method.upper() == case.operation.method.upper() else 405
    assert response.status_code == expected, (case.method, case.path, response.text)
