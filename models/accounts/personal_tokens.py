"""Personal tokens: how a person proves who they are where there is no login form — a step run from the Prefect
UI or by a program. Created in the portal (named, with an expiry, shown once), stored as a SHA-256 only,
revocable; a run whose token is wrong, expired, revoked or someone else's changes nothing."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.accounts.login import person_event, token_hash
from models.base import Base, BigId, UtcDateTime
from models.errors import ForbiddenError, InvalidInputError, NotFoundError
from models.org.tables import Person

PREFIX = "pf_"
MAX_DAYS = 366


class PersonalToken(Base):
    """One token of one person: its name, its SHA-256, when it ends, and whether it was revoked."""

    __tablename__ = "personal_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TokenRefusedError(ForbiddenError):
    """The token proves nothing: unknown, expired, revoked, or not the named person's."""


def create_token(session: Session, person: Person, *, name: str, days: int, now: datetime) -> str:
    """A new token for `days` days; the plain text is returned once and never stored."""
    name = " ".join(name.split())[:100]
    if not name:
        raise InvalidInputError("Cần đặt tên cho mã (ví dụ: 'Duyệt từ giao diện Prefect').")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInputError(f"Thời hạn của mã từ 1 đến {MAX_DAYS} ngày.")
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(
        PersonalToken(
            person_id=person.id,
            name=name,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    person_event(session, person, "token.created", now, details={"token": name}, channel="portal")
    return token


def revoke_token(session: Session, person: Person, token_id: int, *, now: datetime) -> None:
    """Revoke one of the person's own tokens (another's is "not found", as if it did not exist)."""
    row = session.get(PersonalToken, token_id)
    if row is None or row.person_id != person.id:
        raise NotFoundError("Không có mã này.")
    if row.revoked_at is None:
        row.revoked_at = now
        person_event(session, person, "token.revoked", now, details={"token": row.name}, channel="portal")


def tokens_of(session: Session, person: Person) -> list[PersonalToken]:
    """The person's tokens, newest first (never their plain text: it is not kept)."""
    query = select(PersonalToken).where(PersonalToken.person_id == person.id).order_by(PersonalToken.id.desc())
    return list(session.scalars(query))


def prove(session: Session, token: str | None, email: str, *, now: datetime) -> Person:
    """The person the token belongs to, who must be the one named as acting; anything else is refused."""
    if not token or not token.startswith(PREFIX):
        raise TokenRefusedError("Cần mã cá nhân (tạo trong cổng nhiệm vụ, mục 'Mã cá nhân') để thực hiện bước này.")
    row = session.scalars(select(PersonalToken).where(PersonalToken.token_hash == token_hash(token))).one_or_none()
    person = session.get(Person, row.person_id) if row is not None else None
    if row is None or person is None or not hmac.compare_digest((person.email or "").lower(), email.strip().lower()):
        raise TokenRefusedError("Mã cá nhân không đúng hoặc không phải của người thực hiện: không làm gì.")
    if row.revoked_at is not None:
        raise TokenRefusedError(f"Mã cá nhân '{row.name}' đã bị thu hồi: không làm gì.")
    if row.expires_at <= now:
        raise TokenRefusedError(f"Mã cá nhân '{row.name}' đã hết hạn: tạo mã mới trong cổng nhiệm vụ.")
    row.last_used_at = now
    return person
