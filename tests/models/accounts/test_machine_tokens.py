"""Machine tokens: an upper-level system reads its organization (or also moves for one agency) under its own
name; only the secretariat issues or revokes them, and a revoked or expired token proves nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.accounts.access import reads_whole_organization, sees_reports, visible_tasks
from models.accounts.machine_tokens import (
    MachineScope,
    MachineToken,
    MachineTokenRefusedError,
    create_machine_token,
    may_move,
    revoke_machine_token,
    system_for_token,
)
from models.audit import AuditEvent
from models.db import Database
from models.errors import ForbiddenError, InvalidInputError, NotFoundError
from models.org.tables import Person
from tests.seeding import seed
from tests.time import NOW

OFFICE, LEAD, OTHER_OFFICE = "vanthu@vinhtuy.example", "cvxd@vinhtuy.example", "cvvp@haiphong.example"


@pytest.fixture
def db(database: Database) -> Database:
    seed(database)
    return database


def _person(session: Session, email: str) -> Person:
    return session.scalars(select(Person).where(Person.email == email)).one()


def test_a_read_token_reads_the_whole_organization_and_may_not_move(db: Database) -> None:
    with db.transaction() as session:
        token = create_machine_token(
            session, _person(session, OFFICE), system="Hệ thống Thành ủy", scope=MachineScope.READ, agency=None,
            days=30, now=NOW,
        )  # fmt: skip
    with db.transaction() as session:
        system = system_for_token(session, token, now=NOW + timedelta(days=1))
        assert system.full_name == "Hệ thống Thành ủy" and reads_whole_organization(system)
        assert len(visible_tasks(session, system)) == 58 and sees_reports(system)
        assert not may_move(system)
        assert token not in set(session.scalars(select(MachineToken.token_hash)))  # only its hash is kept
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "machine_token.created")).one()
        assert event.actor == "Phạm Minh Đức" and event.details["system"] == "Hệ thống Thành ủy"


def test_a_move_token_names_its_agency_and_moves_as_it(db: Database) -> None:
    with db.transaction() as session:
        office = _person(session, OFFICE)
        with pytest.raises(InvalidInputError, match="cơ quan"):
            create_machine_token(
                session, office, system="Phần mềm Ban", scope=MachineScope.MOVE, agency=None, days=30, now=NOW
            )
        with pytest.raises(NotFoundError):
            create_machine_token(
                session, office, system="Phần mềm Ban", scope=MachineScope.MOVE, agency="Ban không có", days=30,
                now=NOW,
            )  # fmt: skip
        token = create_machine_token(
            session, office, system="Phần mềm Ban", scope=MachineScope.MOVE, agency="ban xây dựng đảng", days=30,
            now=NOW,
        )  # fmt: skip
    with db.transaction() as session:
        system = system_for_token(session, token, now=NOW)
        assert may_move(system) and system.agency is not None and system.agency.name == "Ban Xây dựng Đảng"


def test_only_the_secretariat_issues_and_revokes_and_only_its_own(db: Database) -> None:
    with db.transaction() as session:
        with pytest.raises(ForbiddenError):
            create_machine_token(
                session, _person(session, LEAD), system="X", scope=MachineScope.READ, agency=None, days=30, now=NOW
            )
        token = create_machine_token(
            session, _person(session, OFFICE), system="Hệ thống", scope=MachineScope.READ, agency=None, days=30,
            now=NOW,
        )  # fmt: skip
        token_id = session.scalars(select(MachineToken.id)).one()
        with pytest.raises(NotFoundError):  # another organization's secretariat
            revoke_machine_token(session, _person(session, OTHER_OFFICE), token_id, now=NOW)
        revoke_machine_token(session, _person(session, OFFICE), token_id, now=NOW)
    with db.transaction() as session:
        for wrong, when in ((token, NOW), (token[:-2] + "zz", NOW), ("pfm_", NOW)):
            with pytest.raises(MachineTokenRefusedError):
                system_for_token(session, wrong, now=when)


def test_an_expired_token_is_refused(db: Database) -> None:
    with db.transaction() as session:
        token = create_machine_token(
            session, _person(session, OFFICE), system="Hệ thống", scope=MachineScope.READ, agency=None, days=2,
            now=NOW,
        )  # fmt: skip
    with db.transaction() as session, pytest.raises(MachineTokenRefusedError):
        system_for_token(session, token, now=NOW + timedelta(days=2))
