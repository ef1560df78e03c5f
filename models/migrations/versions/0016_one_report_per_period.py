"""reports: one report per organization and period (a unique index), so parallel or repeated compilations can
never store a second one

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # keep the newest of any duplicates an older version could have left, then forbid them
    op.execute("DELETE FROM reports WHERE id NOT IN (SELECT max(id) FROM reports GROUP BY organization_id, period)")
    op.create_index("uq_reports_organization_period", "reports", ["organization_id", "period"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_reports_organization_period", table_name="reports")
