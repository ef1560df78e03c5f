"""One Prefect flow per step of a task's life; each reads like the sentence of the plan it carries out.

Every flow names its run after the step and the task and tags it with the plan, the
task, the lead agency and the step, so filtering the UI by `task:<plan>/<number>`
shows the task's whole life. A retried run reuses its idempotency key and acts once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from prefect import Flow, flow, get_run_logger
from prefect.runtime import flow_run
from pydantic import SecretStr

from models.lifecycle import MoveRequest
from models.workflow import Action
from runtime.channel import current_channel
from runtime.prefect_run import label_current_run, started_from_deployment
from tasks.lifecycle import apply_task_move, assign_plan_tasks, prove_actor, task_tags


def _move(
    step: str,
    action: Action,
    plan: str,
    task: str,
    actor: str,
    payload: dict[str, Any],
    idempotency_key: str | None,
    at: datetime | None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    key = idempotency_key or f"flow-run:{flow_run.id}:{action.value}"
    from_deployment = started_from_deployment()
    channel, os_user = current_channel(from_deployment=from_deployment)
    # named and tagged first (one update): a run refused below still shows which task it was for
    label_current_run(f"{step} {plan}/{task}", [*task_tags(plan, task, step), f"channel:{channel}"])
    if from_deployment:  # the Prefect UI or a program: the actor named must prove it is them
        prove_actor(flow_run.parameters.get("personal_token"), actor)
    request = MoveRequest(
        plan, task, action, actor, payload, key, expected_version=expected_version, channel=channel, os_user=os_user
    )
    result = apply_task_move(request, at)
    get_run_logger().info(
        "%s %s/%s: %s → %s by %s; %d notifications queued%s",
        step,
        plan,
        task,
        result.from_status,
        result.to_status,
        result.actor,
        result.notifications,
        " (repeated: nothing done)" if result.repeated else "",
    )
    return result.to_dict()


@flow(name="task-assign")
def assign_task(
    plan: str,
    task: str,
    actor: str,
    related: list[str] | None = None,
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The secretariat assigns a task to its lead agency, naming the agencies behind "các cơ quan liên quan"
    when the directory does not."""
    payload = {"related": related} if related else {}
    return _move("assign", Action.ASSIGN, plan, task, actor, payload, idempotency_key, at, expected_version)


@flow(name="plan-assign-all")
def assign_plan(
    plan: str,
    actor: str,
    at: datetime | None = None,
    related: list[str] | None = None,
    personal_token: SecretStr | None = None,
    numbers: list[str] | None = None,
) -> dict[str, Any]:
    """The secretariat assigns every task of an imported plan at once, or the chosen `numbers` (one run, one
    transaction); `related` names the agencies behind "các cơ quan liên quan" where the directory does not."""
    label_current_run(f"assign all {plan}", [f"plan:{plan}", "step:assign"])
    from_deployment = started_from_deployment()
    if from_deployment:
        prove_actor(flow_run.parameters.get("personal_token"), actor)
    channel = current_channel(from_deployment=from_deployment)
    outcome = assign_plan_tasks(plan, actor, f"flow-run:{flow_run.id}", at, related, channel, only=numbers)
    made = [r for r in outcome.moves if not r.repeated]
    notified = sum(r.notifications for r in made)
    logger = get_run_logger()
    logger.info("Assigned %d tasks of %s; %d notifications queued", len(made), plan, notified)
    for number, reason in outcome.refused.items():
        logger.warning("Task %s/%s not assigned: %s", plan, number, reason)
    return {
        "plan": plan,
        "assigned": len(made),
        "notifications": notified,
        "tasks": [r.task_number for r in outcome.moves],
        "refused": outcome.refused,
    }


