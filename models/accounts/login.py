"""Accounts of the people in the directory: passwords (scrypt), expiring session tokens, login throttles.

Only hashes are stored: a scrypt hash of the password, a SHA-256 of each session token.
Every login attempt is counted atomically in the database before the password is checked
(per e-mail, known or not, and per client address), so attempts sent at once cannot
outrun the limit: five failures lock the e-mail for 15 minutes, twenty lock the address.
An unknown e-mail costs the same scrypt work as a known one, so the answer's time does
not tell which accounts exist. A password change ends every session of the person.
Logins, locks and password changes are audited with the person's name.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import ForeignKey, Integer, String, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.audit import record_event
from models.base import Base, BigId, UtcDateTime
from models.calendar.days import VIETNAM
from models.db import Database
from models.errors import PlanflowError
from models.org.directory import find_person
from models.org.tables import Person

SESSION_LIFETIME = timedelta(hours=8)
MAX_FAILURES = 5  # per e-mail within the window
MAX_ADDRESS_FAILURES = 20  # per client address within the window
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
WRONG = "Sai thư điện tử hoặc mật khẩu."


class LoginError(PlanflowError):
    """Wrong e-mail or password, or a locked account (the message never says which of the two first)."""

    status = 401


class Account(Base):
    """A person's credentials."""

    __tablename__ = "accounts"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))


class LoginThrottle(Base):
    """Attempts counted per e-mail or per client address in a window, and a lock when there were too many."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)  # "email:<sha256>" or "address:<ip>"
    attempts: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime] = mapped_column(UtcDateTime())
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


@cache
def _dummy_hash() -> str:
    """Checked instead of a real hash when the e-mail has no account: the same work, so the same time
    (made on first use, not at import: every command imports this module)."""
    return hash_password(secrets.token_hex(16))


def _verify(password: str, stored: str) -> bool:
    _, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **_SCRYPT)
    return hmac.compare_digest(candidate.hex(), digest)


def set_password(session: Session, *, email: str, password: str, now: datetime) -> None:
    """Create or replace a person's password (at least 10 characters); every open session of theirs ends."""
    if len(password) < 10:
        raise LoginError("Mật khẩu cần ít nhất 10 ký tự.")
    person = find_person(session, email)
    account = session.get(Account, person.id)
    if account is None:
        account = Account(person_id=person.id)
        session.add(account)
    account.password_hash = hash_password(password)
    session.execute(delete(ApiSession).where(ApiSession.person_id == person.id))
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == _email_key(person.email or "")))
    person_event(session, person, "account.password_set", now)


def person_event(
    session: Session,
    person: Person,
    action: str,
    now: datetime,
    *,
    details: dict[str, str] | None = None,
    channel: str | None = None,
) -> None:
    """An event about a person's own credentials (password, session, token) in the audit log, under their name."""
    record_event(
        session,
        actor=person.full_name,
        action=action,
        entity_type="person",
        entity_key=person.email or str(person.id),
        occurred_at=now,
        details=details,
        channel=channel,
    )


def token_hash(token: str) -> str:
    """What is stored of a secret token: its SHA-256 (the token itself is shown once and never kept)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _email_key(email: str) -> str:
    return "email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]


@dataclass(frozen=True)
class _Count:
    key: str
    attempts: int
    locked_until: datetime | None
    limit: int


def _count_attempt(session: Session, key: str, limit: int, now: datetime) -> _Count:
    """One more attempt on a key, counted by a single atomic upsert (a new window once the old one passed)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = LoginThrottle.__table__
    statement = dialect.insert(table).values(key=key, attempts=1, window_started_at=now, locked_until=None)
    expired = table.c.window_started_at <= now - WINDOW
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "attempts": case((expired, 1), else_=table.c.attempts + 1),
            "window_started_at": case((expired, now), else_=table.c.window_started_at),
        },
    ).returning(table.c.attempts, table.c.locked_until)
    attempts, locked_until = session.execute(statement).one()
    return _Count(key, int(attempts), locked_until, limit)


def _locked_message(until: datetime) -> str:
    return f"Tài khoản tạm khóa đến {until.astimezone(VIETNAM):%H:%M} do đăng nhập sai nhiều lần; hãy thử lại sau."


def login(database: Database, *, email: str, password: str, now: datetime, address: str | None = None) -> str:
    """A new session token for the right password.

    The attempt is counted (and committed) before the password is checked, so a burst of guesses sent at
    once meets the limit in order; a locked e-mail or address is refused without checking anything.
    """
    keys = [(_email_key(email), MAX_FAILURES)] + (
        [(f"address:{address[:80]}", MAX_ADDRESS_FAILURES)] if address else []
    )
    with database.transaction() as session:
        counts = [_count_attempt(session, key, limit, now) for key, limit in keys]
    for count in counts:
        if count.locked_until is not None and count.locked_until > now:
            raise LoginError(_locked_message(count.locked_until))
        if count.attempts > count.limit:
            raise LoginError(_locked_message(now + LOCKOUT))
    with database.session() as session:
        person = session.scalars(select(Person).where(Person.email == email.strip().lower())).one_or_none()
        account = session.get(Account, person.id) if person else None
        stored = account.password_hash if account else _dummy_hash()
    if not _verify(password, stored) or person is None or account is None:
        with database.transaction() as session:
            _lock_when_over(session, counts, person, now)
        raise LoginError(WRONG)
    with database.transaction() as session:
        return _open_session(session, person, counts, now)


def _open_session(session: Session, person: Person, counts: list[_Count], now: datetime) -> str:
    """The right password: the e-mail's count starts again, the address's forgets this attempt, a token is made."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == counts[0].key))
    for count in counts[1:]:
        session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == count.key, LoginThrottle.attempts > 0)
            .values(attempts=LoginThrottle.attempts - 1)
        )
    token = secrets.token_urlsafe(32)
    session.add(ApiSession(token_hash=token_hash(token), person_id=person.id, expires_at=now + SESSION_LIFETIME))
    person_event(session, person, "account.login", now)
    return token


def _lock_when_over(session: Session, counts: list[_Count], person: Person | None, now: datetime) -> None:
    """A failure that reaches a limit locks that key for the lockout time (audited for a known person)."""
    for count in counts:
        if count.attempts >= count.limit:
            session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == count.key)
                .values(locked_until=now + LOCKOUT, attempts=0, window_started_at=now)
            )
            if person is not None and count.key.startswith("email:"):
                person_event(session, person, "account.locked", now)


def person_for_token(session: Session, token: str, now: datetime) -> Person | None:
    """The person a live session token belongs to, or None (unknown or expired)."""
    found = session.scalars(select(ApiSession).where(ApiSession.token_hash == token_hash(token))).one_or_none()
    if found is None or found.expires_at <= now:
        return None
    return session.get(Person, found.person_id)


def logout(session: Session, token: str) -> None:
    """End a session now (the token stops working at once)."""
    session.execute(delete(ApiSession).where(ApiSession.token_hash == token_hash(token)))


def form_key(token: str) -> str:
    """The anti-forgery value a portal form must carry: derived from the session token, useless without it."""
    return hmac.new(token.encode(), b"planflow-form", hashlib.sha256).hexdigest()
