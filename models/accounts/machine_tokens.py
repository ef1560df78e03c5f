"""Machine tokens: how an upper-level system reads an organization's tasks and reports (and, when allowed, moves
tasks for one of its agencies) without logging in as a person. The secretariat issues them in the portal; each
system is an account of its own, so everything it does is audited under its name. Scoped, expiring, revocable,
stored as a SHA-256 only."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.accounts.access import is_secretariat
from models.accounts.login import person_event, token_hash
from models.base import Base, BigId, UtcDateTime
from models.errors import ForbiddenError, InvalidInputError, NotFoundError
from models.org.names import agency_key
from models.org.tables import Agency, Organization, Person

PREFIX = "pfm_"
MAX_DAYS = 366


class MachineScope(StrEnum):
    """What a system's token allows."""

    READ = "read"  # the organization's tasks and compiled reports
    MOVE = "move"  # the same, and the moves its agency may make


SCOPE_LABELS_VI = {
    MachineScope.READ: "chỉ đọc nhiệm vụ và báo cáo",
    MachineScope.MOVE: "đọc và thực hiện các bước của một cơ quan",
}


class MachineToken(Base):
    """One token of one system's account: its SHA-256, who issued it, when it ends, whether it was revoked."""

    __tablename__ = "machine_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class MachineTokenRefusedError(ForbiddenError):
    """The token proves nothing: unknown, expired or revoked."""

    status = 401


def _issuer_only(person: Person) -> None:
    if not is_secretariat(person):
        raise ForbiddenError("Chỉ Văn phòng cấp mã cho hệ thống cấp trên.")


def _agency_of(session: Session, organization_id: int, name: str) -> Agency:
    key = agency_key(name)
    found = session.scalars(
        select(Agency).where(Agency.organization_id == organization_id, Agency.name_key == key)
    ).one_or_none()
    if found is None:
        raise NotFoundError(f"Không có cơ quan '{name}' trong danh bạ của tổ chức.")
    return found


def create_machine_token(
    session: Session,
    issuer: Person,
    *,
    system: str,
    scope: MachineScope,
    agency: str | None,
    days: int,
    now: datetime,
) -> str:
    """A new system account and its token (the plain text returned once); `agency` is whose moves it may make."""
    _issuer_only(issuer)
    system = " ".join(system.split())[:200]
    if not system:
        raise InvalidInputError("Cần tên hệ thống (ví dụ: 'Hệ thống điều hành của Thành ủy').")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInputError(f"Thời hạn của mã từ 1 đến {MAX_DAYS} ngày.")
    if scope is MachineScope.MOVE and not (agency or "").strip():
        raise InvalidInputError("Mã được thực hiện các bước cần ghi rõ của cơ quan nào.")
    organization = session.get(Organization, issuer.organization_id)
    if organization is None:
        raise NotFoundError("Không có tổ chức.")
    account = Person(
        organization_id=organization.id,
        full_name=system,
        email=f"machine+{organization.code}-{secrets.token_hex(6)}@planflow.invalid",
        machine_scope=scope.value,
        agency=_agency_of(session, organization.id, agency or "") if scope is MachineScope.MOVE else None,
    )
    session.add(account)
    session.flush()
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(
        MachineToken(
            person_id=account.id,
            token_hash=token_hash(token),
            created_by=issuer.full_name,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    details = {"system": system, "scope": scope.value, "agency": account.agency.name if account.agency else ""}
    person_event(session, issuer, "machine_token.created", now, details=details, channel="portal")
    return token


def machine_tokens_of(session: Session, organization_id: int) -> list[tuple[MachineToken, Person]]:
    """The organization's system tokens with their accounts, newest first."""
    query = (
        select(MachineToken, Person)
        .join(Person, MachineToken.person_id == Person.id)
        .where(Person.organization_id == organization_id)
        .order_by(MachineToken.id.desc())
    )
    return [(token, account) for token, account in session.execute(query).tuples()]


def revoke_machine_token(session: Session, issuer: Person, token_id: int, *, now: datetime) -> None:
    """Revoke one of the organization's system tokens (another organization's is "not found")."""
    _issuer_only(issuer)
    row = session.get(MachineToken, token_id)
    account = session.get(Person, row.person_id) if row is not None else None
    if row is None or account is None or account.organization_id != issuer.organization_id:
        raise NotFoundError("Không có mã này.")
    if row.revoked_at is None:
        row.revoked_at = now
        details = {"system": account.full_name}
        person_event(session, issuer, "machine_token.revoked", now, details=details, channel="portal")


def system_for_token(session: Session, token: str, *, now: datetime) -> Person:
    """The system account a live token belongs to; unknown, expired and revoked tokens are refused alike."""
    row = session.scalars(select(MachineToken).where(MachineToken.token_hash == token_hash(token))).one_or_none()
    account = session.get(Person, row.person_id) if row is not None else None
    if row is None or account is None or row.revoked_at is not None or row.expires_at <= now:
        raise MachineTokenRefusedError("Mã hệ thống không đúng, đã hết hạn hoặc đã bị thu hồi.")
    row.last_used_at = now
    return account


def may_move(account: Person) -> bool:
    """Whether the acting account may make moves: every person may; a system only with the 'move' scope."""
    return account.machine_scope in (None, MachineScope.MOVE.value)
