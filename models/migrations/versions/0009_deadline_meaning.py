"""deadline meaning: a range's start, a recurring duty's rule, the half-year kind

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_KINDS = (
    "fixed_date", "end_of_month", "end_of_quarter", "quarter_span", "end_of_half", "end_of_year",
    "recurring", "upstream", "event", "unknown",
)  # fmt: skip
_OLD_KINDS = tuple(kind for kind in _KINDS if kind != "end_of_half")


def _check(kinds: tuple[str, ...]) -> str:
    return "deadline_kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade() -> None:
    with op.batch_alter_table("plan_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("deadline_rule", sa.String(length=200), nullable=True))
        batch_op.drop_constraint(op.f("ck_plan_tasks_deadline_kind_known"), type_="check")
        batch_op.create_check_constraint("deadline_kind_known", _check(_KINDS))


def downgrade() -> None:
    with op.batch_alter_table("plan_tasks", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_plan_tasks_deadline_kind_known"), type_="check")
        batch_op.create_check_constraint("deadline_kind_known", _check(_OLD_KINDS))
        batch_op.drop_column("deadline_rule")
        batch_op.drop_column("deadline_start")
