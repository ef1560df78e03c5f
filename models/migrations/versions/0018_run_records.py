"""run_records: moves made through the API or the portal, queued with the move for a recorder to show them in
Prefect as flow runs (the clerk does not wait for Prefect)

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "run_records",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("run_key", sa.String(length=32), nullable=False),
        sa.Column("flow_name", sa.String(length=80), nullable=False),
        sa.Column("run_name", sa.String(length=200), nullable=False),
        sa.Column("tags", JSON_DOC, nullable=False),
        sa.Column("parameters", JSON_DOC, nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("flow_run_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_records")),
        sa.UniqueConstraint("run_key", name=op.f("uq_run_records_run_key")),
    )
    with op.batch_alter_table("run_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_records_recorded_at"), ["recorded_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("run_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_records_recorded_at"))
    op.drop_table("run_records")
