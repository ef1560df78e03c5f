"""Alembic environment: runs against the engine planflow hands over."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import create_engine

from models.base import Base, UtcDateTime
from models.tables import TABLE_MODULES

config = context.config
if not TABLE_MODULES:  # every table is on the metadata, whoever runs the migrations
    raise RuntimeError("models.tables lists no table modules")
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, _context: Any) -> str | Literal[False]:
    """Migrations name the plain SQL type of the application's UTC timestamp."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    """Migrate through the engine given in `config.attributes`, or one made from the URL."""
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            render_item=render_item,
        )
        context.run_migrations()


run_migrations_online()
