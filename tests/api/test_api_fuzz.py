"""schemathesis drives every operation of the published OpenAPI schema with generated input, as the
secretariat (who may do the most): no answer may be a server error.

The examples are derandomized so CI is repeatable; PLANFLOW_FUZZ_EXAMPLES=500 explores more.
"""

from __future__ import annotations

import os

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from api.app import app
from tests.api.people import OFFICE, PASSWORD

schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("PLANFLOW_FUZZ_EXAMPLES", "25")),
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_is_a_server_error(case: schemathesis.Case, client: TestClient) -> None:
    login = client.post("/api/login", json={"email": OFFICE, "password": PASSWORD})
    response = case.call(headers={"Authorization": f"Bearer {login.json()['token']}"})
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
