"""An upper-level system at the API with its own token: a read token reads the whole organization and its
reports and changes nothing; a move token makes its agency's moves, audited under the system's name; a revoked
token is refused at once; no token reaches another organization."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import app
from models.accounts.machine_tokens import MachineScope, create_machine_token
from models.audit import AuditEvent
from models.db import Database
from models.org.tables import Person
from tests.api.people import OFFICE
from tests.api.test_portal import form_key, logged_in


def _issue(database: Database, scope: MachineScope, agency: str | None = None) -> dict[str, str]:
    with database.transaction() as session:
        office = session.scalars(select(Person).where(Person.email == OFFICE)).one()
        token = create_machine_token(
            session,
            office,
            system=f"Hệ thống {scope.value}",
            scope=scope,
            agency=agency,
            days=30,
            now=datetime.now(UTC),
        )
    return {"Authorization": f"Bearer {token}"}


def test_a_read_token_reads_everything_of_its_organization_and_moves_nothing(
    client: TestClient, planflow_env: Database
) -> None:
    headers = _issue(planflow_env, MachineScope.READ)
    tasks = client.get("/api/tasks", headers=headers).json()
    assert len(tasks) == 58 and {t["plan"] for t in tasks} == {"vinh-tuy-2026"}
    assert client.get("/api/tasks/vinh-tuy-2026/47", headers=headers).status_code == 200
    assert client.get("/api/tasks/hai-phong-2026/1", headers=headers).status_code == 404  # not its organization
    assert client.get("/api/reports", headers=headers).status_code == 200
    refused = client.post("/api/tasks/vinh-tuy-2026/47/moves", json={"action": "acknowledge"}, headers=headers)
    assert refused.status_code == 403 and "chỉ được đọc" in refused.json()["detail"]
    assert client.get("/api/me", headers=headers).json()["name"] == "Hệ thống read"


def test_a_move_token_moves_for_its_agency_under_the_systems_name(client: TestClient, planflow_env: Database) -> None:
    headers = _issue(planflow_env, MachineScope.MOVE, agency="Ban Xây dựng Đảng")
    moved = client.post("/api/tasks/vinh-tuy-2026/47/moves", json={"action": "acknowledge"}, headers=headers)
    assert moved.status_code == 200, moved.text
    approve = client.post("/api/tasks/vinh-tuy-2026/47/moves", json={"action": "approve"}, headers=headers)
    assert approve.status_code in (403, 409)  # the lead agency's system holds no secretariat authority
    with planflow_env.session() as session:
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_key == "vinh-tuy-2026/47", AuditEvent.action == "task.acknowledge")
            .order_by(AuditEvent.id.desc())
        ).first()
    assert event is not None and (event.actor, event.channel) == ("Hệ thống move", "api")


def test_the_secretariat_issues_and_revokes_in_the_console_and_revoked_is_refused(client: TestClient) -> None:
    office = logged_in(OFFICE)
    key = form_key(office.get("/portal/console/systems").text)
    issued = office.post(
        "/portal/console/systems", data={"key": key, "system": "Hệ thống điều hành Thành ủy", "scope": "read"}
    )
    found = re.search(r"<code>(pfm_[A-Za-z0-9_-]+)</code>", issued.text)
    assert found, "the new token is shown once"
    token = found.group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/tasks", headers=headers).status_code == 200
    token_id = issued.text.split("/portal/console/systems/")[1].split("/revoke")[0]
    revoked = office.post(f"/portal/console/systems/{token_id}/revoke", data={"key": key})
    assert "Đã thu hồi" in revoked.text and token not in revoked.text
    assert client.get("/api/tasks", headers=headers).status_code == 401
    lead = logged_in("cvxd@vinhtuy.example")
    assert lead.get("/portal/console/systems").status_code == 404
    assert TestClient(app).get("/api/tasks", headers={"Authorization": "Bearer pfm_nothing"}).status_code == 401
