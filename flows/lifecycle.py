"""One Prefect flow per step of a task's life; each reads like the sentence of the plan it carries out.

Every flow names its run after the step and the task and tags it with the plan, the
task, the lead agency and the step, so filtering the UI by `task:<plan>/<number>`
shows the task's whole life. A retried run reuses its idempotency key and acts once.
"""

from __future__ import annotations

import inspect
from datetime import datetime
from typing import Any, Literal

from prefect import Flow, flow, get_run_logger
from prefect.runtime import flow_run
from pydantic import SecretStr

from models.lifecycle.inputs import (
    AcknowledgeInput,
    AssignInput,
    CancelInput,
    DecideExplanationInput,
    DecideExtensionInput,
    GiveInputInput,
    ReportProgressInput,
    RequestCoordinationInput,
    RequestExplanationInput,
    RequestExtensionInput,
    ReviewInput,
    SetDeadlineInput,
    StepInput,
    SubmitExplanationInput,
    SubmitInput,
)
from models.lifecycle.moves import MoveRequest
from models.lifecycle.workflow import Action
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
    get_run_logger().info("%s", result.log_line(step))
    return result.to_dict()


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


_HEAD = ("plan", "task", "actor")
# every step also takes these; a retried run reuses its idempotency key, the Prefect UI proves its actor by token
_TAIL: tuple[tuple[str, Any], ...] = (
    ("idempotency_key", str | None),
    ("at", datetime | None),
    ("expected_version", int | None),
    ("personal_token", SecretStr | None),
)


def _signature(model: type[StepInput]) -> inspect.Signature:
    """The step flow's parameters: who and which task, the decision of a deciding step, the model's fields
    (those without a default first, as Python wants), then the run's own keys."""
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    head = [inspect.Parameter(name, kind, annotation=str) for name in _HEAD]
    if model.decisions:
        head.append(inspect.Parameter("decision", kind, annotation=Literal[tuple(model.decisions)]))
    fields = sorted(model.model_fields.items(), key=lambda item: not item[1].is_required())
    given = [
        inspect.Parameter(
            name,
            kind,
            annotation=info.rebuild_annotation(),
            default=inspect.Parameter.empty if info.is_required() else info.get_default(call_default_factory=True),
        )
        for name, info in fields
    ]
    tail = [inspect.Parameter(name, kind, annotation=annotation, default=None) for name, annotation in _TAIL]
    return inspect.Signature(head + given + tail, return_annotation=dict[str, Any])


def _docstring(model: type[StepInput]) -> str:
    """The model's sentence, and each field's label as its description (the Prefect UI shows it in the form)."""
    lines = [inspect.cleandoc(model.__doc__ or model.label_vi), "", "Args:"]
    if model.decisions:
        words = ", ".join(f"{code} ({d.word_vi})" for code, d in model.decisions.items())
        lines.append(f"    decision: {words}")
    lines += [f"    {name}: {info.title or name}" for name, info in model.model_fields.items()]
    return "\n".join(lines)


def step_flow(model: type[StepInput], name: str) -> Flow[..., dict[str, Any]]:
    """The Prefect flow of one step, its parameters read from the step's input model: a field added to the model
    is a parameter of the flow, and so of its form in the Prefect UI."""
    signature = _signature(model)

    def run_step(*args: Any, **kwargs: Any) -> dict[str, Any]:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        given = bound.arguments
        inputs = model.model_validate({field: given[field] for field in model.model_fields})
        action = model.action_for(given.get("decision"))
        return _move(
            model.step,
            action,
            given["plan"],
            given["task"],
            given["actor"],
            inputs.payload(),
            given["idempotency_key"],
            given["at"],
            given["expected_version"],
        )

    run_step.__signature__ = signature  # type: ignore[attr-defined]
    run_step.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()} | {
        "return": dict[str, Any]
    }
    run_step.__name__ = run_step.__qualname__ = name  # the deployment's entrypoint names it
    run_step.__doc__ = _docstring(model)
    description = " ".join((model.__doc__ or model.label_vi).split())
    return flow(name=f"task-{model.step}", description=description)(run_step)


assign_task = step_flow(AssignInput, "assign_task")
acknowledge_task = step_flow(AcknowledgeInput, "acknowledge_task")
request_coordination = step_flow(RequestCoordinationInput, "request_coordination")
give_coordination_input = step_flow(GiveInputInput, "give_coordination_input")
submit_result = step_flow(SubmitInput, "submit_result")
submit_progress = step_flow(ReportProgressInput, "submit_progress")
review_result = step_flow(ReviewInput, "review_result")
request_explanation = step_flow(RequestExplanationInput, "request_explanation")
submit_explanation = step_flow(SubmitExplanationInput, "submit_explanation")
decide_explanation = step_flow(DecideExplanationInput, "decide_explanation")
request_extension = step_flow(RequestExtensionInput, "request_extension")
decide_extension = step_flow(DecideExtensionInput, "decide_extension")
set_deadline = step_flow(SetDeadlineInput, "set_deadline")
cancel_task = step_flow(CancelInput, "cancel_task")


STEP_FLOWS: dict[str, Flow[..., dict[str, Any]]] = {
    step.name.removeprefix("task-"): step
    for step in (
        assign_task,
        acknowledge_task,
        request_coordination,
        give_coordination_input,
        submit_result,
        submit_progress,
        review_result,
        request_explanation,
        submit_explanation,
        decide_explanation,
        request_extension,
        decide_extension,
        set_deadline,
        cancel_task,
    )
}
