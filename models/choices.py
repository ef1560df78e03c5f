"""Every status and kind stored as text, with the StrEnum that names its values.

On PostgreSQL each is a CHECK constraint (migration 0017; deadline kinds, levels and machine scopes since 0001 and
0015, on SQLite too), so a value the code does not know cannot be stored by any door; a test keeps these enums and
the constraints equal.
"""

from __future__ import annotations

from enum import StrEnum

from models.accounts.machine_tokens import MachineScope
from models.audit import Channel
from models.escalation.sweep import EscalationKind
from models.lifecycle.tables import ExplanationDecision, ExtensionDecision, SubmissionDecision
from models.lifecycle.workflow import TaskStatus
from models.org.tables import AgencyKind, OrganizationLevel
from models.outbox.tables import DeliveryChannel, OutboxStatus
from models.plan.deadlines import DeadlineKind
from models.reporting.review_cycle import ReviewCycleStatus

STORED_CHOICES: dict[tuple[str, str], type[StrEnum]] = {
    ("plan_tasks", "status"): TaskStatus,
    ("plan_tasks", "deadline_kind"): DeadlineKind,
    ("agencies", "kind"): AgencyKind,
    ("organizations", "level"): OrganizationLevel,
    ("people", "machine_scope"): MachineScope,
    ("outbox", "status"): OutboxStatus,
    ("outbox", "channel"): DeliveryChannel,
    ("escalations", "kind"): EscalationKind,
    ("review_cycles", "status"): ReviewCycleStatus,
    ("submissions", "decision"): SubmissionDecision,
    ("explanations", "decision"): ExplanationDecision,
    ("extension_requests", "decision"): ExtensionDecision,
    ("audit_events", "channel"): Channel,
}
