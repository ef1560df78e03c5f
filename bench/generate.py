"""Synthetic national data: wards under provinces under the centre, each with a clone of the Vĩnh Tuy plan.

Bulk-loaded with SQLAlchemy Core in batches and explicit ids (no round trip per row),
with a seeded, realistic spread of states at a date: done on time or late, overdue,
explanations requested, submitted, accepted or rejected (new deadlines in the history),
recurring tasks that reported or not, and an audit event for each move.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection

from documents.reader import read_plan
from models.audit import AuditEvent
from models.calendar.days import VIETNAM
from models.db import Database
from models.lifecycle.tables import DeadlineChange, Explanation, ProgressReport, Submission
from models.org.names import agency_key, agency_kind, display_name
from models.org.tables import Agency, Organization, Person
from models.plan.deadlines import DeadlineSpec, parse_deadline
from models.plan.tables import KpiIndicator, Plan, PlanSection, PlanTask, PlanTaskCoordinator, PlanTaskLeader
from runtime.progress import steps
from runtime.samples import SEED_PLAN

WARDS_PER_PROVINCE = 5
BATCH = 5000
PEOPLE = [  # (local part, name, title, agency, head, standing committee)
    ("bithu", "Bí thư", "Bí thư Đảng ủy", None, False, True),
    ("pbttt", "Phó Bí thư Thường trực", "Phó Bí thư Thường trực Đảng ủy", None, False, True),
    ("chanhvp", "Chánh Văn phòng", "Chánh Văn phòng Đảng ủy", "Văn phòng Đảng ủy", True, False),
    ("vanthu", "Chuyên viên Văn phòng", "Chuyên viên", "Văn phòng Đảng ủy", False, False),
    ("truongbanxd", "Trưởng Ban Xây dựng Đảng", "Trưởng Ban", "Ban Xây dựng Đảng", True, False),
    ("cvxd", "Chuyên viên Ban Xây dựng Đảng", "Chuyên viên", "Ban Xây dựng Đảng", False, False),
    ("ubkt", "Chủ nhiệm UBKT", "Chủ nhiệm UBKT", "UBKT Đảng ủy", True, False),
    ("congan", "Trưởng Công an phường", "Trưởng Công an", "Công an phường", True, False),
]


@dataclass
class Generated:
    """What was loaded (printed by `planflow bench generate`)."""

    organizations: int
    wards: int
    plans: int
    tasks: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _Ids:
    """Explicit ids continuing after what the database holds."""

    def __init__(self, connection: Connection, tables: list[Any]) -> None:
        self._next = {t.name: (connection.execute(select(func.max(t.c.id))).scalar() or 0) + 1 for t in tables}

    def take(self, table: Any) -> int:
        value = self._next[table.name]
        self._next[table.name] = value + 1
        return value


@cache
def _deadline(text: str) -> DeadlineSpec:
    """Each ward's plan is a clone: each deadline text is parsed once, not once per ward (191,400 times)."""
    return parse_deadline(text, year=2026)


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _load(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    for batch in _batches(rows):
        connection.execute(insert(table), batch)


def _moment(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=VIETNAM).astimezone(UTC)


def generate(database: Database, *, wards: int, as_of: date = date(2026, 6, 15), seed: int = 2026) -> Generated:
    """Load `wards` wards (and their provinces and the centre), each with a Vĩnh Tuy plan, in states as at `as_of`."""
    started = datetime.now(UTC)
    document = read_plan(SEED_PLAN)
    rng = random.Random(seed)
    tables: list[Any] = [
        t.__table__
        for t in (
            Organization,
            Agency,
            Person,
            Plan,
            PlanSection,
            PlanTask,
            KpiIndicator,
            AuditEvent,
            Submission,
            Explanation,
            DeadlineChange,
            ProgressReport,
        )
    ]
    with database.engine.begin() as connection:
        ids = _Ids(connection, tables)
        rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in tables}
        rows["plan_task_leaders"], rows["plan_task_coordinators"] = [], []
        now = _moment(date(2026, 2, 27))
        centre = _org(
            rows, ids, Organization.__table__, "bench-trung-uong", "Trung ương (dữ liệu thử)", "central", None, now
        )
        provinces: list[int] = []
        with steps("Tạo dữ liệu thử: các phường", total=wards) as report:
            for index in range(wards):
                _province_and_ward(rows, ids, document, provinces, centre, index, rng, as_of, now)
                if index % 50 == 49 or index == wards - 1:
                    report(index + 1, wards)
        extra: list[Any] = [PlanTaskLeader.__table__, PlanTaskCoordinator.__table__]
        with steps("Ghi dữ liệu thử vào cơ sở dữ liệu", total=len(tables) + len(extra)) as report:
            for done, table in enumerate([*tables, *extra], start=1):
                _load(connection, table, rows[table.name])
                report(done, None)
        if connection.dialect.name == "postgresql":
            for table in tables:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"
                    )
                )
            connection.execute(text("ANALYZE"))
    seconds = (datetime.now(UTC) - started).total_seconds()
    return Generated(1 + len(provinces) + wards, wards, wards, wards * len(document.tasks), round(seconds, 2))


