"""The appendix as rows of cells, in the column order every exported table uses."""

from __future__ import annotations

from models.plan.document import PlanDocument, TaskRecord

TABLE_HEADER = [
    "STT",
    "Mục",
    "Nhiệm vụ",
    "Lãnh đạo phụ trách",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Kết quả",
    "Chỉ tiêu (KPI)",
    "Thời gian hoàn thành",
    "Ghi chú",
    "Độ mật",
]


def table_rows(document: PlanDocument) -> list[tuple[str, list[str]]]:
    """('section' | 'task', cells) for each appendix row, sections before their tasks."""
    rows: list[tuple[str, list[str]]] = []
    by_section: dict[str | None, list[TaskRecord]] = {}
    for task in document.tasks:
        by_section.setdefault(task.section, []).append(task)
    order: list[str | None] = [s.number for s in document.sections]
    if None in by_section:
        order.insert(0, None)
    titles = {s.number: s.title for s in document.sections}
    for number in order:
        if number is not None:
            rows.append(("section", [number, "", titles[number]] + [""] * (len(TABLE_HEADER) - 3)))
        for task in by_section.get(number, []):
            rows.append(
                (
                    "task",
                    [
                        task.number,
                        task.section or "",
                        task.description,
                        "\n".join(task.leaders),
                        task.lead_agency or "",
                        "; ".join(task.coordinating_agencies),
                        task.expected_result,
                        task.kpi_text,
                        task.deadline,
                        task.notes,
                        "Mật" if task.classified else "",
                    ],
                )
            )
    return rows
