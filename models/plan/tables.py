"""Plans (Kế hoạch), their sections and tasks (Nhiệm vụ), as stored."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, BigId, JsonDoc, Timestamped, UtcDateTime
from models.org.names import agency_key
from models.org.tables import Agency, Organization
from models.plan.deadlines import DeadlineKind

_DEADLINE_KINDS = ", ".join(f"'{k.value}'" for k in DeadlineKind)


class Plan(Timestamped, Base):
    """One annual plan of an organization, identified by its code."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    issuing_body: Mapped[str | None] = mapped_column(String(300))
    document_number: Mapped[str | None] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    source_name: Mapped[str | None] = mapped_column(String(300))
    source_format: Mapped[str | None] = mapped_column(String(30))

    organization: Mapped[Organization] = relationship()
    sections: Mapped[list[PlanSection]] = relationship(
        back_populates="plan", order_by="PlanSection.position", cascade="all, delete-orphan"
    )
    tasks: Mapped[list[PlanTask]] = relationship(
        back_populates="plan", order_by="PlanTask.position", cascade="all, delete-orphan"
    )
    indicators: Mapped[list[KpiIndicator]] = relationship(
        back_populates="plan", order_by="KpiIndicator.position", cascade="all, delete-orphan"
    )


class PlanSection(Base):
    """A numbered part of the appendix (I., II., …) grouping tasks."""

    __tablename__ = "plan_sections"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    plan: Mapped[Plan] = relationship(back_populates="sections")


class PlanTask(Timestamped, Base):
    """One row of the appendix: what, who leads, who helps, what result, by when."""

    __tablename__ = "plan_tasks"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        CheckConstraint(f"deadline_kind IN ({_DEADLINE_KINDS})", name="deadline_kind_known"),
        CheckConstraint("length(description) > 0", name="description_not_empty"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("plan_sections.id", ondelete="SET NULL"))
    number: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    expected_result: Mapped[str] = mapped_column(Text, default="")
    kpi_text: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    deadline_text: Mapped[str] = mapped_column(Text, default="")
    deadline_kind: Mapped[str] = mapped_column(String(20), default=DeadlineKind.UNKNOWN.value)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    deadline_tentative: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline_checkpoints: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    deadline_start: Mapped[date | None] = mapped_column(Date)  # a range's beginning ("Quý II-III": 1 April)
    deadline_rule: Mapped[str | None] = mapped_column(String(200))  # a recurring duty's RFC 5545 rule
    upstream_body: Mapped[str | None] = mapped_column(String(300))
    awaited_event: Mapped[str | None] = mapped_column(Text)
    classified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(30), default="imported", server_default="imported", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    section: Mapped[PlanSection | None] = relationship()
    lead_agency: Mapped[Agency | None] = relationship()
    leaders: Mapped[list[PlanTaskLeader]] = relationship(
        order_by="PlanTaskLeader.position", cascade="all, delete-orphan"
    )
    coordinators: Mapped[list[PlanTaskCoordinator]] = relationship(
        order_by="PlanTaskCoordinator.position", cascade="all, delete-orphan"
    )

    # Two people acting at once: the second UPDATE matches no row and fails ("changed meanwhile").
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy reads it)


class PlanTaskLeader(Base):
    """A leader in charge of a task (Đồng chí lãnh đạo phụ trách), by title."""

    __tablename__ = "plan_task_leaders"

    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    title_key: Mapped[str | None] = mapped_column(String(200), index=True)  # agency_key(title), as Person's

    @validates("title")
    def _keep_title_key(self, _name: str, title: str) -> str:
        self.title_key = agency_key(title)
        return title


class PlanTaskCoordinator(Base):
    """A coordinating agency of a task (cơ quan phối hợp)."""

    __tablename__ = "plan_task_coordinators"

    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)

    agency: Mapped[Agency] = relationship()


class KpiIndicator(Base):
    """A plan-level key result ("Tối thiểu 80% …") with its measurable target."""

    __tablename__ = "kpi_indicators"
    __table_args__ = (
        UniqueConstraint("plan_id", "position"),
        CheckConstraint("comparator IN ('>=', '<=', '=')", name="comparator_known"),
        CheckConstraint("measure IN ('level', 'reduction', 'increase')", name="measure_known"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    comparator: Mapped[str] = mapped_column(String(2))
    target_value: Mapped[float] = mapped_column()
    unit: Mapped[str] = mapped_column(String(20))
    measure: Mapped[str] = mapped_column(String(20))
    baseline_value: Mapped[float | None] = mapped_column()

    plan: Mapped[Plan] = relationship(back_populates="indicators")
