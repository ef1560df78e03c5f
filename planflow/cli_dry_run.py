"""`planflow plan import FILE --dry-run`: what planflow would read from a file, and nothing written."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from documents.reader import Reading, read_plan_with_details
from documents.tables.headers import FIELD_TITLES_VI
from models.plan.document import find_problems
from models.plan.six_clear import lint_plan
from planflow.cli_common import print_json

SHOWN_ROWS = 5


def dry_run_view(reading: Reading) -> dict[str, Any]:
    """The reading as a plain dict: format, table, column mapping, sections, first rows, problems, '6 rõ'."""
    document = reading.document
    table = reading.task_table
    counts = Counter(task.section for task in document.tasks)
    findings = lint_plan(document)
    return {
        "file": document.source_name,
        "format": reading.format,
        "code": document.code,
        "title": document.title,
        "year": document.year,
        "organization": document.organization.name,
        "table": table.table.where if table else None,
        "tables_in_file": reading.tables_seen,
        "columns": (
            {name: table.columns.titles[index] for name, index in table.columns.fields.items()} if table else {}
        ),
        "kept_as_notes": [table.columns.titles[i] for i in table.columns.extra()] if table else [],
        "header_rows": table.columns.header_rows if table else 0,
        "sections": [
            {"number": s.number, "title": s.title, "tasks": counts.get(s.number, 0)} for s in document.sections
        ],
        "tasks": len(document.tasks),
        "indicators": len(document.indicators),
        "first_tasks": [
            {
                "number": t.number,
                "description": t.description[:120],
                "lead_agency": t.lead_agency,
                "deadline": t.deadline,
            }
            for t in document.tasks[:SHOWN_ROWS]
        ],
        "agencies": sorted(
            {t.lead_agency for t in document.tasks if t.lead_agency}
            | {a for t in document.tasks for a in t.coordinating_agencies}
        ),
        "problems": [str(p) for p in find_problems(document)],
        "six_clear_findings": len(findings),
        "tasks_with_findings": len({f.task_number for f in findings}),
    }


def run_dry_run(path: Path, *, code: str | None, columns: str | None, organization: str | None, json: bool) -> int:
    """Print the reading; exit 0 when it would import, 2 when it would be refused."""
    view = dry_run_view(read_plan_with_details(path, code=code, columns=columns, organization=organization))
    if json:
        print_json(view)
        return 2 if view["problems"] else 0
    print(f"Tệp {view['file']} ({view['format']}): kế hoạch '{view['code']}' — {view['title']} ({view['year']})")
    print(f"Tổ chức ban hành: {view['organization']}")
    if view["table"]:
        print(
            f"Bảng nhiệm vụ: {view['table']} (trong {view['tables_in_file']} bảng), tiêu đề {view['header_rows']} dòng"
        )
        for name, title in view["columns"].items():
            print(f"  {FIELD_TITLES_VI.get(name, name):24} ← cột '{title}'")
        for title in view["kept_as_notes"]:
            print(f"  {'(ghi chú)':24} ← cột '{title}'")
    print(f"{view['tasks']} nhiệm vụ, {view['indicators']} chỉ tiêu; các mục:")
    for section in view["sections"]:
        print(f"  {section['number']}. {section['title'][:70]} — {section['tasks']} nhiệm vụ")
    print("Những dòng đầu:")
    for task in view["first_tasks"]:
        lead = task["lead_agency"] or "—"
        print(f"  {task['number']:>6}  {task['description'][:60]:60}  {lead:28.28}  {task['deadline']}")
    print(f"'6 rõ': {view['six_clear_findings']} điểm chưa đạt ở {view['tasks_with_findings']} nhiệm vụ.")
    for problem in view["problems"]:
        print(f"  Lỗi: {problem}")
    print("Chạy thử: chưa ghi gì vào cơ sở dữ liệu." + (" Tệp này sẽ bị từ chối khi nhập." if view["problems"] else ""))
    return 2 if view["problems"] else 0
