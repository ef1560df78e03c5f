"""A task with its whole history: moves, result versions, inputs, explanations, deadlines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import AuditEvent
from models.lifecycle.moves import load_task
from models.lifecycle.queries import task_view
from models.lifecycle.tables import (
    CoordinationInput,
    CoordinationRequest,
    DeadlineChange,
    Explanation,
    ExtensionRequest,
    ProgressReport,
    Submission,
)
from models.lifecycle.waiting import waiting_on_many


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def task_history(session: Session, plan_code: str, number: str) -> dict[str, Any]:
    """The JSON shape of `planflow task show` and of the API's task page."""
    task, plan = load_task(session, plan_code, number)
    view = task_view(task, plan.code, waiting_on_many(session, [task])[task.id])

    def rows(model: Any) -> list[Any]:
        return list(session.scalars(select(model).where(model.task_id == task.id).order_by(model.id)))

    events = session.scalars(
        select(AuditEvent).where(AuditEvent.entity_key == f"{plan.code}/{task.number}").order_by(AuditEvent.id)
    )
    view["history"] = [
        {
            "at": _iso(e.occurred_at),
            "actor": e.actor,
            "action": e.action.removeprefix("task."),
            "from": e.details.get("from"),
            "to": e.details.get("to"),
            "given": e.details.get("given", {}),
            "channel": e.channel,
        }
        for e in events
    ]
    view["submissions"] = [
        {
            "version": s.version,
            "result": s.result_text,
            "evidence": s.evidence,
            "kpi_values": s.kpi_values,
            "submitted_at": _iso(s.submitted_at),
            "decision": s.decision,
            "comment": s.review_comment,
        }
        for s in rows(Submission)
    ]
    view["progress_reports"] = [
        {"period": r.period, "version": r.version, "text": r.text, "at": _iso(r.reported_at)}
        for r in rows(ProgressReport)
    ]
    view["coordination_requests"] = [
        {
            "agency": r.agency.name,
            "members": [member.name for member in r.agency.members],  # a group's units, each asked
            "message": r.message,
            "requested_at": _iso(r.requested_at),
            "answered_at": _iso(r.answered_at),
        }
        for r in rows(CoordinationRequest)
    ]
    view["coordination_inputs"] = [
        {"agency": i.agency.name, "text": i.text, "at": _iso(i.given_at)} for i in rows(CoordinationInput)
    ]
    view["explanations"] = [
        {
            "reason": x.reason,
            "text": x.text,
            "decision": x.decision,
            "new_due_date": _iso(x.new_due_date),
            "agency_head": x.agency_head_name,
            "requested_at": _iso(x.requested_at),
        }
        for x in rows(Explanation)
    ]
    view["extension_requests"] = [
        {"requested_due_date": _iso(r.requested_due_date), "reason": r.reason, "decision": r.decision}
        for r in rows(ExtensionRequest)
    ]
    view["deadline_changes"] = [
        {"old": _iso(c.old_due_date), "new": _iso(c.new_due_date), "cause": c.cause, "note": c.note}
        for c in rows(DeadlineChange)
    ]
    return view
