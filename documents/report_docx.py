"""The report as a Word document in the Party document layout (Hướng dẫn 36-HD/VPTW).

Heading: issuing body under its upper body with a '*', the number and symbol; on the
right "ĐẢNG CỘNG SẢN VIỆT NAM" underlined and the place-and-date line in italics. Then
"BÁO CÁO" and its summary, the numbered body, the signature block and "Nơi nhận".
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt

from documents.column_widths import fitted_widths
from models.labels import label_vi
from models.reporting.figures import CATEGORIES, RATIO_DEFINITIONS
from models.reporting.title import report_subject
from models.reporting.views import (
    UNIT_COLUMNS,
    indicator_assessment,
    indicator_result,
    overdue_heading,
    recurring_line,
    unit_rows,
)
from models.vn_format import change_text, day_text, percent_text, target_text
from notifications.vietnamese import date_line


@dataclass(frozen=True)
class ReportLayout:
    """What the document says about itself beyond the figures: number, place, date, signature, recipients."""

    number: str
    place: str
    issued_on: date
    authority: str = "T/M BAN THƯỜNG VỤ"
    signer_title: str = "PHÓ BÍ THƯ THƯỜNG TRỰC"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
    charts: dict[str, bytes] = field(default_factory=dict)


def _paragraph(
    doc: DocumentType,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    align: Any = None,
    size: float = 14,
    underline: bool = False,
) -> Any:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(2)
    return paragraph


def _cell_line(
    cell: Any, text: str, *, bold: bool = False, italic: bool = False, underline: bool = False, size: float = 13
) -> None:
    paragraph = cell.add_paragraph() if cell.paragraphs[0].text else cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)


def _heading(doc: DocumentType, figures: dict[str, Any], layout: ReportLayout) -> None:
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    if figures.get("parent"):
        _cell_line(left, figures["parent"].upper())
    _cell_line(left, figures["organization"].upper(), bold=True)
    _cell_line(left, "*")
    _cell_line(left, f"Số {layout.number}")
    _cell_line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=14)
    _cell_line(right, f"{layout.place}, {date_line(layout.issued_on)}", italic=True)


PAGE_WIDTH_CM = 16.5  # A4 less the left (3 cm) and right (1.5 cm) margins


def _table(doc: DocumentType, header: list[str], rows: list[list[Any]]) -> None:
    """A table whose columns are fitted to their content: no word is ever broken across lines."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Cm(width) for width in fitted_widths(header, rows, page_cm=PAGE_WIDTH_CM)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice follows; each row added below copies it to its cells
    for cell, title, width in zip(table.rows[0].cells, header, widths, strict=True):
        cell.width = width  # each cell's own width, which Word follows
        _cell_text(cell, title, bold=True)
    _repeat_as_header(table.rows[0])
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            _cell_text(cell, "" if value is None else str(value))


def _cell_text(cell: Any, text: str, *, bold: bool = False) -> None:
    """The cell's text in one 11-point run."""
    run = cell.paragraphs[0].add_run(text)
    run.font.size = Pt(11)
    if bold:
        run.bold = True


