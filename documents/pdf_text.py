"""The appendix as text dumped from a PDF: table cells broken across lines, columns run together.

Rows keep their reading order (task, leaders, lead agency, coordinating agencies,
result, completion time) but not their line breaks, so each task's lines are joined
and read as a grammar: the description runs to the first "Đ/c" (leader in charge);
the lead agency and the coordinating list are names of units; the completion time is
the longest tail that reads as a deadline; what lies between is the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from documents.plan_text import ROMAN, code_from_path, read_header, read_lines, split_at_appendix
from models.org.names import clean_text, display_name, normalize_leader, split_agencies
from models.plan.deadlines import DeadlineKind, InvalidDeadlineError, parse_deadline
from models.plan.document import PlanDocument, SectionRecord, TaskRecord
from models.plan.kpi import measurable_sentences

_HEADER_START = re.compile(r"^Nhiệm vụ cụ thể\b")
_HEADER_END = "hoàn thành"
_SECTION = re.compile(rf"^({ROMAN})\.\s+(\S.*)$")
_TASK_START = re.compile(r"^(\d{1,3})(?:\s+(\S.*))?$")
_LEADER = re.compile(r"Đ/c\s+.+?Đảng ủy", re.I)

_COUNCIL = r"(?:Đảng ủy|Thành ủy|Tỉnh ủy)"
_LEAD_AGENCY = re.compile(
    rf"^(?:Các Ban Đảng và Văn phòng {_COUNCIL}"
    rf"|Văn phòng {_COUNCIL}"
    rf"|Ban (?:Xây dựng Đảng|Tổ chức|Tuyên giáo(?: và Dân vận)?|Dân vận|Nội chính)(?: {_COUNCIL})?"
    rf"|(?:UBKT|Ủy ban Kiểm tra) {_COUNCIL}"
    r"|Công an (?:phường|xã|thành phố|tỉnh))",
    re.I,
)
_UNIT = (
    rf"(?:Các Ban Xây dựng Đảng|Các Ban Đảng|Văn phòng {_COUNCIL}|(?:UBKT|Ủy ban Kiểm tra) {_COUNCIL}"
    r"|Ban Xây dựng Đảng|các cấp ủy trực thuộc|Công an (?:phường|xã|thành phố)"
    r"|Trung tâm (?:HCC|Hành chính công)"
    r"|các cơ quan, đơn vị liên quan|các cơ quan có liên quan|các cơ quan liên quan)"
)
_COORDINATING = re.compile(rf"^(?:Phối hợp\s+)?{_UNIT}(?:\s*(?:,|;|\svà)\s+{_UNIT})*", re.I)
_LONGEST_DEADLINE_WORDS = 10


@dataclass
class _Block:
    number: str
    section: str | None
    line: int
    first: str
    rest: list[str] = field(default_factory=list)  # joined once: appending to a string is quadratic here

    @property
    def text(self) -> str:
        return " ".join([self.first, *self.rest])


def read_pdf_text(path: Path, *, code: str | None = None) -> PlanDocument:
    """Read a plan whose appendix came out of a PDF as broken text lines."""
    lines = read_lines(path)
    body, appendix = split_at_appendix(lines)
    header = read_header(body, appendix)
    first_line = len(body) + 2
    sections, blocks = _blocks(appendix, first_line)
    return header.document(
        code=code or code_from_path(path),
        source_name=path.name,
        source_format="pdf-text",
        sections=sections,
        tasks=[_task(block) for block in blocks],
    )


def _blocks(appendix: list[str], first_line: int) -> tuple[list[SectionRecord], list[_Block]]:
    sections: list[SectionRecord] = []
    blocks: list[_Block] = []
    in_header = False
    expected = 1
    for offset, raw in enumerate(appendix):
        line = raw.strip()
        if _HEADER_START.match(line):
            in_header = True
            continue
        if in_header:
            in_header = line != _HEADER_END
            continue
        section = _SECTION.match(line)
        if section:
            sections.append(SectionRecord(section.group(1), clean_text(section.group(2))))
            continue
        start = _TASK_START.match(line)
        if start and int(start.group(1)) == expected:
            current_section = sections[-1].number if sections else None
            blocks.append(_Block(start.group(1), current_section, first_line + offset, start.group(2) or ""))
            expected += 1
            continue
        if blocks and line:
            blocks[-1].rest.append(line)
    return sections, blocks


def _task(block: _Block) -> TaskRecord:
    text = clean_text(block.text)
    text, deadline = _take_deadline(text)
    leaders = list(_LEADER.finditer(text))
    if leaders:
        description = text[: leaders[0].start()]
        rest = text[leaders[-1].end() :].strip()
    else:
        description, rest = _split_without_leader(text)
    lead, rest = _take(_LEAD_AGENCY, rest)
    coordinating, result = _take(_COORDINATING, rest)
    description = description.strip()
    result = result.strip()
    return TaskRecord(
        number=block.number,
        section=block.section,
        description=description,
        leaders=[normalize_leader(m.group(0)) for m in leaders],
        lead_agency=display_name(lead) if lead else None,
        coordinating_agencies=split_agencies(coordinating),
        expected_result=result,
        kpi_text=measurable_sentences(description, result),
        deadline=deadline,
        source_row=block.line,
    )


def _take_deadline(text: str) -> tuple[str, str]:
    """The longest tail of the row that reads as a completion time, and the rest."""
    words = text.split()
    best = 0
    for count in range(1, min(_LONGEST_DEADLINE_WORDS, len(words)) + 1):
        tail = " ".join(words[-count:])
        if tail.startswith("("):  # a note in parentheses closes the result before it, it opens no deadline
            continue
        try:
            if parse_deadline(tail).kind is not DeadlineKind.UNKNOWN:
                best = count
        except InvalidDeadlineError:
            best = count
    if best == 0:
        return text, ""
    return " ".join(words[:-best]), " ".join(words[-best:])


def _split_without_leader(text: str) -> tuple[str, str]:
    """No leader named: the description ends with the sentence before the lead agency."""
    for match in re.finditer(r"\.\s+", text):
        if _LEAD_AGENCY.match(text[match.end() :]):
            return text[: match.start() + 1], text[match.end() :]
    return text, ""


def _take(pattern: re.Pattern[str], text: str) -> tuple[str, str]:
    match = pattern.match(text)
    if not match:
        return "", text
    return match.group(0), text[match.end() :].strip()
