"""Accounts of the people in the directory: passwords (scrypt), expiring session tokens, lockout.

Only hashes are stored: a scrypt hash of the password, a SHA-256 of each session token.
Five failed logins in a row lock the account for 15 minutes (brute force is slowed, not
just counted); every login and every lock is audited with the person's name.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.audit import record_event
from models.base import Base, BigId, UtcDateTime
from models.directory import find_person
from models.org import Person

SESSION_LIFETIME = timedelta(hours=8)
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class LoginError(ValueError):
    """Wrong e-mail or password, or a locked account (the message never says which of the two first)."""


class Account(Base):
    """A person's credentials."""

    __tablename__ = "accounts"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ApiSession(Base):
    """A session token (its SHA-256 only) and when it expires."""

    __tablename__ = "api_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


def hash_password(password: str) -> str:
    """scrypt with a random salt, as 'scrypt$salt$hash' (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def _verify(password: str, stored: str) -> bool:
    _, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **_SCRYPT)
    return hmac.compare_digest(candidate.hex(), digest)


def set_password(session: Session, *, email: str, password: str, now: datetime) -> None:
    """Create or replace a person's password (at least 10 characters)."""
    if len(password) < 10:
        raise LoginError("Mật khẩu cần ít nhất 10 ký tự.")
    person = find_person(session, email)
    account = session.get(Account, person.id)
    if account is None:
        account = Account(person_id=person.id, failed_logins=0)
        session.add(account)
    account.password_hash = hash_password(password)
    account.failed_logins, account.locked_until = 0, None
    _audit(session, person, "account.password_set", now)


def _audit(session: Session, person: Person, action: str, now: datetime) -> None:
    """An account event in the audit log, under the person's name."""
    record_event(
        session,
        actor=person.full_name,
        action=action,
        entity_type="person",
        entity_key=person.email or str(person.id),
        occurred_at=now,
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(session: Session, *, email: str, password: str, now: datetime) -> str:
    """A new session token for the right password; failures count toward a lockout."""
    person = session.scalars(select(Person).where(Person.email == email.strip().lower())).one_or_none()
    account = session.get(Account, person.id) if person else None
    if person is None or account is None:
        raise LoginError("Sai thư điện tử hoặc mật khẩu.")
    if account.locked_until and account.locked_until > now:
        raise LoginError(f"Tài khoản tạm khóa đến {account.locked_until:%H:%M} (UTC) do đăng nhập sai nhiều lần.")
    if not _verify(password, account.password_hash):
        account.failed_logins += 1
        if account.failed_logins >= MAX_FAILURES:
            account.locked_until, account.failed_logins = now + LOCKOUT, 0
            _audit(session, person, "account.locked", now)
        raise LoginError("Sai thư điện tử hoặc mật khẩu.")
    account.failed_logins, account.locked_until = 0, None
    token = secrets.token_urlsafe(32)
    session.add(ApiSession(token_hash=_token_hash(token), person_id=person.id, expires_at=now + SESSION_LIFETIME))
    _audit(session, person, "account.login", now)
    return token


def person_for_token(session: Session, token: str, now: datetime) -> Person | None:
    """The person a live session token belongs to, or None (unknown or expired)."""
    found = session.scalars(select(ApiSession).where(ApiSession.token_hash == _token_hash(token))).one_or_none()
    if found is None or found.expires_at <= now:
        return None
    return session.get(Person, found.person_id)


def logout(session: Session, token: str) -> None:
    """End a session now (the token stops working at once)."""
    session.execute(delete(ApiSession).where(ApiSession.token_hash == _token_hash(token)))


def form_key(token: str) -> str:
    """The anti-forgery value a portal form must carry: derived from the session token, useless without it."""
    return hmac.new(token.encode(), b"planflow-form", hashlib.sha256).hexdigest()
