"""Every status and kind stored as text, with the StrEnum that names its values.

On PostgreSQL each is a CHECK constraint (migration 0017; deadline kinds, levels and machine scopes since 0001 and
0015, on SQLite too), so a value the code does not know cannot be stored by any door; a test keeps these enums and
the constraints equal.
"""

from __future__ import annotations

from enum import StrEnum

from models.audit import Channel
from models.deadlines import DeadlineKind
from models.escalation import EscalationKind
from models.machine_tokens import MachineScope
from models.org import AgencyKind, OrganizationLevel
from models.outbox import DeliveryChannel, OutboxStatus
from models.records import ExplanationDecision, ExtensionDecision, SubmissionDecision
from models.review_cycle import ReviewCycleStatus
from models.workflow import TaskStatus

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
