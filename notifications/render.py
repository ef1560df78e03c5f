"""render(kind, context) → (subject, html, text): a pure function over the template files.

HTML is autoescaped (a task text holding `<script>` arrives as text), undefined
variables are errors (StrictUndefined) in both versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from notifications.vietnamese import running_date, short_date

TEMPLATES = Path(__file__).parent / "templates"
OWN_TEMPLATES = {
    "deadline_reminder",
    "deadline_overdue",
    "progress_due",
    "progress_missing",
    "upstream_check",
    "report_compiled",
    "classified_notice",
    "undelivered_digest",
}


@dataclass(frozen=True)
class Rendered:
    """One message ready to send."""

    subject: str
    html: str
    text: str


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["running_date"] = running_date
    env.filters["short_date"] = short_date
    return env


_HTML = _environment(autoescape=True)
_TEXT = _environment(autoescape=False)


def template_file(kind: str) -> str:
    """The file a message kind is written in (task events share one)."""
    return f"{kind}.j2" if kind in OWN_TEMPLATES else "task_event.j2"


def _parts(template: Template, context: dict[str, Any]) -> tuple[str, str]:
    """A message file is its subject line, a line '---', then the body."""
    subject, separator, body = template.render(context).partition("\n---\n")
    if not separator:
        raise ValueError(f"{template.name}: thiếu dòng '---' giữa tiêu đề và nội dung")
    return " ".join(subject.split()), body


def render(kind: str, context: dict[str, Any]) -> Rendered:
    """The subject, HTML and text of a message of this kind."""
    full = {"template": kind, **context}
    text_template = _TEXT.get_template(template_file(kind))
    html_template = _HTML.get_template(template_file(kind))
    subject, text_body = _parts(text_template, full)
    text = "\n".join(line.strip() for line in text_body.splitlines() if line.strip())
    _, html_body = _parts(html_template, full)
    paragraphs = [Markup(line.strip()) for line in html_body.splitlines() if line.strip()]
    html = _HTML.get_template("_layout.html").render(
        subject=subject, paragraphs=paragraphs, organization=context.get("organization", ""), key=context.get("key", "")
    )
    return Rendered(subject=subject, html=html, text=text)