def _province_and_ward(
    rows: dict[str, list[dict[str, Any]]],
    ids: _Ids,
    document: Any,
    provinces: list[int],
    centre: int,
    index: int,
    rng: random.Random,
    as_of: date,
    now: datetime,
) -> None:
    """One ward, and the province it opens when it is the first of its province."""
    if index % WARDS_PER_PROVINCE == 0:
        number = len(provinces) + 1
        provinces.append(
            _org(
                rows,
                ids,
                Organization.__table__,
                f"bench-tinh-{number:04d}",
                f"Đảng bộ tỉnh thử {number}",
                "province",
                centre,
                now,
            )
        )
    ward = _org(
        rows,
        ids,
        Organization.__table__,
        f"bench-phuong-{index + 1:05d}",
        f"Đảng ủy phường thử {index + 1}",
        "ward",
        provinces[-1],
        now,
    )
    _ward(rows, ids, document, ward, index + 1, rng, as_of, now)


def _org(
    rows: dict[str, list[dict[str, Any]]],
    ids: _Ids,
    table: Any,
    code: str,
    name: str,
    level: str,
    parent: int | None,
    now: datetime,
) -> int:
    org_id = ids.take(table)
    rows["organizations"].append(
        {
            "id": org_id,
            "code": code,
            "name": name,
            "level": level,
            "place_name": None,
            "parent_id": parent,
            "created_at": now,
            "updated_at": now,
        }
    )
    return org_id


