"""The declarative base: stable constraint names and portable column types."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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


# The database's own clock in DDL, as literal SQL: Prefect's server code, once imported in a
# process, compiles func.now() on SQLite into a form that UPDATE … executemany rejects.
CURRENT_TIMESTAMP = text("CURRENT_TIMESTAMP")


def utc_now() -> datetime:
    """The time written by the application (created/updated stamps)."""
    return datetime.now(UTC)


class Timestamped:
    """Creation and update times (database default for rows inserted outside the ORM)."""

    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=CURRENT_TIMESTAMP, default=utc_now, nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=CURRENT_TIMESTAMP, default=utc_now, onupdate=utc_now, nullable=False
    )