def _repeat_as_header(row: Any) -> None:
    """The header row repeats at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:tblHeader"))


def _kept_on_one_page(row: Any) -> None:
    """A row that never splits across pages (the signature block)."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def _body(doc: DocumentType, figures: dict[str, Any], layout: ReportLayout) -> None:
    totals, ratios = figures["totals"], figures["ratios"]
    total = sum(totals.values())
    _paragraph(doc, "I. KẾT QUẢ THỰC HIỆN", bold=True)
    previous = figures.get("previous")
    as_of = day_text(figures["as_of"])
    counts = "; ".join(f"{label} {totals[key]}" for key, label in CATEGORIES if totals[key])
    on_time, overdue = percent_text(ratios["on_time_ratio"]), percent_text(ratios["overdue_ratio"])
    summary = (
        f"Tính đến {as_of}, {figures['organization']} theo dõi {total} nhiệm vụ: {counts}. "
        f"Tỷ lệ hoàn thành đúng hạn {on_time}; tỷ lệ quá hạn {overdue}."
    )
    _paragraph(doc, summary)
    if previous:
        _paragraph(
            doc,
            f"So với {previous['period_label']}: "
            + "; ".join(
                f"{label} {change_text(figures['change'][key])}" for key, label in CATEGORIES if figures["change"][key]
            )
            + ".",
        )
    _paragraph(doc, "1. Theo trạng thái", bold=True)
    _table(
        doc,
        ["Trạng thái", "Số nhiệm vụ", "Thay đổi so với kỳ trước"],
        [
            [label, totals[key], change_text(figures["change"].get(key)) if previous else "—"]
            for key, label in CATEGORIES
        ],
    )
    for name, meaning in RATIO_DEFINITIONS.values():
        _paragraph(doc, f"{name} = {meaning}.", size=11, italic=True)
    _paragraph(doc, "2. Theo mục của kế hoạch", bold=True)
    _group_table(doc, figures["by_section"], "Mục")
    if "sections" in layout.charts:
        doc.add_picture(io.BytesIO(layout.charts["sections"]), width=Cm(16))
    _paragraph(doc, "3. Theo cơ quan chủ trì", bold=True)
    _group_table(doc, figures["by_agency"], "Cơ quan chủ trì")
    number = 4
    if figures.get("by_leader"):
        _paragraph(doc, f"{number}. Theo lãnh đạo phụ trách", bold=True)
        _group_table(doc, figures["by_leader"], "Lãnh đạo phụ trách")
        number += 1
    if figures.get("by_organization"):
        _paragraph(doc, f"{number}. Theo đơn vị trực thuộc (xếp hạng)", bold=True)
        _unit_table(doc, figures["by_organization"])
        number += 1
    _paragraph(doc, f"{number}. Chỉ tiêu của kế hoạch", bold=True)
    _table(
        doc,
        ["Chỉ tiêu", "Mục tiêu", "Kết quả đo", "Đánh giá"],
        [
            [
                i["text"],
                target_text(i["comparator"], i["target"], i["unit"]),
                indicator_result(i),
                indicator_assessment(i),
            ]
            for i in figures["indicators"]
        ],
    )
    _paragraph(doc, f"{number + 1}. Nhiệm vụ quá hạn và giải trình", bold=True)
    if figures.get("rollup") and figures["overdue"]:
        _paragraph(doc, overdue_heading(figures), italic=True, size=12)
    if figures["overdue"]:
        _table(
            doc,
            ["Nhiệm vụ", "Cơ quan chủ trì", "Hạn", "Giải trình", "Quyết định"],
            [
                [
                    f"{o['number']}. {o['description']}",
                    f"{o['lead_agency']} ({o['organization']})" if figures.get("rollup") else o["lead_agency"],
                    day_text(o["due_date"]) if o["due_date"] else "",
                    o["explanation"] or "chưa có",
                    label_vi(o["decision"], empty="chờ"),
                ]
                for o in figures["overdue"]
            ],
        )
    else:
        _paragraph(doc, "Không có nhiệm vụ quá hạn.")
    _paragraph(doc, f"{number + 2}. Nhiệm vụ thường xuyên", bold=True)
    _paragraph(doc, recurring_line(figures))
    _paragraph(doc, f"{number + 3}. Trách nhiệm của cơ quan và người đứng đầu", bold=True)
    _table(
        doc,
        [
            "Cơ quan",
            "Người đứng đầu",
            "Quá hạn",
            "Hoàn thành muộn",
            "Bị trả lại",
            "Thiếu báo cáo kỳ",
            "Giải trình không được chấp nhận",
            "Xét khen thưởng",
        ],
        [
            [
                a["agency"],
                a["head"] or "",
                a["overdue"],
                a["completed_late"],
                a["returned"],
                a["missing_progress"],
                a["explanations_rejected"],
                "đủ điều kiện" if a["eligible_for_commendation"] else "không xem xét",
            ]
            for a in figures["accountability"]
        ],
    )
    _written(doc, figures.get("written") or {})


