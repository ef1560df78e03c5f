"""What each move leaves behind: submissions, inputs, explanations, deadline history.

Rows here are only added, or completed once (a decision on a request); a new
submission is a new version, an old deadline stays in the history.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import Base, BigId, JsonDoc, UtcDateTime
from models.org.tables import Agency, Person


def _one_undecided_per_task(name: str) -> Index:
    """A unique index over the rows of a task still waiting for a decision: the database keeps it to one, so two
    moves racing each other cannot both open one."""
    undecided = text("decision IS NULL")
    return Index(name, "task_id", unique=True, postgresql_where=undecided, sqlite_where=undecided)


class SubmissionDecision(StrEnum):
    """The review of a submitted result."""

    APPROVED = "approved"
    RETURNED = "returned"


class ExplanationDecision(StrEnum):
    """The secretariat's decision on an explanation."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ExtensionDecision(StrEnum):
    """The decision on a request for more time."""

    GRANTED = "granted"
    REFUSED = "refused"


class Submission(Base):
    """One version of a task's result, with evidence and measured KPI values, and its review."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("task_id", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    result_text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    kpi_values: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decision: Mapped[str | None] = mapped_column(String(20))  # approved | returned
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    submitted_by: Mapped[Person] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[Person | None] = relationship(foreign_keys=[reviewed_by_id])


class ProgressReport(Base):
    """A recurring task's report for one reporting period (a new version if sent again)."""

    __tablename__ = "progress_reports"
    __table_args__ = (UniqueConstraint("task_id", "period", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CoordinationRequest(Base):
    """The lead agency asks a coordinating agency for its part."""

    __tablename__ = "coordination_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    message: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    agency: Mapped[Agency] = relationship()


class CoordinationInput(Base):
    """A coordinating agency's contribution to a task."""

    __tablename__ = "coordination_inputs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    text: Mapped[str] = mapped_column(Text)
    given_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    given_at: Mapped[datetime] = mapped_column(UtcDateTime())

    agency: Mapped[Agency] = relationship()


class Explanation(Base):
    """Giải trình: requested when late or failing, submitted, then accepted or rejected."""

    __tablename__ = "explanations"
    # At most one explanation open (undecided) per task, enforced by the database against racing moves.
    __table_args__ = (_one_undecided_per_task("uq_explanations_one_open"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    text: Mapped[str | None] = mapped_column(Text)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision: Mapped[str | None] = mapped_column(String(20))  # accepted | rejected
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    new_due_date: Mapped[date | None] = mapped_column(Date)
    agency_head_name: Mapped[str | None] = mapped_column(String(200))  # who answers for a rejection

    agency: Mapped[Agency | None] = relationship()


class ExtensionRequest(Base):
    """Gia hạn: asked by the lead agency before the deadline, decided by the leader in charge."""

    __tablename__ = "extension_requests"
    # At most one pending request per task, enforced by the database: two asked at once cannot both wait.
    __table_args__ = (_one_undecided_per_task("uq_extension_requests_one_pending"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    requested_due_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decision: Mapped[str | None] = mapped_column(String(20))  # granted | refused
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DeadlineChange(Base):
    """Every change of a task's due date, so the old one is never lost."""

    __tablename__ = "deadline_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    old_due_date: Mapped[date | None] = mapped_column(Date)
    new_due_date: Mapped[date] = mapped_column(Date)
    cause: Mapped[str] = mapped_column(String(30))  # extension | explanation | upstream
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


def evidence_references(session: Session) -> set[str]:
    """Every evidence file some submission lists: those are kept for good, any other upload expires."""
    return {reference for references in session.scalars(select(Submission.evidence)) for reference in references or []}
