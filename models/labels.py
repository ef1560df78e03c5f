"""The one place that names every stored value a person may read — statuses, actions, deadline kinds,
decisions, roles — in Vietnamese. The CLI, the portal, messages and every report format read it;
`--json` keeps the stable English values."""

from __future__ import annotations

from models.audit import CHANNEL_LABELS_VI
from models.lifecycle.workflow import ACTION_LABELS_VI, ROLE_LABELS_VI, STATUS_LABELS_VI, Action, Role, TaskStatus
from models.plan.deadlines import KIND_LABELS_VI, DeadlineKind

DECISION_LABELS_VI = {
    "approved": "đã duyệt",
    "returned": "trả lại để hoàn thiện",
    "accepted": "chấp nhận",
    "rejected": "không chấp nhận",
    "granted": "đồng ý gia hạn",
    "refused": "không đồng ý gia hạn",
}
OUTBOX_LABELS_VI = {"pending": "chờ gửi", "sending": "đang gửi", "sent": "đã gửi", "failed": "lỗi"}

_ALL: dict[str, str] = {
    **{status.value: label for status, label in STATUS_LABELS_VI.items()},
    **{action.value: label for action, label in ACTION_LABELS_VI.items()},
    **{kind.value: label for kind, label in KIND_LABELS_VI.items()},
    **{role.value: label for role, label in ROLE_LABELS_VI.items()},
    **DECISION_LABELS_VI,
    **{channel.value: label for channel, label in CHANNEL_LABELS_VI.items()},
}
ENGLISH_VALUES = frozenset(
    [*(s.value for s in TaskStatus), *(a.value for a in Action), *(k.value for k in DeadlineKind),
     *(r.value for r in Role), *DECISION_LABELS_VI]
)  # fmt: skip


def label_vi(value: str | None, empty: str = "—") -> str:
    """The Vietnamese word for a stored value (an unknown value is shown as it is)."""
    if not value:
        return empty
    return _ALL.get(value.removeprefix("task."), value)
