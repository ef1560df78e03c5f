"""One rule matches a leader in charge to a person, for move messages and escalations alike: a title that
differs only in case or tone marks ("phó bí thư thường trực đảng uỷ") still finds its leader."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models.db import Database
from models.org import Person
from models.outbox import Notification
from tests.models.test_escalation import VT, assign_all, run_sweep
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
