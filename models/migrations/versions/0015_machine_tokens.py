"""machine_tokens: tokens of upper-level systems (read, or read and move), each system an account of its own

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # a plain ADD COLUMN (no table copy, which would cascade through the tables that point at people)
    op.add_column(
        "people",
        sa.Column(
            "machine_scope",
            sa.String(length=10),
            sa.CheckConstraint("machine_scope IN ('read', 'move')", name=op.f("ck_people_machine_scope_known")),
            nullable=True,
        ),
    )
    op.create_table(
        "machine_tokens",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("person_id", BIG_ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_machine_tokens_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_machine_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_machine_tokens_token_hash")),
    )
    with op.batch_alter_table("machine_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_machine_tokens_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("machine_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_machine_tokens_person_id"))
    op.drop_table("machine_tokens")
    op.drop_column("people", "machine_scope")
