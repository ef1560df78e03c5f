"""hardening: login throttles, one pending extension and one open explanation per task, sweep runs

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")
    op.create_table(
        "sweep_runs",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("sweep_id", sa.String(length=40), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counts", _JSON, nullable=False),
        sa.Column("failures", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sweep_runs")),
        sa.UniqueConstraint("sweep_id", name=op.f("uq_sweep_runs_sweep_id")),
    )
    with op.batch_alter_table("sweep_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sweep_runs_as_of"), ["as_of"], unique=False)
    # Two requests left pending by an earlier race: the older is closed as superseded before the rule applies.
    for table, decided in (("extension_requests", "refused"), ("explanations", "rejected")):
        op.execute(
            f"UPDATE {table} SET decision = '{decided}', decision_note = 'thay bằng yêu cầu sau (nâng cấp 0008)' "
            f"WHERE decision IS NULL AND id NOT IN (SELECT max(id) FROM {table} WHERE decision IS NULL GROUP BY task_id)"
        )
    op.create_index(
        "uq_extension_requests_one_pending",
        "extension_requests",
        ["task_id"],
        unique=True,
        postgresql_where=sa.text("decision IS NULL"),
        sqlite_where=sa.text("decision IS NULL"),
    )
    op.create_index(
        "uq_explanations_one_open",
        "explanations",
        ["task_id"],
        unique=True,
        postgresql_where=sa.text("decision IS NULL"),
        sqlite_where=sa.text("decision IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_explanations_one_open", table_name="explanations")
    op.drop_index("uq_extension_requests_one_pending", table_name="extension_requests")
    with op.batch_alter_table("sweep_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sweep_runs_as_of"))
    op.drop_table("sweep_runs")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.drop_table("login_throttles")
