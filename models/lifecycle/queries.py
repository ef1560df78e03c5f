"""Reading plans back: summaries, task lists and whole documents (for export)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.errors import NotFoundError
from models.lifecycle.waiting import matches, waiting_on_many
from models.lifecycle.workflow import STATUS_LABELS_VI, TaskStatus
from models.org.directory import find_person
from models.org.tables import Agency
from models.plan.document import OrganizationRecord, PlanDocument, SectionRecord, TaskRecord
from models.plan.tables import Plan, PlanTask, PlanTaskCoordinator


class PlanNotFoundError(NotFoundError):
    """No plan has the code a person typed."""

    def __init__(self, code: str, known: list[str]) -> None:
        hint = f" Các kế hoạch đã nhập: {', '.join(known)}." if known else " Chưa nhập kế hoạch nào."
        super().__init__(f"Không có kế hoạch mã '{code}'.{hint}")


def _task_options() -> list[Any]:
    return [
        selectinload(PlanTask.section),
        selectinload(PlanTask.lead_agency),
        selectinload(PlanTask.leaders),
        selectinload(PlanTask.coordinators).selectinload(PlanTaskCoordinator.agency),
    ]


def get_plan(session: Session, code: str) -> Plan:
    """The plan with this code, with its tasks loaded, or a `PlanNotFoundError`."""
    plan = session.scalars(
        select(Plan)
        .where(Plan.code == code)
        .options(
            selectinload(Plan.organization),
            selectinload(Plan.sections),
            selectinload(Plan.indicators),
            selectinload(Plan.tasks).options(*_task_options()),
        )
    ).one_or_none()
    if plan is None:
        raise PlanNotFoundError(code, list(session.scalars(select(Plan.code).order_by(Plan.code))))
    return plan


def task_view(task: PlanTask, plan_code: str, waiting_on: list[str] | None = None) -> dict[str, Any]:
    """One task as the CLI and API show it (the public JSON shape of a task)."""
    return {
        "plan": plan_code,
        "number": task.number,
        "status": task.status,
        "status_vi": STATUS_LABELS_VI[TaskStatus(task.status)],
        "version": task.version,
        "waiting_on": waiting_on if waiting_on is not None else [],
        "section": task.section.number if task.section else None,
        "description": task.description,
        "leaders": [leader.title for leader in task.leaders],
        "lead_agency": task.lead_agency.name if task.lead_agency else None,
        "coordinating_agencies": [c.agency.name for c in task.coordinators],
        "expected_result": task.expected_result,
        "kpi_text": task.kpi_text,
        "deadline": {
            "text": task.deadline_text,
            "kind": task.deadline_kind,
            "due_date": task.due_date.isoformat() if task.due_date else None,
            "tentative": task.deadline_tentative,
            "checkpoints": task.deadline_checkpoints,
            "upstream_body": task.upstream_body,
            "event": task.awaited_event,
            "start": task.deadline_start.isoformat() if task.deadline_start else None,
            "rule": task.deadline_rule,
        },
        "notes": task.notes,
        "classified": task.classified,
    }


def plan_view(plan: Plan) -> dict[str, Any]:
    """A plan's header and counts (the JSON shape of `planflow plan show`)."""
    by_kind = Counter(t.deadline_kind for t in plan.tasks)
    by_section = Counter(t.section.number if t.section else "" for t in plan.tasks)
    by_lead = Counter(t.lead_agency.name if t.lead_agency else "" for t in plan.tasks)
    return {
        "code": plan.code,
        "title": plan.title,
        "year": plan.year,
        "organization": {"code": plan.organization.code, "name": plan.organization.name},
        "issuing_body": plan.issuing_body,
        "document_number": plan.document_number,
        "source": {"name": plan.source_name, "format": plan.source_format},
        "tasks": len(plan.tasks),
        "sections": [
            {"number": s.number, "title": s.title, "tasks": by_section.get(s.number, 0)} for s in plan.sections
        ],
        "tasks_by_deadline_kind": dict(sorted(by_kind.items())),
        "tasks_by_lead_agency": dict(by_lead.most_common()),
        "indicators": [
            {
                "text": i.text,
                "comparator": i.comparator,
                "target": i.target_value,
                "unit": i.unit,
                "measure": i.measure,
                "baseline": i.baseline_value,
            }
            for i in plan.indicators
        ],
    }


def list_tasks(
    session: Session,
    *,
    plan_code: str | None = None,
    waiting_on: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """Tasks of one plan or all, in plan order; optionally only those waiting on a unit, title or person."""
    query = (
        select(PlanTask, Plan.code)
        .join(Plan, PlanTask.plan_id == Plan.id)
        .options(*_task_options(), selectinload(PlanTask.plan))
        .order_by(Plan.code, PlanTask.position)
    )
    if plan_code is not None:
        get_plan(session, plan_code)  # a clear error for an unknown code
        query = query.where(Plan.code == plan_code)
    if status is not None:
        TaskStatus(status)  # a clear error for an unknown status
        query = query.where(PlanTask.status == status)
    rows = list(session.execute(query))
    waits = waiting_on_many(session, [task for task, _ in rows])
    wanted = _waiting_names(session, waiting_on) if waiting_on else None
    return [
        task_view(task, code, waits[task.id])
        for task, code in rows
        if wanted is None or any(matches(waits[task.id], name) for name in wanted)
    ]


def _waiting_names(session: Session, who: str) -> list[str]:
    """A unit or title as typed, or, for an e-mail, the person's agency and title."""
    if "@" not in who:
        return [who]
    person = find_person(session, who)
    return [name for name in (person.agency.name if person.agency else None, person.title) if name]


def load_document(session: Session, code: str) -> PlanDocument:
    """A stored plan as a document, for export to YAML, Excel or Word."""
    plan = get_plan(session, code)
    org = plan.organization
    parent = org.parent
    return PlanDocument(
        code=plan.code,
        title=plan.title,
        year=plan.year,
        organization=OrganizationRecord(
            code=org.code,
            name=org.name,
            level=org.level,
            place_name=org.place_name,
            parent_code=parent.code if parent else None,
            parent_name=parent.name if parent else None,
            parent_level=parent.level if parent else None,
        ),
        issuing_body=plan.issuing_body,
        document_number=plan.document_number,
        source_name=plan.source_name,
        source_format=plan.source_format,
        sections=[SectionRecord(s.number, s.title) for s in plan.sections],
        tasks=[_task_record(t) for t in plan.tasks],
        indicators=[i.text for i in plan.indicators],
    )


def _task_record(task: PlanTask) -> TaskRecord:
    return TaskRecord(
        number=task.number,
        section=task.section.number if task.section else None,
        description=task.description,
        leaders=[leader.title for leader in task.leaders],
        lead_agency=task.lead_agency.name if task.lead_agency else None,
        coordinating_agencies=[c.agency.name for c in task.coordinators],
        expected_result=task.expected_result,
        kpi_text=task.kpi_text,
        deadline=task.deadline_text,
        notes=task.notes,
        classified=task.classified,
    )


def agency_names(session: Session, organization_id: int) -> list[str]:
    """Names of an organization's agencies, sorted (for listings and checks)."""
    return list(
        session.scalars(select(Agency.name).where(Agency.organization_id == organization_id).order_by(Agency.name))
    )
