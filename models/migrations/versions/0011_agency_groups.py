"""agency groups: the member agencies of "Các Ban Đảng", "Các cơ quan liên quan" … as the directory lists them

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("members_declared", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "agency_members",
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["agencies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["agencies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("group_id", "member_id"),
    )
    op.create_index(op.f("ix_agency_members_member_id"), "agency_members", ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_agency_members_member_id"), table_name="agency_members")
    op.drop_table("agency_members")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("members_declared")
