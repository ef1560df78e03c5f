"""The migrations build exactly the schema the models declare (no drift), on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from models.base import Base
from models.db import Database, current_revision, head_revision


def test_migrated_schema_matches_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, Base.metadata) == []
    assert current_revision(database.engine) == head_revision(database.engine)


def test_audit_triggers_survive_every_migration(database: Database) -> None:
    with database.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            names = set(connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
            assert names == {"audit_events_no_update", "audit_events_no_delete"}
        else:
            names = set(connection.scalars(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))
            assert "audit_events_append_only" in names
