"""Messages that could not be delivered are shown to the secretariat, never dropped silently.

A message fails for good when its recipient has no address in the directory (a unit the plan names
but the directory does not, a group nobody declared) or when its channel refuses it. The secretariat
sees each such recipient with the count and the reason in `planflow status` and on its portal page,
and once a day the sweep sends it a digest of the failures not yet told (each told exactly once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, aliased

from models.org.tables import Agency, Organization, Person
from models.outbox.tables import Notification, OutboxStatus, queue_notification

DIGEST_TEMPLATE = "undelivered_digest"


@dataclass(frozen=True)
class Undelivered:
    """One recipient the outbox could not reach: how many messages, the latest reason and when."""

    recipient: str
    organization: str
    messages: int
    reason: str
    last_queued_at: datetime

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of `planflow status --json` (stable English keys)."""
        return {
            "recipient": self.recipient,
            "organization": self.organization,
            "messages": self.messages,
            "reason": self.reason,
            "last_queued_at": self.last_queued_at.isoformat(),
        }


def undelivered(
    session: Session, *, organization_id: int | None = None, unreported_only: bool = False, limit: int = 50
) -> list[Undelivered]:
    """Failed messages grouped by recipient, the most recent first (one organization, or all of them)."""
    agency, person = aliased(Agency), aliased(Person)
    owner = func.coalesce(agency.organization_id, person.organization_id)
    query = (
        select(
            Notification.recipient_agency_id,
            Notification.recipient_person_id,
            func.count(),
            func.max(Notification.id),
        )
        .outerjoin(agency, agency.id == Notification.recipient_agency_id)
        .outerjoin(person, person.id == Notification.recipient_person_id)
        .where(Notification.status == OutboxStatus.FAILED.value, Notification.template != DIGEST_TEMPLATE)
        .group_by(Notification.recipient_agency_id, Notification.recipient_person_id)
        .order_by(func.max(Notification.id).desc())
        .limit(limit)
    )
    if organization_id is not None:
        query = query.where(owner == organization_id)
    if unreported_only:
        query = query.where(Notification.reported_at.is_(None))
    return [_describe(session, *row) for row in session.execute(query).tuples()]


def _describe(session: Session, agency_id: int | None, person_id: int | None, count: int, last_id: int) -> Undelivered:
    latest = session.get(Notification, last_id)
    recipient, organization_id = "?", None
    if agency_id is not None and (unit := session.get(Agency, agency_id)) is not None:
        recipient, organization_id = unit.name, unit.organization_id
    elif person_id is not None and (someone := session.get(Person, person_id)) is not None:
        recipient, organization_id = f"{someone.full_name} ({someone.email})", someone.organization_id
    organization = session.get(Organization, organization_id) if organization_id is not None else None
    return Undelivered(
        recipient=recipient,
        organization=organization.code if organization else "?",
        messages=count,
        reason=(latest.last_error if latest else None) or "không rõ lý do",
        last_queued_at=latest.queued_at if latest else datetime.min,
    )


def queue_undelivered_digests(session: Session, *, day: date, now: datetime) -> int:
    """One message a day to each organization's Văn phòng listing the failures it has not been told of yet.

    Marks those failures as told in the same transaction, so a re-run of the day queues nothing twice and
    tomorrow's digest holds only what failed since.
    """
    from models.lifecycle.recipients import secretariat_of

    agency, person = aliased(Agency), aliased(Person)
    owner = func.coalesce(agency.organization_id, person.organization_id)
    organizations = session.scalars(
        select(owner)
        .select_from(Notification)
        .outerjoin(agency, agency.id == Notification.recipient_agency_id)
        .outerjoin(person, person.id == Notification.recipient_person_id)
        .where(
            Notification.status == OutboxStatus.FAILED.value,
            Notification.reported_at.is_(None),
            Notification.template != DIGEST_TEMPLATE,
        )
        .distinct()
    ).all()
    queued = 0
    for organization_id in (o for o in organizations if o is not None):
        office = secretariat_of(session, organization_id)
        failures = undelivered(session, organization_id=organization_id, unreported_only=True)
        if office is None or not failures:
            continue
        organization = session.get(Organization, organization_id)
        code = organization.code if organization else str(organization_id)
        queued += queue_notification(
            session,
            key=f"undelivered:{code}:{day.isoformat()}",
            template=DIGEST_TEMPLATE,
            queued_at=now,
            agency_id=office.id,
            context={"failures": [_digest_line(f) for f in failures], "day": day.isoformat()},
        )
        _mark_reported(session, organization_id, now)
    return queued


def _digest_line(failure: Undelivered) -> dict[str, object]:
    return {"recipient": failure.recipient, "messages": failure.messages, "reason": failure.reason}


def _mark_reported(session: Session, organization_id: int, now: datetime) -> None:
    agencies = select(Agency.id).where(Agency.organization_id == organization_id)
    people = select(Person.id).where(Person.organization_id == organization_id)
    session.execute(
        update(Notification)
        .where(
            Notification.status == OutboxStatus.FAILED.value,
            Notification.reported_at.is_(None),
            Notification.template != DIGEST_TEMPLATE,
            or_(Notification.recipient_agency_id.in_(agencies), Notification.recipient_person_id.in_(people)),
        )
        .values(reported_at=now)
        .execution_options(synchronize_session=False)
    )
