"""The report as HTML for the browser and e-mail: autoescaped, charts embedded as PNG images."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from documents.report_docx import ReportLayout
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
from models.vn_format import change_text, day_text, measure_text, percent_text, target_text
from notifications.vietnamese import date_line

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
)
_ENV.filters["label_vi"] = lambda value, empty="—": label_vi(value, empty=empty)
_ENV.filters.update(day=day_text, percent=percent_text, change=change_text, measure=measure_text, target=target_text)


def render_report_html(figures: dict[str, Any], layout: ReportLayout) -> str:
    """The whole report as one HTML page (text from tasks is escaped)."""
    return _ENV.get_template("report.html.j2").render(
        figures=figures,
        layout=layout,
        issued=date_line(layout.issued_on),
        categories=CATEGORIES,
        definitions=RATIO_DEFINITIONS.values(),
        subject=report_subject(figures),
        target=target_text,
        unit_columns=UNIT_COLUMNS,
        unit_rows=unit_rows,
        overdue_heading=overdue_heading,
        recurring_line=recurring_line,
        indicator_result=indicator_result,
        indicator_assessment=indicator_assessment,
        charts={name: base64.b64encode(png).decode() for name, png in layout.charts.items()},
    )


def write_report_html(figures: dict[str, Any], layout: ReportLayout, path: Path) -> Path:
    """Write the HTML report."""
    path.write_text(render_report_html(figures, layout), encoding="utf-8")
    return path
