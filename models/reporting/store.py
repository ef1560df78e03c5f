"""The database as the record of compiled reports: one report per organization and period (a unique index),
stored with the message that announces it in one transaction. A re-run of a batch asks which organizations
already have theirs and compiles only the rest, so a crash at any point and a re-run give every organization
exactly one report."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.lifecycle.recipients import report_readers
from models.org.tables import Organization
from models.outbox.tables import queue_notification
from models.plan.tables import Plan
from models.reporting.figures import StoredReport


def store_report(session: Session, figures: dict[str, Any], files: list[str], now: datetime) -> int:
    """Keep the report (recompiling replaces it) and queue its message to the Văn phòng and the Standing
    Committee; unchanged figures are not sent twice. Returns how many messages were queued."""
    digest = hashlib.sha256(json.dumps(figures["totals"], sort_keys=True).encode()).hexdigest()[:16]
    org = session.scalars(select(Organization).where(Organization.code == figures["organization_code"])).one()
    session.execute(
        delete(StoredReport).where(StoredReport.organization_id == org.id, StoredReport.period == figures["period"])
    )
    session.add(StoredReport(organization_id=org.id, period=figures["period"], figures=figures, files=files))
    context = {
        "period_label": figures["period_label"],
        "files": [Path(f).name for f in files],
        "totals": figures["totals"],
        "actor": "Văn phòng",
    }
    office, standing = report_readers(session, org)
    targets: list[tuple[str, int | None, int | None]] = [("agency", office.id if office else None, None)]
    targets += [("person", None, p.id) for p in standing]
    queued = 0
    for kind, agency_id, person_id in targets:
        if agency_id is None and person_id is None:
            continue
        queued += queue_notification(
            session,
            key=f"report:{org.code}:{figures['period']}:{digest}:{kind}:{agency_id or person_id}",
            template="report_compiled",
            queued_at=now,
            agency_id=agency_id,
            person_id=person_id,
            context=context,
        )
    return queued


def organizations_with_plans(session: Session) -> list[str]:
    """The organizations a scheduled compilation covers: every one with a plan of its own, by code."""
    query = select(Organization.code).join(Plan, Plan.organization_id == Organization.id).distinct()
    return sorted(session.scalars(query))


def already_reported(session: Session, period: str) -> set[str]:
    """The organizations that already have their report for the period (a re-run leaves them alone)."""
    query = (
        select(Organization.code)
        .join(StoredReport, StoredReport.organization_id == Organization.id)
        .where(StoredReport.period == period)
    )
    return set(session.scalars(query))
