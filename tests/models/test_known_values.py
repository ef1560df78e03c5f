"""Every status and kind stored as text accepts only the values its enum names: on PostgreSQL by a CHECK
constraint whose values are exactly the enum's, and the migration's frozen lists stay equal to the enums."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.choices import STORED_CHOICES
from models.db import Database
from tests.seeding import seed

MIGRATION = Path(__file__).resolve().parents[2] / "models/migrations/versions/0017_known_values.py"


def _frozen_lists() -> dict[tuple[str, str], tuple[str, ...]]:
    spec = importlib.util.spec_from_file_location("known_values", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.KNOWN_VALUES)


def test_the_migrations_lists_are_the_enums() -> None:
    for place, values in _frozen_lists().items():
        assert set(values) == {member.value for member in STORED_CHOICES[place]}, place


def _allowed_by_checks(database: Database, table: str, column: str) -> set[str] | None:
    """The values the table's CHECK constraints on this column list (None: no such constraint)."""
    with database.engine.connect() as connection:
        definitions = connection.execute(
            text(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = CAST(:table AS regclass) AND contype = 'c'"
            ),
            {"table": table},
        ).scalars()
        for definition in definitions:
            if re.search(rf"\b{column}\b", definition):
                return set(re.findall(r"'([^']*)'", definition))
    return None


def test_postgresql_refuses_any_value_the_code_does_not_know(postgres_database: Database) -> None:
    for (table, column), enum in STORED_CHOICES.items():
        assert _allowed_by_checks(postgres_database, table, column) == {m.value for m in enum}, (table, column)
    seed(postgres_database)
    with pytest.raises(IntegrityError), postgres_database.transaction() as session:
        session.execute(text("UPDATE plan_tasks SET status = 'finished' WHERE id = (SELECT min(id) FROM plan_tasks)"))
