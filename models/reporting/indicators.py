"""A plan's indicators (chỉ tiêu) as measured by a moment: each one's latest value and whether it met its
target, and in a roll-up, one row per indicator the units share — summed by the database, not row by row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Float, ForeignKey, String, case, func, select
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime
from models.plan.tables import KpiIndicator, Plan


class KpiMeasurement(Base):
    """A measured value of a plan-level indicator (who measured it, when)."""

    __tablename__ = "kpi_measurements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("kpi_indicators.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    measured_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(500), default="")


def _measured(plan_ids: Any, moment: datetime) -> Any:
    """Each indicator of the plans with its latest value measured by `moment` (NULL if none) and whether that
    met the target (NULL if unmeasured), in the report's order (plan code, position)."""
    ranked = (
        select(
            KpiMeasurement.indicator_id,
            KpiMeasurement.value,
            func.row_number()
            .over(
                partition_by=KpiMeasurement.indicator_id,
                order_by=(KpiMeasurement.measured_at.desc(), KpiMeasurement.id.desc()),
            )
            .label("newest"),
        )
        .where(
            KpiMeasurement.indicator_id.in_(select(KpiIndicator.id).where(KpiIndicator.plan_id.in_(plan_ids))),
            KpiMeasurement.measured_at <= moment,
        )
        .subquery()
    )
    value = ranked.c.value
    met = case(
        (value.is_(None), None),
        (KpiIndicator.comparator == ">=", case((value >= KpiIndicator.target_value, 1), else_=0)),
        else_=case((value <= KpiIndicator.target_value, 1), else_=0),
    )
    return (
        select(
            Plan.code.label("plan"),
            KpiIndicator.position,
            KpiIndicator.text,
            KpiIndicator.comparator,
            KpiIndicator.target_value.label("target"),
            KpiIndicator.unit,
            KpiIndicator.measure,
            value.label("value"),
            met.label("met"),
        )
        .join(Plan, KpiIndicator.plan_id == Plan.id)
        .outerjoin(ranked, (ranked.c.indicator_id == KpiIndicator.id) & (ranked.c.newest == 1))
        .where(KpiIndicator.plan_id.in_(plan_ids))
    )


def indicators_of(
    connection: Connection, plan_ids: Any, plans: dict[str, Any], moment: datetime
) -> list[dict[str, Any]]:
    """A ward's indicators, one row each: its latest value by `moment` and whether it met the target."""
    measured = _measured(plan_ids, moment).subquery()
    query = select(measured).order_by(measured.c.plan, measured.c.position)
    return [_row(row._mapping) for row in connection.execute(query, plans)]


def indicators_summed(
    connection: Connection, plan_ids: Any, plans: dict[str, Any], moment: datetime
) -> list[dict[str, Any]]:
    """In a roll-up, one row per indicator the units share (same text, comparator, target and unit), described
    by its first plan's (by plan code and position): in how many units it stands, was measured and was met."""
    measured = _measured(plan_ids, moment).subquery()
    same = (measured.c.text, measured.c.comparator, measured.c.target, measured.c.unit)
    grouped = select(
        measured,
        func.row_number().over(partition_by=same, order_by=(measured.c.plan, measured.c.position)).label("first"),
        func.count().over(partition_by=same).label("units"),
        func.count(measured.c.value).over(partition_by=same).label("units_measured"),
        func.coalesce(func.sum(measured.c.met).over(partition_by=same), 0).label("units_met"),
    ).subquery()
    query = select(grouped).where(grouped.c.first == 1).order_by(grouped.c.plan, grouped.c.position)
    return [
        {**_row(row._mapping), "value": None, "met": None, **{k: int(row._mapping[k]) for k in _UNIT_COUNTS}}
        for row in connection.execute(query, plans)
    ]


_UNIT_COUNTS = ("units", "units_measured", "units_met")
_FIELDS = ("plan", "position", "text", "comparator", "target", "unit", "measure", "value")


def _row(found: Any) -> dict[str, Any]:
    met = found["met"]
    return {**{k: found[k] for k in _FIELDS}, "met": None if met is None else bool(met)}
