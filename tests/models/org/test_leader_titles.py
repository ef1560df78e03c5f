"""One rule matches a leader in charge to a person, for move messages and escalations alike: a title that
differs only in case or tone marks ("phó bí thư thường trực đảng uỷ") still finds its leader."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models.db import Database
from models.org.tables import Person
from models.outbox.tables import Notification
from tests.models.escalation.test_escalation import VT, assign_all, run_sweep
from tests.seeding import seed


def test_a_leader_typed_in_another_case_is_escalated_to(database: Database) -> None:
    seed(database)
    with database.transaction() as session:
        deputy = session.scalars(select(Person).where(Person.email == "pbttt@vinhtuy.example")).one()
        deputy.title = "phó bí thư thường trực đảng uỷ"  # as someone typed it into the directory
        deputy_id = deputy.id
    assign_all(database, VT, "vanthu@vinhtuy.example", date(2026, 3, 2))
    run_sweep(database, date(2026, 4, 3))  # three working days after Quý I: the leaders in charge hear
    with database.session() as session:
        heard = session.scalars(
            select(Notification.template).where(
                Notification.recipient_person_id == deputy_id, Notification.template == "deadline_overdue"
            )
        ).all()
    assert heard


def test_the_same_leader_hears_of_moves_holds_the_role_and_receives_reports(database: Database) -> None:
    """Task 56's leader in charge is the Standing Deputy Secretary alone: typed in another case, the deputy (and
    not the whole Standing Committee, the fallback when no leader is known) hears of the extension request, holds
    the leader's role on the task, and is among a report's readers with the Văn phòng."""
    from models.lifecycle.moves import MoveRequest, apply_move, load_task
    from models.lifecycle.recipients import leaders_in_charge, report_readers
    from models.lifecycle.roles import roles_of
    from models.lifecycle.workflow import Action, Role
    from models.org.tables import Organization
    from tests.models.escalation.test_escalation import at

    seed(database)
    with database.transaction() as session:
        deputy = session.scalars(select(Person).where(Person.email == "pbttt@vinhtuy.example")).one()
        deputy.title = "  phó bí thư thường trực  đảng uỷ "
        deputy_id = deputy.id
    office = "vanthu@vinhtuy.example"
    with database.transaction() as session:
        apply_move(session, MoveRequest(VT, "56", Action.ASSIGN, office), now=at(date(2026, 3, 2), 9))
        request = {"new_due_date": "2026-07-31", "reason": "Chờ số liệu quý II"}
        apply_move(session, MoveRequest(VT, "56", Action.REQUEST_EXTENSION, office, request), now=at(date(2026, 3, 3)))
    with database.session() as session:
        heard = set(
            session.scalars(
                select(Notification.recipient_person_id).where(Notification.template == "extension_requested")
            )
        )
        task, plan = load_task(session, VT, "56")
        deputy = session.get_one(Person, deputy_id)
        organization = session.get_one(Organization, plan.organization_id)
        assert heard == {deputy_id}
        assert [p.id for p in leaders_in_charge(session, task, plan.organization_id)] == [deputy_id]
        assert Role.LEADER in roles_of(deputy, task, plan.organization_id)
        secretariat, standing = report_readers(session, organization)
        assert secretariat is not None and secretariat.name == "Văn phòng Đảng ủy"
        assert deputy_id in {p.id for p in standing}
