"""A plan as plain data: what every importer produces and every exporter consumes.

It is validated completely before any row is written, so a bad file never leaves a
half-imported plan behind.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from models.errors import InvalidInputError
from models.plan.deadlines import InvalidDeadlineError, parse_deadline


@dataclass
class OrganizationRecord:
    """The Party committee that issues the plan, and the one above it."""

    code: str
    name: str
    level: str = "ward"
    place_name: str | None = None
    parent_code: str | None = None
    parent_name: str | None = None
    parent_level: str | None = None


@dataclass
class SectionRecord:
    """A section of the appendix (I., II., …)."""

    number: str
    title: str


@dataclass
class TaskRecord:
    """One appendix row, with the source row it came from (for error messages)."""

    number: str
    section: str | None
    description: str
    leaders: list[str] = field(default_factory=list)
    lead_agency: str | None = None
    coordinating_agencies: list[str] = field(default_factory=list)
    expected_result: str = ""
    kpi_text: str = ""
    deadline: str = ""
    notes: str = ""
    classified: bool = False  # "mật": its content never leaves planflow through e-mail or webhooks
    source_row: int | None = None


@dataclass
class PlanDocument:
    """Everything planflow keeps of one plan."""

    code: str
    title: str
    year: int
    organization: OrganizationRecord
    issuing_body: str | None = None
    document_number: str | None = None
    source_name: str | None = None
    source_format: str | None = None
    sections: list[SectionRecord] = field(default_factory=list)
    tasks: list[TaskRecord] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (for YAML and JSON), without the importer's row numbers."""
        data = asdict(self)
        for task in data["tasks"]:
            task.pop("source_row", None)
            if not task["classified"]:
                del task["classified"]  # written only for the few classified tasks
        return data


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, placed so a clerk can find it."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class PlanImportError(InvalidInputError):
    """A plan file that cannot be imported; nothing was written."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        listed = "; ".join(str(p) for p in problems[:10])
        more = f" (và {len(problems) - 10} lỗi khác)" if len(problems) > 10 else ""
        super().__init__(f"Không đọc được kế hoạch từ {source}: {listed}{more}")


def task_location(task: TaskRecord) -> str:
    """Where a task sits in its source, e.g. 'dòng 12, nhiệm vụ 3'."""
    row = f"dòng {task.source_row}, " if task.source_row is not None else ""
    return f"{row}nhiệm vụ {task.number or '?'}"


def find_problems(document: PlanDocument) -> list[Problem]:
    """Every reason the document cannot be stored, in source order."""
    problems: list[Problem] = []
    if not document.code.strip():
        problems.append(Problem("kế hoạch", "thiếu mã kế hoạch (code)"))
    if not document.title.strip():
        problems.append(Problem("kế hoạch", "thiếu tên kế hoạch (title)"))
    if not 2000 <= document.year <= 2100:
        problems.append(Problem("kế hoạch", f"năm {document.year} không hợp lệ"))
    if not document.organization.code.strip() or not document.organization.name.strip():
        problems.append(Problem("kế hoạch", "thiếu tổ chức đảng ban hành (organization code/name)"))
    if not document.tasks:
        problems.append(Problem("kế hoạch", "không có nhiệm vụ nào trong phụ lục"))
    section_numbers = [s.number for s in document.sections]
    for number in sorted({n for n in section_numbers if section_numbers.count(n) > 1}):
        problems.append(Problem(f"mục {number}", "số mục bị trùng"))
    seen: dict[str, TaskRecord] = {}
    for task in document.tasks:
        problems.extend(_task_problems(task, set(section_numbers)))
        if task.number in seen:
            first = task_location(seen[task.number])
            problems.append(Problem(task_location(task), f"số thứ tự nhiệm vụ bị trùng với {first}"))
        else:
            seen[task.number] = task
    return problems


def _task_problems(task: TaskRecord, sections: set[str]) -> list[Problem]:
    where = task_location(task)
    problems: list[Problem] = []
    if not task.number.strip():
        problems.append(Problem(where, "thiếu số thứ tự nhiệm vụ"))
    if not task.description.strip():
        problems.append(Problem(where, "nhiệm vụ trống (không có nội dung nhiệm vụ)"))
    if task.section is not None and task.section not in sections:
        problems.append(Problem(where, f"mục '{task.section}' không có trong danh sách mục"))
    try:
        parse_deadline(task.deadline)
    except InvalidDeadlineError as exc:
        problems.append(Problem(where, str(exc)))
    return problems


def validate(document: PlanDocument) -> PlanDocument:
    """Raise `PlanImportError` listing every problem, or return the document unchanged."""
    problems = find_problems(document)
    if problems:
        raise PlanImportError(document.source_name or document.code, problems)
    return document
