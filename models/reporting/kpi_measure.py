"""Recording a measured value of a plan indicator (audited with the person's name)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import record_event
from models.errors import ReportError
from models.plan.tables import KpiIndicator, Plan
from models.reporting.indicators import KpiMeasurement


def record_measurement(
    session: Session, *, plan_code: str, position: int, value: float, actor: str, at: datetime, note: str = ""
) -> KpiMeasurement:
    """Store a value for indicator `position` of a plan, measured at `at`."""
    indicator = session.scalars(
        select(KpiIndicator).join(Plan).where(Plan.code == plan_code, KpiIndicator.position == position)
    ).one_or_none()
    if indicator is None:
        raise ReportError(f"Kế hoạch '{plan_code}' không có chỉ tiêu số {position}.")
    measurement = KpiMeasurement(indicator_id=indicator.id, value=value, measured_at=at, recorded_by=actor, note=note)
    session.add(measurement)
    record_event(
        session,
        actor=actor,
        action="kpi.measured",
        entity_type="kpi_indicator",
        entity_key=f"{plan_code}/{position}",
        occurred_at=at,
        details={"value": value, "note": note},
    )
    return measurement
