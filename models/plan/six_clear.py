"""The "6 rõ" rule: every task must be clear on who, what, responsibility, timing, result, authority.

rõ người        — one unit does the work (a single lead agency, not "Các …" or "A và B");
rõ việc         — the task says what is to be done (a real sentence);
rõ trách nhiệm  — lead and coordinating roles do not overlap;
rõ tiến độ      — there is a date to measure progress against;
rõ kết quả      — the result is a product or a figure that can be checked;
rõ thẩm quyền   — a leader in charge is named to decide on the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from models.org.names import agency_key, agency_kind
from models.org.tables import AgencyKind
from models.plan.deadlines import DeadlineKind, InvalidDeadlineError, parse_deadline
from models.plan.document import PlanDocument, TaskRecord


class Criterion(StrEnum):
    """The six criteria, with their Vietnamese names as values shown to people."""

    WHO = "rõ người"
    WHAT = "rõ việc"
    RESPONSIBILITY = "rõ trách nhiệm"
    TIMING = "rõ tiến độ"
    RESULT = "rõ kết quả"
    AUTHORITY = "rõ thẩm quyền"


class Severity(StrEnum):
    """Missing: the plan says nothing; vague: it says something that cannot be checked."""

    MISSING = "missing"
    VAGUE = "vague"


@dataclass(frozen=True)
class Finding:
    """One criterion a task does not meet, and why."""

    task_number: str
    criterion: Criterion
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, str]:
        """The JSON shape of `planflow plan lint --json`."""
        return {
            "task": self.task_number,
            "criterion": self.criterion.value,
            "severity": self.severity.value,
            "message": self.message,
        }


_MIN_DESCRIPTION_WORDS = 5
_PRODUCT_WORDS = (
    "kế hoạch",
    "báo cáo",
    "quyết định",
    "quy chế",
    "quy định",
    "danh mục",
    "văn bản",
    "hướng dẫn",
    "tài liệu",
    "đề án",
    "thông báo",
    "danh sách",
    "chứng thư",
    "kho dữ liệu",
    "phần mềm",
    "hệ thống",
    "chuyên trang",
    "hồ sơ",
    "kết quả cập nhật",
    "kết quả xử lý",
)
_FIGURE = re.compile(r"\d+\s*%|≥|≤|\b\d+\b")


def lint_plan(document: PlanDocument) -> list[Finding]:
    """All findings of a plan, task by task in plan order."""
    findings: list[Finding] = []
    for task in document.tasks:
        findings.extend(lint_task(task))
    return findings


def lint_task(task: TaskRecord) -> list[Finding]:
    """The criteria one task does not meet."""
    checks = (_who, _what, _responsibility, _timing, _result, _authority)
    return [finding for check in checks if (finding := check(task)) is not None]


def _who(task: TaskRecord) -> Finding | None:
    if not task.lead_agency:
        return Finding(task.number, Criterion.WHO, Severity.MISSING, "chưa có cơ quan chủ trì")
    if agency_kind(task.lead_agency) is AgencyKind.GROUP:
        return Finding(
            task.number,
            Criterion.WHO,
            Severity.VAGUE,
            f"cơ quan chủ trì '{task.lead_agency}' là nhiều đơn vị: chưa rõ một đơn vị chịu trách nhiệm chính",
        )
    return None


def _what(task: TaskRecord) -> Finding | None:
    words = len(task.description.split())
    if words == 0:
        return Finding(task.number, Criterion.WHAT, Severity.MISSING, "nhiệm vụ không có nội dung")
    if words < _MIN_DESCRIPTION_WORDS:
        return Finding(task.number, Criterion.WHAT, Severity.VAGUE, f"nội dung nhiệm vụ quá ngắn ({words} từ)")
    return None


def _responsibility(task: TaskRecord) -> Finding | None:
    if not task.lead_agency:
        return Finding(
            task.number,
            Criterion.RESPONSIBILITY,
            Severity.MISSING,
            "không phân định được chủ trì và phối hợp khi chưa có cơ quan chủ trì",
        )
    lead = agency_key(task.lead_agency)
    overlap = [
        name
        for name in task.coordinating_agencies
        if agency_key(name) == lead or agency_key(name) in lead.split(" và ")
    ]
    if overlap:
        return Finding(
            task.number,
            Criterion.RESPONSIBILITY,
            Severity.VAGUE,
            f"'{overlap[0]}' vừa chủ trì vừa phối hợp",
        )
    return None


def _timing(task: TaskRecord) -> Finding | None:
    if not task.deadline.strip():
        return Finding(task.number, Criterion.TIMING, Severity.MISSING, "chưa có thời gian hoàn thành")
    try:
        spec = parse_deadline(task.deadline)
    except InvalidDeadlineError as exc:
        return Finding(task.number, Criterion.TIMING, Severity.MISSING, str(exc))
    messages = {
        DeadlineKind.UNKNOWN: f"không hiểu được thời hạn '{spec.text}'",
        DeadlineKind.UPSTREAM: f"thời hạn phụ thuộc cấp trên ({spec.upstream_body}): chưa có ngày cụ thể",
        DeadlineKind.EVENT: f"thời hạn chờ sự kiện '{spec.event}': chưa có ngày cụ thể",
    }
    if spec.kind in messages:
        return Finding(task.number, Criterion.TIMING, Severity.VAGUE, messages[spec.kind])
    if spec.tentative:
        return Finding(task.number, Criterion.TIMING, Severity.VAGUE, f"thời hạn mới là dự kiến ('{spec.text}')")
    return None


def _result(task: TaskRecord) -> Finding | None:
    result = task.expected_result.strip()
    if not result:
        return Finding(task.number, Criterion.RESULT, Severity.MISSING, "chưa có kết quả, sản phẩm")
    lowered = result.lower()
    if _FIGURE.search(result) or any(word in lowered for word in _PRODUCT_WORDS):
        return None
    return Finding(
        task.number,
        Criterion.RESULT,
        Severity.VAGUE,
        "kết quả chưa đo đếm được (không nêu sản phẩm hay chỉ tiêu cụ thể)",
    )


def _authority(task: TaskRecord) -> Finding | None:
    if not task.leaders:
        return Finding(
            task.number, Criterion.AUTHORITY, Severity.MISSING, "chưa có đồng chí lãnh đạo phụ trách quyết định kết quả"
        )
    return None
