"""The API app on the test database, with a real Prefect API behind its flows."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import app
from models.db import Database
from tests.api.people import seed_people


@pytest.fixture
def client(planflow_env: Database, prefect_harness: None) -> TestClient:
    """A client of the app, the three people ready to log in."""
    seed_people(planflow_env)
    return TestClient(app)