@flow(name="task-acknowledge")
def acknowledge_task(
    plan: str,
    task: str,
    actor: str,
    note: str = "",
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The lead agency acknowledges the task it was given."""
    return _move(
        "acknowledge", Action.ACKNOWLEDGE, plan, task, actor, {"note": note}, idempotency_key, at, expected_version
    )


@flow(name="task-request-coordination")
def request_coordination(
    plan: str,
    task: str,
    actor: str,
    message: str = "",
    agencies: list[str] | None = None,
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The lead agency asks its coordinating agencies (all, or those named) for their part."""
    payload = {"message": message, "agencies": agencies or []}
    return _move(
        "request-coordination",
        Action.REQUEST_COORDINATION,
        plan,
        task,
        actor,
        payload,
        idempotency_key,
        at,
        expected_version,
    )


@flow(name="task-give-input")
def give_coordination_input(
    plan: str,
    task: str,
    actor: str,
    text: str,
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """A coordinating agency gives its input to the lead agency."""
    return _move(
        "give-input", Action.GIVE_INPUT, plan, task, actor, {"text": text}, idempotency_key, at, expected_version
    )


@flow(name="task-submit")
def submit_result(
    plan: str,
    task: str,
    actor: str,
    result: str,
    evidence: list[str] | None = None,
    kpi_values: dict[str, float] | None = None,
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The lead agency submits its result, with evidence and measured KPI values (a new version each time)."""
    payload = {"result": result, "evidence": evidence or [], "kpi_values": kpi_values or {}}
    return _move("submit", Action.SUBMIT, plan, task, actor, payload, idempotency_key, at, expected_version)


@flow(name="task-report-progress")
def submit_progress(
    plan: str,
    task: str,
    actor: str,
    period: str,
    text: str,
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The lead agency of a recurring task reports its progress for a period (YYYY-MM or YYYY-Qn)."""
    payload = {"period": period, "text": text}
    return _move(
        "report-progress", Action.SUBMIT_PROGRESS, plan, task, actor, payload, idempotency_key, at, expected_version
    )


@flow(name="task-review")
def review_result(
    plan: str,
    task: str,
    actor: str,
    decision: Literal["approve", "return"],
    comment: str = "",
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The secretariat approves the result, or returns it with comments for a new version."""
    action = Action.APPROVE if decision == "approve" else Action.RETURN
    return _move("review", action, plan, task, actor, {"comment": comment}, idempotency_key, at, expected_version)


@flow(name="task-request-explanation")
def request_explanation(
    plan: str,
    task: str,
    actor: str,
    reason: str,
    failing: bool = False,
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The secretariat demands an explanation (giải trình) of a late or failing task."""
    payload = {"reason": reason, "failing": failing}
    return _move(
        "request-explanation",
        Action.REQUEST_EXPLANATION,
        plan,
        task,
        actor,
        payload,
        idempotency_key,
        at,
        expected_version,
    )


@flow(name="task-submit-explanation")
def submit_explanation(
    plan: str,
    task: str,
    actor: str,
    text: str,
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The lead agency submits its explanation."""
    return _move(
        "submit-explanation",
        Action.SUBMIT_EXPLANATION,
        plan,
        task,
        actor,
        {"text": text},
        idempotency_key,
        at,
        expected_version,
    )


@flow(name="task-decide-explanation")
def decide_explanation(
    plan: str,
    task: str,
    actor: str,
    decision: Literal["accept", "reject"],
    comment: str = "",
    new_due_date: date | None = None,
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The leader in charge or the Standing Committee accepts (new deadline) or rejects the explanation."""
    action = Action.ACCEPT_EXPLANATION if decision == "accept" else Action.REJECT_EXPLANATION
    payload: dict[str, Any] = {"comment": comment}
    if new_due_date is not None:
        payload["new_due_date"] = new_due_date
    return _move("decide-explanation", action, plan, task, actor, payload, idempotency_key, at, expected_version)


@flow(name="task-request-extension")
def request_extension(
    plan: str,
    task: str,
    actor: str,
    new_due_date: date,
    reason: str,
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The lead agency asks, before the deadline, for a later one (gia hạn)."""
    payload = {"new_due_date": new_due_date, "reason": reason}
    return _move(
        "request-extension", Action.REQUEST_EXTENSION, plan, task, actor, payload, idempotency_key, at, expected_version
    )


@flow(name="task-decide-extension")
def decide_extension(
    plan: str,
    task: str,
    actor: str,
    decision: Literal["grant", "refuse"],
    comment: str = "",
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The leader in charge grants or refuses the extension asked for."""
    action = Action.GRANT_EXTENSION if decision == "grant" else Action.REFUSE_EXTENSION
    return _move(
        "decide-extension", action, plan, task, actor, {"comment": comment}, idempotency_key, at, expected_version
    )


@flow(name="task-set-deadline")
def set_deadline(
    plan: str,
    task: str,
    actor: str,
    new_due_date: date,
    comment: str = "",
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The secretariat records the date an upper body set for a task that waited on it."""
    payload = {"new_due_date": new_due_date, "comment": comment}
    return _move("set-deadline", Action.SET_DEADLINE, plan, task, actor, payload, idempotency_key, at, expected_version)


@flow(name="task-cancel")
def cancel_task(
    plan: str,
    task: str,
    actor: str,
    reason: str,
    idempotency_key: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
    personal_token: SecretStr | None = None,
) -> dict[str, Any]:
    """The Standing Committee cancels a task, with the reason."""
    return _move("cancel", Action.CANCEL, plan, task, actor, {"reason": reason}, idempotency_key, at, expected_version)


STEP_FLOWS: dict[str, Flow[..., dict[str, Any]]] = {
    "assign": assign_task,
    "acknowledge": acknowledge_task,
    "request-coordination": request_coordination,
    "give-input": give_coordination_input,
    "submit": submit_result,
    "report-progress": submit_progress,
    "review": review_result,
    "request-explanation": request_explanation,
    "submit-explanation": submit_explanation,
    "decide-explanation": decide_explanation,
    "request-extension": request_extension,
    "decide-extension": decide_extension,
    "set-deadline": set_deadline,
    "cancel": cancel_task,
}
