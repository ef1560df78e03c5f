"""Twenty racing pairs of every kind of move, on PostgreSQL, from two processes released by one barrier.

Each pair is two people making a move on the same task at the same instant — the same move twice, or two
moves that exclude each other (approve/return, grant/refuse, accept/reject). Half the pairs carry the
version the person saw (as a portal form does), half do not. Every pair has exactly one winner where two
cannot both stand; the loser gets the state machine's refusal, never a database error; afterwards the
audit log replays to each task's status and version, and every winner's messages are queued once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from documents.reader import read_plan
from models.audit import AuditEvent
from models.db import Database
from models.lifecycle.moves import MoveRequest, apply_move_once, load_task
from models.lifecycle.tables import ExtensionRequest
from models.lifecycle.workflow import Action
from models.outbox.tables import Notification
from models.plan.store import save_plan
from tests.paths import PLANS
from tests.races import RacingPair
from tests.seeding import seed
from tests.time import NOW, VIETNAM

PAIRS = 20
OFFICE, CHANH = "vanthu@vinhtuy.example", "chanhvp@vinhtuy.example"  # Văn phòng: secretariat, and lead of most tasks
BITHU, PBTTT = "bithu@vinhtuy.example", "pbttt@vinhtuy.example"  # Standing Committee, leaders in charge
POLICE, BXD = "truongca@vinhtuy.example", "cvxd@vinhtuy.example"  # coordinating units ("Các cơ quan liên quan")
A = Action


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, tzinfo=VIETNAM)


Move = tuple[Action, str, dict[str, Any]]


@dataclass(frozen=True)
class Race:
    """A task of the plan, the moves that bring it to the racing state, the two racing moves and when."""

    number: str
    prepare: list[Move]
    first: Move
    second: Move
    when: datetime
    exclusive: bool = True  # without a version, can both still succeed one after the other? (then False)
    prepared_at: datetime = field(default_factory=lambda: at(2026, 3, 3))


ASSIGNED: list[Move] = [(A.ASSIGN, OFFICE, {})]
WORKING: list[Move] = [*ASSIGNED, (A.ACKNOWLEDGE, CHANH, {})]
SUBMITTED: list[Move] = [*WORKING, (A.SUBMIT, CHANH, {"result": "Kết quả"})]
ASKED: list[Move] = [*WORKING, (A.REQUEST_EXPLANATION, OFFICE, {"reason": "Quá hạn"})]
EXPLAINED: list[Move] = [*ASKED, (A.SUBMIT_EXPLANATION, CHANH, {"text": "Lý do"})]
EXTENSION: list[Move] = [*WORKING, (A.REQUEST_EXTENSION, CHANH, {"new_due_date": "2027-03-31", "reason": "Cần thêm"})]
LATE = at(2027, 1, 15)

RACES: dict[Action, Race] = {
    A.ASSIGN: Race("1", [], (A.ASSIGN, OFFICE, {}), (A.ASSIGN, CHANH, {}), at(2026, 3, 10)),
    A.ACKNOWLEDGE: Race("2", ASSIGNED, (A.ACKNOWLEDGE, CHANH, {}), (A.ACKNOWLEDGE, OFFICE, {}), at(2026, 3, 10)),
    A.REQUEST_COORDINATION: Race(
        "9",
        WORKING,
        (A.REQUEST_COORDINATION, CHANH, {"message": "Đề nghị phối hợp"}),
        (A.REQUEST_COORDINATION, OFFICE, {"message": "Đề nghị phối hợp gấp"}),
        at(2026, 3, 10),
        exclusive=False,
    ),
    A.GIVE_INPUT: Race(
        "17",
        [*WORKING, (A.REQUEST_COORDINATION, CHANH, {"message": "Đề nghị"})],
        (A.GIVE_INPUT, POLICE, {"text": "Công an cử cán bộ"}),
        (A.GIVE_INPUT, BXD, {"text": "Ban Xây dựng Đảng góp ý"}),
        at(2026, 3, 10),
        exclusive=False,
    ),
    A.SUBMIT: Race(
        "10", WORKING, (A.SUBMIT, CHANH, {"result": "A"}), (A.SUBMIT, OFFICE, {"result": "B"}), at(2026, 3, 10)
    ),
    A.SUBMIT_PROGRESS: Race(
        "4",
        WORKING,
        (A.SUBMIT_PROGRESS, CHANH, {"period": "2026-Q1", "text": "A"}),
        (A.SUBMIT_PROGRESS, OFFICE, {"period": "2026-Q1", "text": "B"}),
        at(2026, 3, 10),
        exclusive=False,
    ),
    A.APPROVE: Race(
        "13", SUBMITTED, (A.APPROVE, BITHU, {}), (A.RETURN, PBTTT, {"comment": "Bổ sung"}), at(2026, 3, 10)
    ),
    A.RETURN: Race(
        "18", SUBMITTED, (A.RETURN, BITHU, {"comment": "A"}), (A.RETURN, PBTTT, {"comment": "B"}), at(2026, 3, 10)
    ),
    A.REQUEST_EXPLANATION: Race(
        "19",
        WORKING,
        (A.REQUEST_EXPLANATION, OFFICE, {"reason": "Quá hạn"}),
        (A.REQUEST_EXPLANATION, CHANH, {"reason": "Quá hạn lâu"}),
        LATE,
    ),
    A.SUBMIT_EXPLANATION: Race(
        "20", ASKED, (A.SUBMIT_EXPLANATION, CHANH, {"text": "A"}), (A.SUBMIT_EXPLANATION, OFFICE, {"text": "B"}), LATE
    ),
    A.ACCEPT_EXPLANATION: Race(
        "25",
        EXPLAINED,
        (A.ACCEPT_EXPLANATION, BITHU, {"new_due_date": "2027-03-31"}),
        (A.REJECT_EXPLANATION, PBTTT, {"comment": "Không xác đáng"}),
        LATE,
    ),
    A.REJECT_EXPLANATION: Race(
        "26",
        EXPLAINED,
        (A.REJECT_EXPLANATION, BITHU, {"comment": "A"}),
        (A.REJECT_EXPLANATION, PBTTT, {"comment": "B"}),
        LATE,
    ),
    A.REQUEST_EXTENSION: Race(
        "49",
        WORKING,
        (A.REQUEST_EXTENSION, CHANH, {"new_due_date": "2027-03-31", "reason": "A"}),
        (A.REQUEST_EXTENSION, OFFICE, {"new_due_date": "2027-06-30", "reason": "B"}),
        at(2026, 6, 1),
    ),
    A.GRANT_EXTENSION: Race(
        "7", EXTENSION, (A.GRANT_EXTENSION, BITHU, {}), (A.REFUSE_EXTENSION, PBTTT, {}), at(2026, 6, 2)
    ),
    A.REFUSE_EXTENSION: Race(
        "40", EXTENSION, (A.REFUSE_EXTENSION, BITHU, {}), (A.REFUSE_EXTENSION, PBTTT, {}), at(2026, 6, 2)
    ),
    A.SET_DEADLINE: Race(
        "24",
        ASSIGNED,
        (A.SET_DEADLINE, OFFICE, {"new_due_date": "2026-09-30"}),
        (A.SET_DEADLINE, CHANH, {"new_due_date": "2026-10-31"}),
        at(2026, 3, 10),
        exclusive=False,
    ),
    A.CANCEL: Race(
        "41", ASSIGNED, (A.CANCEL, BITHU, {"reason": "A"}), (A.CANCEL, PBTTT, {"reason": "B"}), at(2026, 3, 10)
    ),
}


def _prepare_plans(db: Database) -> list[str]:
    seed(db)
    codes = [f"vt-race-{n:02d}" for n in range(PAIRS)]
    with db.transaction() as session:
        for code in codes:
            document = read_plan(PLANS / "vinh-tuy-2026.yaml")
            document.code = code
            save_plan(session, document=document, actor="test", now=NOW)
    return codes


def _prepare(db: Database, code: str, race: Race) -> None:
    """The moves that bring the task to the racing state (explanations once it is late)."""
    for action, actor, payload in race.prepare:
        moment = LATE if action in (A.REQUEST_EXPLANATION, A.SUBMIT_EXPLANATION) else race.prepared_at
        apply_move_once(db, MoveRequest(code, race.number, action, actor, payload), now=moment)


def _version(db: Database, plan: str, number: str) -> int:
    with db.session() as session:
        return load_task(session, plan, number)[0].version


def test_every_kind_of_move_raced_twenty_times_has_one_winner_and_a_consistent_record(
    postgres_database: Database,
) -> None:
    db = postgres_database
    assert set(RACES) == set(Action)  # every kind of move is raced
    codes = _prepare_plans(db)
    pair = RacingPair(db.engine.url.render_as_string(hide_password=False))
    problems: list[str] = []
    winners: Counter[str] = Counter()
    try:
        for index, code in enumerate(codes):
            with_version = index % 2 == 0
            for action, race in RACES.items():
                _prepare(db, code, race)
                seen = _version(db, code, race.number) if with_version else None
                requests = [
                    (MoveRequest(code, race.number, move, actor, payload, expected_version=seen), race.when)
                    for move, actor, payload in (race.first, race.second)
                ]
                outcomes = pair.race(*requests)
                won = [o for o in outcomes if o.kind == "won"]
                winners[action.value] += len(won)
                errors = [o.detail for o in outcomes if o.kind == "error"]
                if errors:
                    problems.append(f"{code}/{race.number} {action.value}: {errors}")
                if (with_version or race.exclusive) and len(won) != 1:
                    problems.append(f"{code}/{race.number} {action.value}: {len(won)} winners {outcomes}")
                if not won:
                    problems.append(f"{code}/{race.number} {action.value}: nobody won {outcomes}")
    finally:
        pair.close()
    assert not problems, "\n".join(problems[:20])
    _the_record_matches_the_state(db, codes)
    assert all(winners[a.value] >= PAIRS for a in Action)


def _the_record_matches_the_state(db: Database, codes: list[str]) -> None:
    """Each task's audit log replays to its status; its version counts its moves; messages queued once."""
    from models.plan.tables import Plan, PlanTask

    with db.session() as session:
        tasks = session.execute(
            select(PlanTask.id, Plan.code, PlanTask.number, PlanTask.status, PlanTask.version)
            .join(Plan, PlanTask.plan_id == Plan.id)
            .where(Plan.code.in_(codes))
        ).all()
        for task_id, code, number, status, version in tasks:
            events = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity_key == f"{code}/{number}", AuditEvent.action.like("task.%"))
                .order_by(AuditEvent.id)
            ).all()
            if not events:
                continue
            assert [e.details["from"] for e in events[1:]] == [e.details["to"] for e in events[:-1]], (code, number)
            assert events[-1].details["to"] == status, (code, number)
            assert version == 1 + len(events), (code, number, version, len(events))
            queued = session.scalar(
                select(func.count()).select_from(Notification).where(Notification.task_id == task_id)
            )
            assert queued == sum(e.details["notifications"] for e in events), (code, number)
        pending = session.execute(
            select(ExtensionRequest.task_id, func.count())
            .where(ExtensionRequest.decision.is_(None))
            .group_by(ExtensionRequest.task_id)
            .having(func.count() > 1)
        ).all()
        assert pending == []


def test_the_race_specs_are_valid_one_at_a_time(database: Database) -> None:
    """Each racing move, made alone, is accepted: the races test concurrency, not a wrong setup."""
    seed(database)
    for action, race in RACES.items():
        _prepare(database, "vinh-tuy-2026", race)
        move, actor, payload = race.first
        result = apply_move_once(
            database, MoveRequest("vinh-tuy-2026", race.number, move, actor, payload), now=race.when
        )
        assert not result.repeated, action
