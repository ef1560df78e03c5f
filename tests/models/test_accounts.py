"""Accounts: passwords hashed with scrypt, sessions that expire, a lockout that ends, every step audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models.accounts import Account, LoginError, login, logout, person_for_token, set_password
from models.audit import AuditEvent
from models.db import Database
from tests.seeding import seed
from tests.time import NOW

EMAIL, PASSWORD = "cvxd@vinhtuy.example", "mot-mat-khau-dai"


@pytest.fixture
def db(database: Database) -> Database:
    seed(database)
    with database.transaction() as session:
        set_password(session, email=EMAIL, password=PASSWORD, now=NOW)
    return database


def test_the_password_is_stored_only_as_a_salted_scrypt_hash(db: Database) -> None:
    with db.session() as session:
        stored = session.scalars(select(Account.password_hash)).one()
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    with db.transaction() as session, pytest.raises(LoginError, match="ít nhất 10"):
        set_password(session, email=EMAIL, password="ngan", now=NOW)


def test_a_session_expires_after_eight_hours_and_ends_at_logout(db: Database) -> None:
    with db.transaction() as session:
        token = login(session, email=EMAIL, password=PASSWORD, now=NOW)
    with db.session() as session:
        assert person_for_token(session, token, NOW + timedelta(hours=7, minutes=59)) is not None
        assert person_for_token(session, token, NOW + timedelta(hours=8)) is None
    with db.transaction() as session:
        logout(session, token)
    with db.session() as session:
        assert person_for_token(session, token, NOW) is None


def test_five_failures_lock_for_fifteen_minutes_then_the_right_password_works(db: Database) -> None:
    for _ in range(5):
        with db.transaction() as session, pytest.raises(LoginError):
            login(session, email=EMAIL, password="sai-mat-khau", now=NOW)
    with db.transaction() as session, pytest.raises(LoginError, match="tạm khóa"):
        login(session, email=EMAIL, password=PASSWORD, now=NOW + timedelta(minutes=14))
    with db.transaction() as session:
        assert login(session, email=EMAIL, password=PASSWORD, now=NOW + timedelta(minutes=16))
    with db.session() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.entity_key == EMAIL)))
    assert actions == ["account.password_set", "account.locked", "account.login"]
