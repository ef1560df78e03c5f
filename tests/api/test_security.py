"""The API as an insider would attack it: someone else's idempotency key, keys that would reach mail headers,
lone surrogates and CR/LF in every field, logging out, a password change, approving one's own unit's result,
a classified task coordinated by "Các cơ quan liên quan". Each is refused or harmless, and nothing leaks."""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from documents.directory_yaml import read_directory
from models.accounts.login import set_password
from models.audit import AuditEvent
from models.db import Database
from models.lifecycle.classification import set_classified
from models.lifecycle.moves import MoveRequest, apply_move
from models.lifecycle.workflow import Action
from models.org.directory import load_directory
from models.plan.tables import PlanTask
from tests.api.people import LEAD, OFFICE, OUTSIDER, PASSWORD
from tests.paths import ORGS
from tests.time import NOW

VT = "vinh-tuy-2026"
POLICE = "truongca@vinhtuy.example"  # Công an phường: leads task 42
DEPUTY = "pbttt@vinhtuy.example"  # Standing Committee
VP_HEAD = "chanhvp@vinhtuy.example"  # Văn phòng: leads task 15


def login(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def give_passwords(database: Database, *emails: str) -> None:
    with database.transaction() as session:
        for email in emails:
            set_password(session, email=email, password=PASSWORD, now=NOW)


def audit_count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_a_key_someone_else_used_neither_reveals_their_move_nor_drops_mine(
    client: TestClient, planflow_env: Database
) -> None:
    give_passwords(planflow_env, POLICE)
    with planflow_env.transaction() as session:
        apply_move(session, MoveRequest(VT, "42", Action.ASSIGN, OFFICE), now=NOW)
    lead, police = login(client, LEAD), login(client, POLICE)
    mine = client.post(
        f"/api/tasks/{VT}/47/moves", json={"action": "acknowledge", "idempotency_key": "k-1"}, headers=lead
    )
    assert mine.status_code == 200 and mine.json()["repeated"] is False
    theirs = client.post(
        f"/api/tasks/{VT}/42/moves", json={"action": "acknowledge", "idempotency_key": "k-1"}, headers=police
    )
    assert theirs.status_code == 200, theirs.text
    assert theirs.json()["repeated"] is False and theirs.json()["task"] == "42"  # acted, on their own task
    assert "Vũ Thị Lan" not in theirs.text  # nothing of the other person's move
    again = client.post(
        f"/api/tasks/{VT}/47/moves", json={"action": "acknowledge", "idempotency_key": "k-1"}, headers=lead
    )
    assert again.json()["repeated"] is True and again.json()["task"] == "47"  # my own retry is still a repeat


@pytest.mark.parametrize("key", ["khóa-có-dấu", "a\r\nBcc: x@y", "x" * 101, "", "a b"])
def test_a_key_that_could_reach_a_header_is_refused_at_the_door(
    client: TestClient, planflow_env: Database, key: str
) -> None:
    lead = login(client, LEAD)
    before = audit_count(planflow_env)
    response = client.post(
        f"/api/tasks/{VT}/47/moves", json={"action": "acknowledge", "idempotency_key": key}, headers=lead
    )
    assert response.status_code == 422
    assert audit_count(planflow_env) == before


@pytest.mark.parametrize("hostile", ["\ud800", "a\udfffb", "dòng\r\nBcc: x@y"])
def test_lone_surrogates_and_line_breaks_in_any_field_are_never_a_server_error(
    client: TestClient, planflow_env: Database, hostile: str
) -> None:
    lead = login(client, LEAD)
    before = audit_count(planflow_env)

    def post(url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        """JSON as a client on the wire sends it: a lone surrogate escaped as \\ud800."""
        return client.post(
            url, content=json.dumps(body), headers={**(headers or {}), "content-type": "application/json"}
        )

    answers = [
        post("/api/login", {"email": hostile, "password": hostile}),
        post(f"/api/tasks/{VT}/47/moves", {"action": "acknowledge", "payload": {"note": hostile}}, lead),
        post(f"/api/tasks/{VT}/47/moves", {"action": hostile}, lead),
        post("/api/reports", {"period": hostile}, lead),
        client.get(f"/api/tasks/{VT}/{quote(hostile.encode('utf-8', 'surrogatepass'))}", headers=lead),
    ]
    assert all(answer.status_code < 500 for answer in answers), [a.status_code for a in answers]
    assert answers[1].status_code in (200, 422)  # a line break in a note is text; a surrogate is refused
    if "\r\n" not in hostile:
        assert audit_count(planflow_env) == before


def test_logout_ends_the_token_and_a_password_change_ends_every_session(
    client: TestClient, planflow_env: Database
) -> None:
    first, second = login(client, LEAD), login(client, LEAD)
    assert client.post("/api/logout", headers=first).status_code == 200
    assert client.get("/api/me", headers=first).status_code == 401
    assert client.get("/api/me", headers=second).status_code == 200
    with planflow_env.transaction() as session:
        set_password(session, email=LEAD, password="mat-khau-moi-sau-khi-lo", now=NOW)
    assert client.get("/api/me", headers=second).status_code == 401


def test_nobody_approves_what_their_own_unit_submitted(client: TestClient, planflow_env: Database) -> None:
    """Task 15 is led by the Văn phòng: the Văn phòng submits it, so the Standing Committee reviews it."""
    give_passwords(planflow_env, VP_HEAD, DEPUTY)
    office, vp_head, deputy = login(client, OFFICE), login(client, VP_HEAD), login(client, DEPUTY)
    url = f"/api/tasks/{VT}/15/moves"
    assert client.post(url, json={"action": "acknowledge"}, headers=vp_head).status_code == 200
    submit = {"action": "submit", "payload": {"result": "Danh mục hồ sơ"}}
    assert client.post(url, json=submit, headers=vp_head).status_code == 200
    own = client.post(url, json={"action": "approve"}, headers=office)
    assert own.status_code == 403 and "chính đơn vị mình" in own.json()["detail"]
    assert client.post(url, json={"action": "approve"}, headers=deputy).json()["to"] == "approved"


def test_a_unit_sees_a_task_through_a_group_only_while_the_directory_makes_it_a_member(
    client: TestClient, planflow_env: Database
) -> None:
    """Task 47 names "Các cơ quan liên quan" as coordinator: the directory's members see it, classified or not;
    once the directory no longer declares the group, nobody is behind it and the unit no longer sees the task."""
    give_passwords(planflow_env, POLICE)
    police = login(client, POLICE)
    with planflow_env.transaction() as session:
        set_classified(session, plan_code=VT, number="47", classified=True, actor_email=OFFICE, now=NOW)
    assert client.get(f"/api/tasks/{VT}/47", headers=police).status_code == 200  # a declared member
    directory = dataclasses.replace(read_directory(ORGS / "dang-uy-phuong-vinh-tuy.yaml"), groups=[])
    with planflow_env.transaction() as session:
        load_directory(session, directory=directory, actor="test", now=NOW)
    assert client.get(f"/api/tasks/{VT}/47", headers=police).status_code == 404
    assert "47" not in {t["number"] for t in client.get("/api/tasks", headers=police).json()}
    assert client.get(f"/api/tasks/{VT}/47", headers=login(client, LEAD)).status_code == 200  # its lead still does
    assert client.get(f"/api/tasks/{VT}/47", headers=login(client, OUTSIDER)).status_code == 404


def test_uploads_per_task_are_limited(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from documents import evidence

    monkeypatch.setattr(evidence, "MAX_FILES_PER_TASK", 3)
    lead = login(client, LEAD)
    url = f"/api/tasks/{VT}/47/evidence"
    answers = [
        client.post(url, files={"file": (f"bien-ban-{n}.pdf", b"%PDF-1.7\n", "application/pdf")}, headers=lead)
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 413]
    assert "tối đa 3 tệp" in answers[-1].json()["detail"]


def test_tasks_left_untouched_by_refused_requests(client: TestClient, planflow_env: Database) -> None:
    """Every refusal above is also a refusal that changes nothing: versions are where they were."""
    lead = login(client, LEAD)
    with planflow_env.session() as session:
        before = session.scalar(select(PlanTask.version).where(PlanTask.number == "47"))
    client.post(f"/api/tasks/{VT}/47/moves", json={"action": "acknowledge", "idempotency_key": "x\r\ny"}, headers=lead)
    client.post(f"/api/tasks/{VT}/47/moves", json={"action": "approve"}, headers=lead)
    with planflow_env.session() as session:
        assert session.scalar(select(PlanTask.version).where(PlanTask.number == "47")) == before
