"""What a person may see: their organization's tasks if they are its secretariat or on its Standing
Committee; otherwise only the tasks their unit leads or coordinates, or that name their title."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.lifecycle.moves import TaskNotFoundError, load_task
from models.lifecycle.roles import roles_of
from models.lifecycle.workflow import TRANSITIONS, Action, TaskStatus, allowed_actions
from models.org.tables import Agency, AgencyKind, Person
from models.plan.tables import Plan, PlanTask, PlanTaskCoordinator

NOT_VISIBLE = "Không có nhiệm vụ này trong phạm vi của bạn."  # an unknown task and another's look the same


def visible_tasks(session: Session, person: Person) -> list[tuple[PlanTask, str]]:
    """(task, plan code) a person may see, in plan order."""
    rows = session.execute(
        select(PlanTask, Plan.code)
        .join(Plan, PlanTask.plan_id == Plan.id)
        .where(Plan.organization_id == person.organization_id)
        .options(
            selectinload(PlanTask.lead_agency).selectinload(Agency.members),
            selectinload(PlanTask.leaders),
            selectinload(PlanTask.coordinators).selectinload(PlanTaskCoordinator.agency).selectinload(Agency.members),
            selectinload(PlanTask.section),
            selectinload(PlanTask.plan),
        )
        .order_by(Plan.code, PlanTask.position)
    ).all()
    whole = reads_whole_organization(person)
    return [(task, code) for task, code in rows if whole or roles_of(person, task, person.organization_id)]


def can_see(session: Session, person: Person, plan_code: str, number: str) -> bool:
    """Whether a task is visible to a person (an unknown task is simply not visible); reads that task only."""
    try:
        task, plan = load_task(session, plan_code, number)
    except TaskNotFoundError:
        return False
    return sees(person, task, plan)


def sees(person: Person, task: PlanTask, plan: Plan) -> bool:
    """The rule of `visible_tasks` for one loaded task: a role on it, within the person's own organization."""
    if reads_whole_organization(person):
        return plan.organization_id == person.organization_id
    return bool(roles_of(person, task, plan.organization_id))


def reads_whole_organization(person: Person) -> bool:
    """An upper-level system's account (a machine token) reads every task of its organization; people read by
    their roles (the secretariat's role covers every task already)."""
    return person.machine_scope is not None


def is_secretariat(person: Person) -> bool:
    """Members of the Văn phòng: they review, request explanations and compile reports."""
    return person.agency is not None and person.agency.kind == AgencyKind.SECRETARIAT.value


def sees_reports(person: Person) -> bool:
    """The secretariat, the Standing Committee and upper-level systems read the organization's compiled reports."""
    return is_secretariat(person) or person.standing_committee or reads_whole_organization(person)


def my_actions(person: Person, task: PlanTask) -> list[Action]:
    """The moves this person may make on this task now: allowed from its status and held by one of their roles."""
    roles = roles_of(person, task, person.organization_id)
    status = TaskStatus(task.status)
    return [action for action in allowed_actions(status) if TRANSITIONS[(status, action)].roles & roles]
