"""Personal tokens prove who acts where there is no login form: only the named person's live token does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models.accounts.personal_tokens import PersonalToken, TokenRefusedError, create_token, prove, revoke_token
from models.db import Database
from models.errors import NotFoundError
from models.org.tables import Person
from tests.seeding import seed
from tests.time import NOW

LEAD, POLICE = "cvxd@vinhtuy.example", "truongca@vinhtuy.example"


@pytest.fixture
def db(database: Database) -> Database:
    seed(database)
    return database


def _person(session, email: str) -> Person:
    return session.scalars(select(Person).where(Person.email == email)).one()


def test_only_the_named_persons_live_token_proves_it(db: Database) -> None:
    with db.transaction() as session:
        token = create_token(session, _person(session, LEAD), name="Prefect", days=30, now=NOW)
    with db.transaction() as session:
        assert prove(session, token, LEAD.upper(), now=NOW + timedelta(days=1)).email == LEAD
        assert token not in {row.token_hash for row in session.scalars(select(PersonalToken))}  # only its hash
        for wrong, email in ((token, POLICE), (token[:-1] + "x", LEAD), ("", LEAD), (None, LEAD), ("pf_", LEAD)):
            with pytest.raises(TokenRefusedError):
                prove(session, wrong, email, now=NOW)
        with pytest.raises(TokenRefusedError, match="hết hạn"):
            prove(session, token, LEAD, now=NOW + timedelta(days=31))


def test_a_revoked_token_proves_nothing_and_nobody_revokes_anothers(db: Database) -> None:
    with db.transaction() as session:
        token = create_token(session, _person(session, LEAD), name="Chương trình", days=30, now=NOW)
        token_id = session.scalars(select(PersonalToken.id)).one()
        with pytest.raises(NotFoundError):
            revoke_token(session, _person(session, POLICE), token_id, now=NOW)
        revoke_token(session, _person(session, LEAD), token_id, now=NOW)
    with db.transaction() as session, pytest.raises(TokenRefusedError, match="thu hồi"):
        prove(session, token, LEAD, now=NOW)


@pytest.mark.parametrize(("name", "days"), [("", 30), ("   ", 30), ("Mã", 0), ("Mã", 367)])
def test_a_token_needs_a_name_and_a_sensible_expiry(db: Database, name: str, days: int) -> None:
    with db.transaction() as session, pytest.raises(ValueError):
        create_token(session, _person(session, LEAD), name=name, days=days, now=NOW)
