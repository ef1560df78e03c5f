"""task lifecycle

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coordination_inputs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("given_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_coordination_inputs_agency_id_agencies")),
        sa.ForeignKeyConstraint(["given_by_id"], ["people.id"], name=op.f("fk_coordination_inputs_given_by_id_people")),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plan_tasks.id"], name=op.f("fk_coordination_inputs_task_id_plan_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordination_inputs")),
    )
    with op.batch_alter_table("coordination_inputs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coordination_inputs_task_id"), ["task_id"], unique=False)

    op.create_table(
        "coordination_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_coordination_requests_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["people.id"], name=op.f("fk_coordination_requests_requested_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plan_tasks.id"], name=op.f("fk_coordination_requests_task_id_plan_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordination_requests")),
    )
    with op.batch_alter_table("coordination_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coordination_requests_task_id"), ["task_id"], unique=False)

    op.create_table(
        "deadline_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("old_due_date", sa.Date(), nullable=True),
        sa.Column("new_due_date", sa.Date(), nullable=False),
        sa.Column("cause", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["people.id"], name=op.f("fk_deadline_changes_changed_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plan_tasks.id"], name=op.f("fk_deadline_changes_task_id_plan_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_changes")),
    )
    with op.batch_alter_table("deadline_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deadline_changes_task_id"), ["task_id"], unique=False)

    op.create_table(
        "explanations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("submitted_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("new_due_date", sa.Date(), nullable=True),
        sa.Column("agency_head_name", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_explanations_agency_id_agencies")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["people.id"], name=op.f("fk_explanations_decided_by_id_people")),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["people.id"], name=op.f("fk_explanations_requested_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["people.id"], name=op.f("fk_explanations_submitted_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plan_tasks.id"], name=op.f("fk_explanations_task_id_plan_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_explanations")),
    )
    with op.batch_alter_table("explanations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_explanations_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_explanations_task_id"), ["task_id"], unique=False)

    op.create_table(
        "extension_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("requested_due_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["people.id"], name=op.f("fk_extension_requests_decided_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["people.id"], name=op.f("fk_extension_requests_requested_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plan_tasks.id"], name=op.f("fk_extension_requests_task_id_plan_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_requests")),
    )
    with op.batch_alter_table("extension_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_extension_requests_task_id"), ["task_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("idempotency_key", sa.String(length=300), nullable=False),
        sa.Column("template", sa.String(length=80), nullable=False),
        sa.Column("recipient_agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("recipient_person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "context", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_agency_id"], ["agencies.id"], name=op.f("fk_outbox_recipient_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_person_id"], ["people.id"], name=op.f("fk_outbox_recipient_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plan_tasks.id"], name=op.f("fk_outbox_task_id_plan_tasks"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_recipient_agency_id"), ["recipient_agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_recipient_person_id"), ["recipient_person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_task_id"), ["task_id"], unique=False)

    op.create_table(
        "progress_reports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reported_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reported_by_id"], ["people.id"], name=op.f("fk_progress_reports_reported_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plan_tasks.id"], name=op.f("fk_progress_reports_task_id_plan_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_reports")),
        sa.UniqueConstraint("task_id", "period", "version", name=op.f("uq_progress_reports_task_id_period_version")),
    )
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_progress_reports_period"), ["period"], unique=False)
        batch_op.create_index(batch_op.f("ix_progress_reports_task_id"), ["task_id"], unique=False)

    op.create_table(
        "submissions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("result_text", sa.Text(), nullable=False),
        sa.Column(
            "evidence", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "kpi_values", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("submitted_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("reviewed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["people.id"], name=op.f("fk_submissions_reviewed_by_id_people")),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["people.id"], name=op.f("fk_submissions_submitted_by_id_people")),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plan_tasks.id"], name=op.f("fk_submissions_task_id_plan_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("task_id", "version", name=op.f("uq_submissions_task_id_version")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_task_id"), ["task_id"], unique=False)

    # Plain ADD COLUMN and unique indexes: on SQLite a batch rebuild of audit_events would
    # copy the table and lose its append-only triggers.
    op.add_column("audit_events", sa.Column("idempotency_key", sa.String(length=200), nullable=True))
    op.create_index("ix_audit_events_idempotency_key", "audit_events", ["idempotency_key"], unique=True)
    op.add_column("people", sa.Column("is_agency_head", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("people", sa.Column("standing_committee", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index("ix_people_email", "people", ["email"], unique=True)
    op.add_column("plan_tasks", sa.Column("status", sa.String(length=30), server_default="imported", nullable=False))
    op.add_column("plan_tasks", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("plan_tasks", sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("plan_tasks", sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_plan_tasks_status", "plan_tasks", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_plan_tasks_status", table_name="plan_tasks")
    with op.batch_alter_table("plan_tasks", schema=None) as batch_op:
        batch_op.drop_column("completed_at")
        batch_op.drop_column("status_changed_at")
        batch_op.drop_column("version")
        batch_op.drop_column("status")
    op.drop_index("ix_people_email", table_name="people")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("standing_committee")
        batch_op.drop_column("is_agency_head")
    op.drop_index("ix_audit_events_idempotency_key", table_name="audit_events")
    op.drop_column("audit_events", "idempotency_key")

    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_task_id"))

    op.drop_table("submissions")
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progress_reports_task_id"))
        batch_op.drop_index(batch_op.f("ix_progress_reports_period"))

    op.drop_table("progress_reports")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_task_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_status"))
        batch_op.drop_index(batch_op.f("ix_outbox_recipient_person_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_recipient_agency_id"))

    op.drop_table("outbox")
    with op.batch_alter_table("extension_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extension_requests_task_id"))

    op.drop_table("extension_requests")
    with op.batch_alter_table("explanations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_explanations_task_id"))
        batch_op.drop_index(batch_op.f("ix_explanations_agency_id"))

    op.drop_table("explanations")
    with op.batch_alter_table("deadline_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadline_changes_task_id"))

    op.drop_table("deadline_changes")
    with op.batch_alter_table("coordination_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordination_requests_task_id"))

    op.drop_table("coordination_requests")
    with op.batch_alter_table("coordination_inputs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordination_inputs_task_id"))

    op.drop_table("coordination_inputs")
