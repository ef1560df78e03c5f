"""Alembic environment: runs against the engine planflow hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import models.audit
import models.escalation
import models.escalation_policy
import models.org
import models.outbox
import models.plan
import models.records  # noqa: F401  (registers every table on the metadata)
from models.base import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate through the engine given in `config.attributes`, or one made from the URL."""
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


run_migrations_online()
