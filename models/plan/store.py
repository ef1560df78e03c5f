"""Storing a plan document: validate everything, then write it in one transaction.

Re-importing a plan with the same code updates it in place: sections and tasks are
matched by number, agencies by their normalized name, so nothing is duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.audit import record_event
from models.org.groups import refresh_groups
from models.org.names import agency_key, agency_kind, display_name
from models.org.tables import Agency, Organization
from models.plan.deadlines import parse_deadline
from models.plan.document import OrganizationRecord, PlanDocument, TaskRecord, validate
from models.plan.kpi import parse_indicator
from models.plan.tables import (
    KpiIndicator,
    Plan,
    PlanSection,
    PlanTask,
    PlanTaskCoordinator,
    PlanTaskLeader,
)


@dataclass(frozen=True)
class SaveResult:
    """What an import did, for the CLI's JSON and the flow's log."""

    plan_id: int
    code: str
    created: bool
    tasks: int
    tasks_added: int
    tasks_updated: int
    tasks_removed: int
    indicators: int

    def to_dict(self) -> dict[str, object]:
        """The public JSON shape of `planflow plan import --json`."""
        return {
            "code": self.code,
            "tasks": self.tasks,
            "created": self.created,
            "tasks_added": self.tasks_added,
            "tasks_updated": self.tasks_updated,
            "tasks_removed": self.tasks_removed,
            "indicators": self.indicators,
        }


def save_plan(session: Session, *, document: PlanDocument, actor: str, now: datetime) -> SaveResult:
    """Write a plan (new or re-imported) and its audit event; raises before writing if invalid."""
    validate(document)
    organization = _organization(session, document.organization)
    plan = session.scalars(
        select(Plan).where(Plan.code == document.code).options(selectinload(Plan.tasks))
    ).one_or_none()
    created = plan is None
    if plan is None:
        plan = Plan(code=document.code, organization=organization, year=document.year, title=document.title)
        session.add(plan)
    _plan_fields(plan, document, organization)
    agencies = _AgencyBook(session, organization)
    sections = _sync_sections(session, plan, document)
    added, updated, removed = _sync_tasks(session, plan, document, sections, agencies)
    _sync_indicators(plan, document)
    session.flush()
    refresh_groups(session, organization.id)  # the plan may name new units or groups
    record_event(
        session,
        actor=actor,
        action="plan.imported" if created else "plan.reimported",
        entity_type="plan",
        entity_key=plan.code,
        occurred_at=now,
        details={
            "source": document.source_name,
            "format": document.source_format,
            "tasks": len(document.tasks),
            "added": added,
            "updated": updated,
            "removed": removed,
        },
    )
    return SaveResult(plan.id, plan.code, created, len(document.tasks), added, updated, removed, len(plan.indicators))


def _organization(session: Session, record: OrganizationRecord) -> Organization:
    parent = None
    if record.parent_code:
        parent = _get_or_create_org(
            session,
            record.parent_code,
            record.parent_name or record.parent_code,
            record.parent_level or "province",
            None,
            None,
        )
    return _get_or_create_org(session, record.code, record.name, record.level, record.place_name, parent)


def _get_or_create_org(
    session: Session, code: str, name: str, level: str, place: str | None, parent: Organization | None
) -> Organization:
    org = session.scalars(select(Organization).where(Organization.code == code)).one_or_none()
    if org is None:
        org = Organization(code=code, name=name, level=level)
        session.add(org)
    org.name = name
    org.level = level
    if place:
        org.place_name = place
    if parent is not None:
        org.parent = parent
    return org


def _plan_fields(plan: Plan, document: PlanDocument, organization: Organization) -> None:
    plan.organization = organization
    plan.title = document.title
    plan.year = document.year
    plan.issuing_body = document.issuing_body
    plan.document_number = document.document_number
    plan.source_name = document.source_name
    plan.source_format = document.source_format


class _AgencyBook:
    """Agencies of one organization by normalized name, created on first mention."""

    def __init__(self, session: Session, organization: Organization) -> None:
        self._session = session
        self._organization = organization
        existing: list[Agency] = []
        if organization.id is not None:
            existing = list(session.scalars(select(Agency).where(Agency.organization_id == organization.id)))
        self._by_key = {a.name_key: a for a in existing}

    def get(self, name: str) -> Agency:
        key = agency_key(name)
        agency = self._by_key.get(key)
        if agency is None:
            agency = Agency(
                organization=self._organization,
                name=display_name(name),
                name_key=key,
                kind=agency_kind(name).value,
            )
            self._session.add(agency)
            self._by_key[key] = agency
        return agency


def _sync_sections(session: Session, plan: Plan, document: PlanDocument) -> dict[str, PlanSection]:
    existing = {s.number: s for s in plan.sections}
    kept: dict[str, PlanSection] = {}
    for position, record in enumerate(document.sections, start=1):
        section = existing.pop(record.number, None) or PlanSection(number=record.number)
        section.title = record.title
        section.position = position
        kept[record.number] = section
    plan.sections = list(kept.values())
    return kept


def _sync_tasks(
    session: Session,
    plan: Plan,
    document: PlanDocument,
    sections: dict[str, PlanSection],
    agencies: _AgencyBook,
) -> tuple[int, int, int]:
    existing = {t.number: t for t in plan.tasks}
    tasks: list[PlanTask] = []
    added = 0
    for position, record in enumerate(document.tasks, start=1):
        task = existing.pop(record.number, None)
        if task is None:
            task = PlanTask(number=record.number)
            added += 1
        _task_fields(task, record, position, sections, agencies, document.year)
        tasks.append(task)
    removed = len(existing)
    plan.tasks = tasks
    return added, len(tasks) - added, removed


def _task_fields(
    task: PlanTask,
    record: TaskRecord,
    position: int,
    sections: dict[str, PlanSection],
    agencies: _AgencyBook,
    year: int | None = None,
) -> None:
    deadline = parse_deadline(record.deadline, year=year)
    task.position = position
    task.section = sections.get(record.section) if record.section else None
    task.description = record.description
    task.lead_agency = agencies.get(record.lead_agency) if record.lead_agency else None
    task.expected_result = record.expected_result
    task.kpi_text = record.kpi_text
    task.notes = record.notes
    task.classified = record.classified
    task.deadline_text = deadline.text
    task.deadline_kind = deadline.kind.value
    task.due_date = deadline.due_date
    task.deadline_tentative = deadline.tentative
    task.deadline_checkpoints = [d.isoformat() for d in deadline.checkpoints]
    task.deadline_start = deadline.start
    task.deadline_rule = deadline.rule
    task.upstream_body = deadline.upstream_body
    task.awaited_event = deadline.event
    task.leaders = [PlanTaskLeader(position=i, title=title) for i, title in enumerate(record.leaders, start=1)]
    coordinators: dict[int | str, PlanTaskCoordinator] = {}
    for i, name in enumerate(record.coordinating_agencies, start=1):
        agency = agencies.get(name)
        coordinators.setdefault(agency.name_key, PlanTaskCoordinator(agency=agency, position=i))
    task.coordinators = list(coordinators.values())


def _sync_indicators(plan: Plan, document: PlanDocument) -> None:
    """Indicators by position; existing rows are reused so the (plan, position) key never clashes."""
    specs = [spec for spec in map(parse_indicator, document.indicators) if spec is not None]
    rows = list(plan.indicators)
    for position, spec in enumerate(specs, start=1):
        if position > len(rows):
            rows.append(KpiIndicator(position=position))
        row = rows[position - 1]
        row.text = spec.text
        row.subject = spec.subject
        row.comparator = spec.comparator
        row.target_value = spec.target_value
        row.unit = spec.unit
        row.measure = spec.measure
    plan.indicators = rows[: len(specs)]
