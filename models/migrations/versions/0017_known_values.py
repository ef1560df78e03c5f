"""Every status and kind stored as text accepts only the values the code knows: CHECK constraints on PostgreSQL
(SQLite would have to rebuild each table, its audit triggers included; its single-machine database keeps the
code's own checks; deadline kinds, levels and machine scopes have theirs since 0001 and 0015). The lists are
frozen here; tests/models/test_known_values.py keeps them equal to the enums.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

KNOWN_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("plan_tasks", "status"): (
        "imported",
        "assigned",
        "acknowledged",
        "in_progress",
        "submitted",
        "returned",
        "approved",
        "explanation_requested",
        "explanation_submitted",
        "cancelled",
    ),
    ("agencies", "kind"): (
        "secretariat",
        "party_board",
        "inspection",
        "standing_committee",
        "group",
        "party_cell",
        "external",
        "other",
    ),
    ("outbox", "status"): ("pending", "sending", "sent", "failed"),
    ("outbox", "channel"): ("email", "webhook"),
    ("escalations", "kind"): ("reminder", "overdue", "progress_due", "progress_missing", "upstream"),
    ("review_cycles", "status"): ("open", "closed"),
    ("submissions", "decision"): ("approved", "returned"),
    ("explanations", "decision"): ("accepted", "rejected"),
    ("extension_requests", "decision"): ("granted", "refused"),
    ("audit_events", "channel"): ("portal", "api", "prefect_ui", "cli", "schedule"),
}


def _name(table: str, column: str) -> str:
    return f"ck_{table}_{column}_known"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for (table, column), values in KNOWN_VALUES.items():
        listed = ", ".join(f"'{value}'" for value in values)
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_name(table, column)} CHECK ({column} IN ({listed}))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in KNOWN_VALUES:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {_name(table, column)}")
