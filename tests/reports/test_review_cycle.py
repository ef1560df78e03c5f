"""Review cycles: asked, answered from the data, reminded exactly once, closed with a report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.db import Database
from models.org.tables import Agency
from models.outbox.tables import Notification
from models.reporting.review_cycle import ReviewCycle, cycle_state, remind_and_close, start_cycle
from planflow import demo
from planflow.cli import main

ORG = "dang-uy-phuong-vinh-tuy"


def _templates(db: Database, template: str) -> list[int | None]:
    with db.session() as session:
        return list(session.scalars(select(Notification.recipient_agency_id).where(Notification.template == template)))


UNITS = ["Ban Xây dựng Đảng", "Công an phường", "UBKT Đảng ủy", "Văn phòng Đảng ủy"]


def _heard(db: Database, template: str) -> list[str]:
    """The agencies a template went to, by name (one message each)."""
    with db.session() as session:
        return sorted(
            session.scalars(
                select(Agency.name)
                .join(Notification, Notification.recipient_agency_id == Agency.id)
                .where(Notification.template == template)
            )
        )


def start_q2_cycle(session: Session, actor: str = "VP") -> Any:
    """The Q2/2026 review cycle, started on 15 June and due on 26 June."""
    return start_cycle(
        session,
        organization_code=ORG,
        period="2026-Q2",
        due=date(2026, 6, 26),
        actor=actor,
        now=demo.at(date(2026, 6, 15)),
    )


@pytest.fixture
def assigned(database: Database) -> Database:
    demo.seed_plan(database)
    demo.first_quarter(demo.Walk(database))  # all 58 tasks assigned and acknowledged in March
    return database


def test_cycle_asks_reminds_the_silent_and_closes(assigned: Database) -> None:
    db = assigned
    with db.transaction() as session:
        state = start_q2_cycle(session, actor="Lê Thị Hoa")
    assert sorted(state.asked) == [
        "Ban Xây dựng Đảng",
        "Các Ban Đảng và Văn phòng Đảng ủy",
        "Công an phường",
        "UBKT Đảng ủy",
        "Văn phòng Đảng ủy",
    ]
    # the group lead "Các Ban Đảng và Văn phòng Đảng ủy" is asked through its members, as every message to an
    # agency reaches its units: each of the four units hears once, the group (no mailbox of its own) never
    assert _heard(db, "progress_update_requested") == UNITS
    walk = demo.Walk(db)
    walk(date(2026, 6, 18), "37", demo.Action.SUBMIT_PROGRESS, "cvxd@vinhtuy.example", period="2026-Q2", text="Quý II")

    def day(d: date) -> tuple[int, list]:
        with db.transaction() as session:
            return remind_and_close(session, as_of=d, now=demo.at(d, 7))

    assert day(date(2026, 6, 22)) == (0, [])  # 4 working days before the due date: nothing yet
    assert day(date(2026, 6, 23)) == (4, [])  # 3 working days before: the units of those that have not answered
    assert _heard(db, "progress_update_reminder") == UNITS  # Ban Xây dựng Đảng too: its group has not answered
    assert day(date(2026, 6, 23)) == (0, [])  # again the same day: nothing twice
    assert day(date(2026, 6, 25)) == (4, [])  # 1 working day before
    assert day(date(2026, 6, 29)) == (0, [(ORG, "2026-Q2")])  # past the due date: closed
    with db.session() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        final = cycle_state(session, cycle).to_dict()
    assert final["status"] == "closed" and final["answered"] == ["Ban Xây dựng Đảng"]
    assert len(_templates(db, "progress_update_reminder")) == 8


def test_starting_twice_asks_once(assigned: Database) -> None:
    for _ in range(2):
        with assigned.transaction() as session:
            start_q2_cycle(session)
    assert _heard(assigned, "progress_update_requested") == UNITS


@pytest.mark.prefect
def test_closing_sweep_compiles_the_report(
    prefect_harness: None, planflow_env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo.seed_plan(planflow_env)
    demo.first_quarter(demo.Walk(planflow_env))
    with planflow_env.transaction() as session:
        start_q2_cycle(session)
    assert main(["sweep", "--as-of", "2026-06-29", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["cycles_closed"] == [f"{ORG}/2026-Q2"]
    folder = tmp_path / "home" / "reports" / ORG / "2026-Q2"
    assert sorted(p.suffix for p in folder.iterdir()) == [".docx", ".html", ".xlsx"]


def _start_unnamed(database: Database) -> Any:
    with database.transaction() as session:
        return start_cycle(
            session,
            organization_code=None,
            period="2026-Q2",
            due=date(2026, 6, 26),
            actor="VP",
            now=demo.at(date(2026, 6, 15)),
        )


def test_with_no_organization_named_the_only_one_with_a_plan_is_asked(database: Database) -> None:
    from datetime import UTC, datetime

    from documents.reader import read_plan
    from models.plan.store import save_plan
    from tests.paths import PLANS

    with database.transaction() as session:
        save_plan(session, document=read_plan(PLANS / "vinh-tuy-2026.yaml"), actor="test", now=datetime.now(UTC))
    state = _start_unnamed(database)
    assert state.organization == ORG


def test_with_two_organizations_the_secretariat_is_told_to_choose(database: Database) -> None:
    from models.errors import ReportError
    from tests.seeding import seed

    seed(database)  # Vĩnh Tuy and Hải Phòng
    with pytest.raises(ReportError, match=ORG):
        _start_unnamed(database)
