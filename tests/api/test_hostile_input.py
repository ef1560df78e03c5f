"""Hostile input is refused with a clear answer and changes nothing: oversized bodies (declared or streamed),
broken JSON, control characters, scripts in text, paths in file names and URLs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from models.audit import AuditEvent
from models.db import Database
from models.plan.tables import PlanTask
from tests.api.people import LEAD, PASSWORD

MOVES = "/api/tasks/vinh-tuy-2026/47/moves"


@pytest.fixture
def lead_headers(client: TestClient) -> dict[str, str]:
    """The lead-agency member, logged in (the login itself is audited, before anything is compared)."""
    token = client.post("/api/login", json={"email": LEAD, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def state(database: Database) -> tuple[int, int, str]:
    """Audit events, and task 47's version and status: what a refused request must leave alone."""
    with database.session() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        task = session.scalars(select(PlanTask).where(PlanTask.number == "47")).first()
        assert task is not None
        return events, task.version, task.status


@pytest.fixture
def unchanged(lead_headers: dict[str, str], planflow_env: Database) -> Iterator[None]:
    """Fails the test if anything was written."""
    before = state(planflow_env)
    yield
    assert state(planflow_env) == before


def test_an_oversized_body_is_refused_before_it_is_read(
    client: TestClient, lead_headers: dict[str, str], unchanged: None
) -> None:
    headers = {**lead_headers, "Content-Type": "application/json"}
    huge = b'{"action": "acknowledge", "payload": {"note": "' + b"x" * (13 * 1024 * 1024) + b'"}}'
    declared = client.post(MOVES, content=huge, headers=headers)
    assert declared.status_code == 413 and "quá lớn" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        for start in range(0, len(huge), 1024 * 1024):
            yield huge[start : start + 1024 * 1024]

    streamed = client.post(MOVES, content=chunks(), headers=headers)
    assert streamed.status_code == 413


def test_broken_json_and_wrong_shapes_are_422(
    client: TestClient, lead_headers: dict[str, str], unchanged: None
) -> None:
    headers = {**lead_headers, "Content-Type": "application/json"}
    for body in (b"{not json", b'{"action": "acknowledge", ', b"[]", b'{"action": 5}', b'{"action": "fly"}'):
        response = client.post(MOVES, content=body, headers=headers)
        assert response.status_code == 422, body
    login = client.post("/api/login", content=b"\xff\xfe", headers={"Content-Type": "application/json"})
    assert login.status_code == 422


def test_control_characters_are_refused_everywhere(
    client: TestClient, lead_headers: dict[str, str], unchanged: None
) -> None:
    headers = lead_headers
    note = client.post(MOVES, json={"action": "acknowledge", "payload": {"note": "a\x00b"}}, headers=headers)
    assert note.status_code == 422 and "ký tự điều khiển" in note.text
    assert client.post("/api/login", json={"email": "\x00", "password": "x"}).status_code == 422
    assert client.get("/api/tasks/vinh-tuy-2026/4%007", headers=headers).status_code == 422


def test_a_script_in_text_is_kept_as_text_and_never_served_as_html(
    client: TestClient, lead_headers: dict[str, str]
) -> None:
    headers = lead_headers
    script = "<script>alert('xss')</script>"
    client.post(MOVES, json={"action": "acknowledge", "payload": {"note": script}}, headers=headers)
    api = client.get("/api/tasks/vinh-tuy-2026/47", headers=headers)
    assert api.headers["content-type"] == "application/json"
    assert api.headers["x-content-type-options"] == "nosniff"
    assert any(event["given"].get("note") == script for event in api.json()["history"])


def test_paths_in_names_and_urls_reach_nothing(
    client: TestClient, lead_headers: dict[str, str], unchanged: None
) -> None:
    headers = lead_headers
    for url in (
        "/api/tasks/..%2F..%2Fetc/passwd",
        "/api/tasks/vinh-tuy-2026/..%2F47",
        "/api/reports/1/files/..%2F..%2Fplanflow.db",
        "/portal/tasks/vinh-tuy-2026/47/evidence/..%2F..%2F..%2Fplanflow.db",
    ):
        assert client.get(url, headers=headers).status_code in (403, 404, 422), url
    upload = client.post(
        "/api/tasks/vinh-tuy-2026/47/evidence",
        files={"file": ("..\\..\\windows\\system32\\evil.pdf.exe", b"MZ", "application/octet-stream")},
        headers=headers,
    )
    assert upload.status_code == 422