def _written(doc: DocumentType, written: dict[str, Any]) -> None:
    """II. the overall assessment, III. the next period's main tasks, IV. the proposals — written from the data."""
    assessment = written.get("assessment", {})
    _paragraph(doc, "II. ĐÁNH GIÁ CHUNG", bold=True)
    for number, (title, key, empty) in enumerate(
        [
            ("Ưu điểm", "strengths", "Chưa có cơ quan nào hoàn thành đúng hạn toàn bộ nhiệm vụ đến hạn."),
            ("Hạn chế", "shortcomings", "Không có nhiệm vụ quá hạn."),
            ("Nguyên nhân", "causes", "Không có hạn chế cần giải trình."),
        ],
        start=1,
    ):
        _paragraph(doc, f"{number}. {title}", bold=True)
        for line in assessment.get(key) or [empty]:
            _paragraph(doc, f"- {line}")
    upcoming = written.get("next_period", {})
    _paragraph(doc, f"III. NHIỆM VỤ TRỌNG TÂM {str(upcoming.get('label', 'KỲ TỚI')).upper()}", bold=True)
    if not upcoming.get("units"):
        _paragraph(doc, "Không có nhiệm vụ nào đến hạn trong kỳ tới.")
    for unit in upcoming.get("units", []):
        _paragraph(doc, f"- {unit['agency']}:", bold=True)
        for task in unit["tasks"]:
            _paragraph(doc, f"+ Nhiệm vụ {task['number']} (hạn {day_text(task['due_date'])}): {task['description']}")
        if unit.get("more"):
            _paragraph(doc, f"+ … và {unit['more']} nhiệm vụ khác.")
    _paragraph(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    for line in written.get("proposals") or ["Không có đề xuất, kiến nghị với cấp trên trong kỳ."]:
        _paragraph(doc, f"- {line}")


def _group_table(doc: DocumentType, groups: list[dict[str, Any]], title: str) -> None:
    _table(
        doc,
        [title, "Tổng", "Đúng hạn", "Quá hạn (HT)", "Đang làm", "Sắp đến hạn", "Quá hạn", "Chờ cấp trên"],
        [
            [
                g["name"],
                g["tasks"],
                g["completed_on_time"],
                g["completed_late"],
                g["in_progress"],
                g["due_soon"],
                g["overdue"],
                g["waiting_upstream"],
            ]
            for g in groups
        ],
    )


def _unit_table(doc: DocumentType, units: list[dict[str, Any]]) -> None:
    _table(doc, UNIT_COLUMNS, unit_rows(units))


def _closing(doc: DocumentType, layout: ReportLayout) -> None:
    """Nơi nhận on the left, the signature block on the right: one row that never splits across pages."""
    table = doc.add_table(rows=1, cols=2)
    _kept_on_one_page(table.rows[0])
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    left.paragraphs[0].runs[0].underline = True
    for line in layout.recipients:
        run = left.add_paragraph().add_run(line)
        run.font.size = Pt(11)
    _cell_line(right, layout.authority, bold=True)
    _cell_line(right, layout.signer_title.upper(), bold=True)
    for _ in range(3):
        right.add_paragraph()
    _cell_line(right, layout.signer_name, bold=True)


def write_report_docx(figures: dict[str, Any], layout: ReportLayout, path: Path) -> Path:
    """Write the Word report; the figures are the stored JSON of the report."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    _heading(doc, figures, layout)
    _paragraph(doc)
    _paragraph(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=15)
    _paragraph(doc, report_subject(figures), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "-----", align=WD_ALIGN_PARAGRAPH.CENTER)
    _body(doc, figures, layout)
    _paragraph(doc)
    _closing(doc, layout)
    doc.save(str(path))
    return path
