"""The declarative base: stable constraint names and portable column types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# 64-bit keys on PostgreSQL (national scale); SQLite's INTEGER PRIMARY KEY is already 64-bit.
BigId = BigInteger().with_variant(Integer(), "sqlite")
# JSONB on PostgreSQL, JSON text elsewhere.
JsonDoc = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Every planflow table derives from this base."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment stored in UTC and read back time-zone aware, on every database.

    SQLite keeps no offset: without this a moment written at +07:00 and one written in
    UTC would compare wrongly. A naive datetime is a bug in the caller and is refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a time-zone aware moment")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# The database's own clock in DDL, as literal SQL: Prefect's server code, once imported in a
# process, compiles func.now() on SQLite into a form that UPDATE … executemany rejects.
CURRENT_TIMESTAMP = text("CURRENT_TIMESTAMP")


def utc_now() -> datetime:
    """The time written by the application (created/updated stamps)."""
    return datetime.now(UTC)


class Timestamped:
    """Creation and update times (database default for rows inserted outside the ORM)."""

    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), server_default=CURRENT_TIMESTAMP, default=utc_now, nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), server_default=CURRENT_TIMESTAMP, default=utc_now, onupdate=utc_now, nullable=False
    )


def insert_new_only(session: Session, table: Any) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` in the session's dialect (PostgreSQL or SQLite): a row whose unique key
    is already there is skipped, which is how queued messages and fired rungs stay exactly-once."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()
