"""title keys: one rule for matching a leader in charge to a person, in Python and in SQL

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.org.names import agency_key

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("people", "plan_task_leaders"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("title_key", sa.String(length=200), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_title_key"), ["title_key"], unique=False)
    bind = op.get_bind()
    people = sa.table("people", sa.column("id"), sa.column("title"), sa.column("title_key"))
    for person_id, title in bind.execute(sa.select(people.c.id, people.c.title).where(people.c.title.is_not(None))):
        bind.execute(sa.update(people).where(people.c.id == person_id).values(title_key=agency_key(title)))
    leaders = sa.table(
        "plan_task_leaders", sa.column("task_id"), sa.column("position"), sa.column("title"), sa.column("title_key")
    )
    for task_id, position, title in bind.execute(sa.select(leaders.c.task_id, leaders.c.position, leaders.c.title)):
        bind.execute(
            sa.update(leaders)
            .where(leaders.c.task_id == task_id, leaders.c.position == position)
            .values(title_key=agency_key(title))
        )


def downgrade() -> None:
    for table in ("plan_task_leaders", "people"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_title_key"))
            batch_op.drop_column("title_key")
