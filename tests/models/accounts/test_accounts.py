"""Accounts: passwords hashed with scrypt, sessions that expire, a lockout that ends, every step audited;
attempts counted atomically (a burst cannot outrun the limit), unknown e-mails cost the same work, a password
change ends every session."""

from __future__ import annotations

import statistics
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from models.accounts.login import Account, LoginError, login, logout, person_for_token, set_password
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
    token = login(db, email=EMAIL, password=PASSWORD, now=NOW)
    with db.session() as session:
        assert person_for_token(session, token, NOW + timedelta(hours=7, minutes=59)) is not None
        assert person_for_token(session, token, NOW + timedelta(hours=8)) is None
    with db.transaction() as session:
        logout(session, token)
    with db.session() as session:
        assert person_for_token(session, token, NOW) is None


def test_five_failures_lock_for_fifteen_minutes_then_the_right_password_works(db: Database) -> None:
    for _ in range(5):
        with pytest.raises(LoginError, match="Sai"):
            login(db, email=EMAIL, password="sai-mat-khau", now=NOW)
    with pytest.raises(LoginError, match="tạm khóa"):
        login(db, email=EMAIL, password=PASSWORD, now=NOW + timedelta(minutes=14))
    assert login(db, email=EMAIL, password=PASSWORD, now=NOW + timedelta(minutes=16))
    with db.session() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.entity_key == EMAIL)))
    assert actions == ["account.password_set", "account.locked", "account.login"]


def test_a_password_change_ends_every_open_session(db: Database) -> None:
    tokens = [login(db, email=EMAIL, password=PASSWORD, now=NOW) for _ in range(2)]
    with db.transaction() as session:
        set_password(session, email=EMAIL, password="mat-khau-moi-dai-hon", now=NOW)
    with db.session() as session:
        assert [person_for_token(session, token, NOW) for token in tokens] == [None, None]
    with pytest.raises(LoginError):
        login(db, email=EMAIL, password=PASSWORD, now=NOW)
    assert login(db, email=EMAIL, password="mat-khau-moi-dai-hon", now=NOW)


def test_an_address_that_guesses_many_e_mails_is_locked_too(db: Database) -> None:
    for n in range(20):
        with pytest.raises(LoginError, match="Sai"):
            login(db, email=f"khong-co-{n}@vinhtuy.example", password="doan-mo", now=NOW, address="10.0.0.9")
    with pytest.raises(LoginError, match="tạm khóa"):
        login(db, email=EMAIL, password=PASSWORD, now=NOW, address="10.0.0.9")
    assert login(db, email=EMAIL, password=PASSWORD, now=NOW, address="10.0.0.10")  # another address is not


def test_forty_guesses_sent_at_once_have_at_most_five_checked(db: Database) -> None:
    """Attempts are counted by one atomic statement each before any check: a burst cannot outrun the limit,
    and the right password sent after the burst is refused while the lock lasts."""
    barrier = threading.Barrier(40)
    answers: list[str] = []

    def attempt(n: int) -> None:
        password = f"sai-{n}-mat-khau"
        barrier.wait()
        try:
            login(db, email=EMAIL, password=password, now=NOW)
            answers.append("token")
        except LoginError as exc:
            answers.append("wrong" if "Sai" in str(exc) else "locked")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 40 and answers.count("wrong") <= 5 and "token" not in answers
    with pytest.raises(LoginError, match="tạm khóa"):
        login(db, email=EMAIL, password=PASSWORD, now=NOW + timedelta(minutes=1))


def test_an_unknown_e_mail_takes_as_long_as_a_known_one(db: Database) -> None:
    """The same scrypt work either way, so the answer's time does not say which accounts exist (the two
    medians within a factor of two; without the equal work they differ about twelvefold)."""

    def median_seconds(email: str) -> float:
        times = []
        for n in range(5):
            started = time.perf_counter()
            with pytest.raises(LoginError):
                login(db, email=email, password="sai-mat-khau", now=NOW + timedelta(hours=n))
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    known, unknown = median_seconds(EMAIL), median_seconds("khong-ai@vinhtuy.example")
    assert 0.5 < unknown / known < 2.0