def _ward(
    rows: dict[str, list[dict[str, Any]]],
    ids: _Ids,
    document: Any,
    ward: int,
    number: int,
    rng: random.Random,
    as_of: date,
    now: datetime,
) -> None:
    agencies: dict[str, int] = {}
    names = {t.lead_agency for t in document.tasks if t.lead_agency}
    names |= {a for t in document.tasks for a in t.coordinating_agencies}
    names |= {"Văn phòng Đảng ủy", "Ban Xây dựng Đảng", "UBKT Đảng ủy", "Công an phường", "Ban Thường vụ Đảng ủy"}
    for name in sorted(names, key=agency_key):
        key = agency_key(name)
        if key in agencies:
            continue
        agencies[key] = ids.take(Agency.__table__)
        rows["agencies"].append(
            {
                "id": agencies[key],
                "organization_id": ward,
                "name": display_name(name),
                "name_key": key,
                "kind": agency_kind(name).value,
                "email": f"{len(agencies)}-{number}@bench.example",
                "phone": None,
                "webhook_url": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    heads: dict[int, int] = {}
    for local, name, title, agency, head, standing in PEOPLE:
        person_id = ids.take(Person.__table__)
        agency_id = agencies[agency_key(agency or "Ban Thường vụ Đảng ủy")]
        if head:
            heads[agency_id] = person_id
        rows["people"].append(
            {
                "id": person_id,
                "organization_id": ward,
                "agency_id": agency_id,
                "full_name": f"{name} {number}",
                "title": title,
                "title_key": agency_key(title) if title else None,
                "email": f"{local}.{number}@bench.example",
                "phone": None,
                "is_agency_head": head,
                "standing_committee": standing,
                "created_at": now,
                "updated_at": now,
            }
        )
    office_person = rows["people"][-5]["id"]  # the Văn phòng's clerk
    plan_id = ids.take(Plan.__table__)
    code = f"bench-{number:05d}-2026"
    rows["plans"].append(
        {
            "id": plan_id,
            "code": code,
            "organization_id": ward,
            "title": document.title,
            "issuing_body": document.issuing_body,
            "document_number": document.document_number,
            "year": 2026,
            "source_name": "bench",
            "source_format": "yaml",
            "created_at": now,
            "updated_at": now,
        }
    )
    sections: dict[str, int] = {}
    for position, section in enumerate(document.sections, start=1):
        sections[section.number] = ids.take(PlanSection.__table__)
        rows["plan_sections"].append(
            {
                "id": sections[section.number],
                "plan_id": plan_id,
                "number": section.number,
                "title": section.title,
                "position": position,
            }
        )
    for position, text_ in enumerate(document.indicators, start=1):
        rows["kpi_indicators"].append(
            {
                "id": ids.take(KpiIndicator.__table__),
                "plan_id": plan_id,
                "position": position,
                "text": text_,
                "subject": text_,
                "comparator": ">=",
                "target_value": 80.0,
                "unit": "%",
                "measure": "level",
                "baseline_value": None,
            }
        )
    for position, record in enumerate(document.tasks, start=1):
        lead = agencies[agency_key(record.lead_agency)] if record.lead_agency else None
        _task(
            rows,
            ids,
            record,
            plan_id,
            code,
            sections,
            lead,
            heads.get(lead or -1),
            office_person,
            position,
            rng,
            as_of,
            now,
            agencies,
        )


def _task(
    rows: dict[str, list[dict[str, Any]]],
    ids: _Ids,
    record: Any,
    plan_id: int,
    plan_code: str,
    sections: dict[str, int],
    lead: int | None,
    head: int | None,
    clerk: int,
    position: int,
    rng: random.Random,
    as_of: date,
    now: datetime,
    agencies: dict[str, int],
) -> None:
    spec = _deadline(record.deadline)
    task_id = ids.take(PlanTask.__table__)
    assigned = _moment(date(2026, 3, 2))
    due = spec.due_date
    status, completed, explained = "acknowledged", None, None
    if due is not None and due < as_of:
        roll = rng.random()
        if roll < 0.6:
            late = rng.random() < 0.3
            done_on = due + timedelta(days=rng.randint(3, 20)) if late else due - timedelta(days=rng.randint(0, 10))
            status, completed = "approved", _moment(min(done_on, as_of))
        elif roll < 0.8:
            status, explained = "explanation_requested", rng.choice(["requested", "submitted"])
        else:
            status = "in_progress"
    elif due is not None and rng.random() < 0.15:
        status, completed = "approved", _moment(as_of - timedelta(days=rng.randint(1, 30)))
    elif rng.random() < 0.5:
        status = "in_progress"
    rows["plan_tasks"].append(
        {
            "id": task_id,
            "plan_id": plan_id,
            "section_id": sections.get(record.section),
            "number": record.number,
            "position": position,
            "description": record.description,
            "lead_agency_id": lead,
            "expected_result": record.expected_result,
            "kpi_text": record.kpi_text,
            "notes": record.notes,
            "deadline_text": spec.text,
            "deadline_kind": spec.kind.value,
            "due_date": due,
            "deadline_tentative": spec.tentative,
            "deadline_checkpoints": [d.isoformat() for d in spec.checkpoints],
            "deadline_start": spec.start,
            "deadline_rule": spec.rule,
            "upstream_body": spec.upstream_body,
            "awaited_event": spec.event,
            "status": status,
            "version": 3,
            "status_changed_at": completed or assigned,
            "completed_at": completed,
            "assigned_at": assigned,
            "created_at": now,
            "updated_at": now,
        }
    )
    for index, title in enumerate(record.leaders, start=1):
        rows["plan_task_leaders"].append(
            {"task_id": task_id, "position": index, "title": title, "title_key": agency_key(title)}
        )
    seen: set[int] = set()
    for index, name in enumerate(record.coordinating_agencies, start=1):
        agency_id = agencies[agency_key(name)]
        if agency_id not in seen:
            seen.add(agency_id)
            rows["plan_task_coordinators"].append({"task_id": task_id, "agency_id": agency_id, "position": index})
    rows["audit_events"].append(
        {
            "id": ids.take(AuditEvent.__table__),
            "occurred_at": assigned,
            "recorded_at": assigned,
            "actor": "Chuyên viên Văn phòng",
            "action": "task.assign",
            "entity_type": "plan_task",
            "entity_key": f"{plan_code}/{record.number}",
            "details": {"from": "imported", "to": "assigned"},
            "idempotency_key": None,
        }
    )
    if completed is not None:
        rows["submissions"].append(
            {
                "id": ids.take(Submission.__table__),
                "task_id": task_id,
                "version": 1,
                "result_text": record.expected_result or "Kết quả",
                "evidence": [],
                "kpi_values": {},
                "submitted_by_id": clerk,
                "submitted_at": completed - timedelta(days=1),
                "decision": "approved",
                "review_comment": None,
                "reviewed_by_id": clerk,
                "reviewed_at": completed,
            }
        )
    if explained is not None:
        rows["explanations"].append(
            {
                "id": ids.take(Explanation.__table__),
                "task_id": task_id,
                "agency_id": lead,
                "reason": "Quá hạn",
                "requested_by_id": clerk,
                "requested_at": _moment(as_of - timedelta(days=5)),
                "text": "Đang chờ" if explained == "submitted" else None,
                "submitted_by_id": clerk if explained == "submitted" else None,
                "submitted_at": _moment(as_of - timedelta(days=2)) if explained == "submitted" else None,
                "decision": None,
                "decision_note": None,
                "decided_by_id": None,
                "decided_at": None,
                "new_due_date": None,
                "agency_head_name": None,
            }
        )
    if spec.kind.value == "recurring" and rng.random() < 0.7:
        rows["progress_reports"].append(
            {
                "id": ids.take(ProgressReport.__table__),
                "task_id": task_id,
                "period": "2026-Q1",
                "version": 1,
                "text": "Báo cáo quý I",
                "reported_by_id": clerk,
                "reported_at": _moment(date(2026, 3, 25)),
            }
        )
