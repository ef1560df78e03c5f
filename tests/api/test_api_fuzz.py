"""schemathesis drives every operation of the published OpenAPI schema with generated input, as the
secretariat (who may do the most): no answer may be a server error.

The examples are derandomized so CI is repeatable; PLANFLOW_FUZZ_EXAMPLES=500 explores more.
"""

from __future__ import annotations

import os
import weakref

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from api.app import app
from tests.api.people import OFFICE, PASSWORD

schema = schemathesis.openapi.from_asgi("/openapi.json", app)
_TOKENS: weakref.WeakKeyDictionary[TestClient, str] = weakref.WeakKeyDictionary()


def _token(client: TestClient) -> str:
    """One login per test database, before any generated login can lock the address with wrong passwords."""
    if client not in _TOKENS:
        login = client.post("/api/login", json={"email": OFFICE, "password": PASSWORD})
        assert login.status_code == 200, login.text
        _TOKENS[client] = login.json()["token"]
    return _TOKENS[client]


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("PLANFLOW_FUZZ_EXAMPLES", "25")),
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_is_a_server_error(case: schemathesis.Case, client: TestClient) -> None:
    response = case.call(headers={"Authorization": f"Bearer {_token(client)}"})
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
