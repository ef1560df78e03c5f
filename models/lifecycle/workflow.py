"""THE state machine of a plan task, as data: (status, action) → (next status, who may act).

Read the table at the bottom in one screen. `SAME` keeps the status (the move still
writes its record, audit event and notifications: an input, a progress report, an
extension decision, a date set by the upper body). Every status change goes through
`models.lifecycle.moves.apply_move`, which reads this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TaskStatus(StrEnum):
    """Where a task is in its life."""

    IMPORTED = "imported"
    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    EXPLANATION_REQUESTED = "explanation_requested"
    EXPLANATION_SUBMITTED = "explanation_submitted"
    CANCELLED = "cancelled"


STATUS_LABELS_VI: dict[TaskStatus, str] = {
    TaskStatus.IMPORTED: "chưa giao",
    TaskStatus.ASSIGNED: "đã giao",
    TaskStatus.ACKNOWLEDGED: "đã tiếp nhận",
    TaskStatus.IN_PROGRESS: "đang thực hiện",
    TaskStatus.SUBMITTED: "chờ duyệt kết quả",
    TaskStatus.RETURNED: "trả lại để hoàn thiện",
    TaskStatus.APPROVED: "hoàn thành",
    TaskStatus.EXPLANATION_REQUESTED: "yêu cầu giải trình",
    TaskStatus.EXPLANATION_SUBMITTED: "đã giải trình",
    TaskStatus.CANCELLED: "đã hủy",
}

CLOSED = frozenset({TaskStatus.APPROVED, TaskStatus.CANCELLED})


class Action(StrEnum):
    """The moves a person can make on a task."""

    ASSIGN = "assign"
    ACKNOWLEDGE = "acknowledge"
    REQUEST_COORDINATION = "request_coordination"
    GIVE_INPUT = "give_input"
    SUBMIT = "submit"
    SUBMIT_PROGRESS = "submit_progress"
    APPROVE = "approve"
    RETURN = "return"
    REQUEST_EXPLANATION = "request_explanation"
    SUBMIT_EXPLANATION = "submit_explanation"
    ACCEPT_EXPLANATION = "accept_explanation"
    REJECT_EXPLANATION = "reject_explanation"
    REQUEST_EXTENSION = "request_extension"
    GRANT_EXTENSION = "grant_extension"
    REFUSE_EXTENSION = "refuse_extension"
    SET_DEADLINE = "set_deadline"
    CANCEL = "cancel"


ACTION_LABELS_VI: dict[Action, str] = {
    Action.ASSIGN: "giao",
    Action.ACKNOWLEDGE: "tiếp nhận",
    Action.REQUEST_COORDINATION: "đề nghị phối hợp",
    Action.GIVE_INPUT: "gửi ý kiến phối hợp",
    Action.SUBMIT: "nộp kết quả",
    Action.SUBMIT_PROGRESS: "báo cáo tiến độ kỳ",
    Action.APPROVE: "duyệt kết quả",
    Action.RETURN: "trả lại kết quả",
    Action.REQUEST_EXPLANATION: "yêu cầu giải trình",
    Action.SUBMIT_EXPLANATION: "nộp giải trình",
    Action.ACCEPT_EXPLANATION: "chấp nhận giải trình",
    Action.REJECT_EXPLANATION: "không chấp nhận giải trình",
    Action.REQUEST_EXTENSION: "đề nghị gia hạn",
    Action.GRANT_EXTENSION: "đồng ý gia hạn",
    Action.REFUSE_EXTENSION: "không đồng ý gia hạn",
    Action.SET_DEADLINE: "cập nhật thời hạn do cấp trên ấn định",
    Action.CANCEL: "hủy bỏ",
}


class Role(StrEnum):
    """Whose authority a move needs (rõ thẩm quyền); derived per person and task."""

    SECRETARIAT = "secretariat"  # members of the Văn phòng of the task's organization
    LEAD = "lead"  # members of the task's lead agency
    COORDINATOR = "coordinator"  # members of one of its coordinating agencies
    LEADER = "leader"  # the leader in charge named on the task
    STANDING_COMMITTEE = "standing_committee"  # members of the Ban Thường vụ


ROLE_LABELS_VI: dict[Role, str] = {
    Role.SECRETARIAT: "Văn phòng Đảng ủy",
    Role.LEAD: "cơ quan chủ trì",
    Role.COORDINATOR: "cơ quan phối hợp",
    Role.LEADER: "đồng chí lãnh đạo phụ trách",
    Role.STANDING_COMMITTEE: "Ban Thường vụ",
}


@dataclass(frozen=True)
class Move:
    """What an allowed action does from one status."""

    next_status: TaskStatus | None  # None: the status stays (SAME)
    roles: frozenset[Role]


SAME = None
S = TaskStatus
A = Action
_SECRETARIAT = frozenset({Role.SECRETARIAT})
_REVIEWERS = frozenset({Role.SECRETARIAT, Role.STANDING_COMMITTEE})
_LEAD = frozenset({Role.LEAD})
_COORDINATOR = frozenset({Role.COORDINATOR})
_DECIDERS = frozenset({Role.LEADER, Role.STANDING_COMMITTEE})
_STANDING = frozenset({Role.STANDING_COMMITTEE})
_WORKING = (S.ACKNOWLEDGED, S.IN_PROGRESS, S.RETURNED)
_OPEN = (S.ASSIGNED, *_WORKING, S.SUBMITTED, S.EXPLANATION_REQUESTED, S.EXPLANATION_SUBMITTED)


def _rows() -> dict[tuple[TaskStatus, Action], Move]:
    rows: dict[tuple[TaskStatus, Action], Move] = {
        (S.IMPORTED, A.ASSIGN): Move(S.ASSIGNED, _SECRETARIAT),
        (S.ASSIGNED, A.ACKNOWLEDGE): Move(S.ACKNOWLEDGED, _LEAD),
        # The Standing Committee reviews too: the Văn phòng may not approve what it submitted itself (four eyes).
        (S.SUBMITTED, A.APPROVE): Move(S.APPROVED, _REVIEWERS),
        (S.SUBMITTED, A.RETURN): Move(S.RETURNED, _REVIEWERS),
        (S.EXPLANATION_REQUESTED, A.SUBMIT_EXPLANATION): Move(S.EXPLANATION_SUBMITTED, _LEAD),
        (S.EXPLANATION_SUBMITTED, A.ACCEPT_EXPLANATION): Move(S.IN_PROGRESS, _DECIDERS),
        (S.EXPLANATION_SUBMITTED, A.REJECT_EXPLANATION): Move(S.IN_PROGRESS, _DECIDERS),
        (S.IN_PROGRESS, A.GIVE_INPUT): Move(SAME, _COORDINATOR),
    }
    for status in _WORKING:
        rows[(status, A.REQUEST_COORDINATION)] = Move(S.IN_PROGRESS, _LEAD)
        rows[(status, A.SUBMIT)] = Move(S.SUBMITTED, _LEAD)
        rows[(status, A.SUBMIT_PROGRESS)] = Move(S.IN_PROGRESS, _LEAD)
    for status in (S.ASSIGNED, *_WORKING):
        rows[(status, A.REQUEST_EXTENSION)] = Move(SAME, _LEAD)
        rows[(status, A.GRANT_EXTENSION)] = Move(SAME, _DECIDERS)
        rows[(status, A.REFUSE_EXTENSION)] = Move(SAME, _DECIDERS)
    for status in (S.ASSIGNED, *_WORKING, S.SUBMITTED):
        rows[(status, A.REQUEST_EXPLANATION)] = Move(S.EXPLANATION_REQUESTED, _SECRETARIAT)
    for status in (S.IMPORTED, *_OPEN):
        rows[(status, A.SET_DEADLINE)] = Move(SAME, _SECRETARIAT)
        rows[(status, A.CANCEL)] = Move(S.CANCELLED, _STANDING)
    return rows


TRANSITIONS: dict[tuple[TaskStatus, Action], Move] = _rows()


def allowed_actions(status: TaskStatus) -> list[Action]:
    """The actions the table allows from a status (for forms and error messages)."""
    return [action for (state, action) in TRANSITIONS if state is status]
