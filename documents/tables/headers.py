"""Column headers by meaning: the names real plans give each field, compared without case, accents or
punctuation, in any order, over one or two header rows.

A header is recognized by the words it contains, tried in an order that settles the ambiguous ones:
"Thời gian thực hiện" is a deadline before it is anything "thực hiện"; "Cơ quan phối hợp thực hiện"
coordinates before it leads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from documents.tables.grid import Row
from models.errors import InvalidInputError

FIELDS = (
    "number",
    "description",
    "leaders",
    "lead_agency",
    "coordinating_agencies",
    "expected_result",
    "kpi_text",
    "deadline",
    "notes",
    "classified",
    "section",
    "start",
)
FIELD_TITLES_VI = {
    "number": "Số thứ tự",
    "description": "Nội dung nhiệm vụ",
    "leaders": "Lãnh đạo phụ trách",
    "lead_agency": "Cơ quan chủ trì",
    "coordinating_agencies": "Cơ quan phối hợp",
    "expected_result": "Kết quả, sản phẩm",
    "kpi_text": "Chỉ tiêu",
    "deadline": "Thời gian hoàn thành",
    "notes": "Ghi chú",
    "classified": "Độ mật",
    "section": "Mục",
    "start": "Thời gian bắt đầu",
}
# (field, a pattern over the normalized header): the first that matches names the column.
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("number", re.compile(r"^(?:s?tt|so tt|so thu tu|thu tu|so)$")),
    ("classified", re.compile(r"^do mat$")),
    ("notes", re.compile(r"^ghi chu")),
    ("start", re.compile(r"^(?:thoi gian )?bat dau$|^tu ngay$|^khoi cong$")),
    ("deadline", re.compile(r"thoi gian|thoi han|tien do|^(?:han )?hoan thanh$|^ket thuc$|^han$|thoi diem|^den ngay$")),
    ("coordinating_agencies", re.compile(r"phoi hop")),
    (
        "lead_agency",
        re.compile(
            r"chu tri|^(?:co quan|don vi|co quan don vi)(?: thuc hien| thuc hien chinh| chiu trach nhiem)?$"
            r"|^thuc hien$|^trach nhiem"
        ),
    ),
    ("leaders", re.compile(r"lanh dao|dong chi phu trach|^phu trach|nguoi phu trach")),
    ("kpi_text", re.compile(r"^chi tieu")),
    ("expected_result", re.compile(r"ket qua|san pham|hinh thuc|yeu cau dat")),
    ("section", re.compile(r"^muc$")),
    ("description", re.compile(r"noi dung|nhiem vu|cong viec|de an|hoat dong|giai phap|ten")),
]


def normalize(text: str) -> str:
    """Lower case, no accents, đ → d, punctuation and line breaks as single spaces."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


# The same rules without spaces: a narrow column of a PDF breaks words where it must ("Nhiệ / m vụ").
_COMPACT_RULES = [(name, re.compile(pattern.pattern.replace(" ", ""))) for name, pattern in _RULES]


def field_of(header: str) -> str | None:
    """The field a header names, or None for a column planflow keeps only as notes."""
    key = normalize(header)
    if not key or len(key) > 80:
        return None
    for rules, text in ((_RULES, key), (_COMPACT_RULES, key.replace(" ", ""))):
        for name, pattern in rules:
            if pattern.search(text):
                return name
    return None


@dataclass
class Columns:
    """Field → column, the header text of every column, and the header rows it took."""

    fields: dict[str, int]
    titles: list[str]
    header_rows: int

    def extra(self) -> list[int]:
        """Columns no field claims: their text is kept in the task's notes, under its header."""
        claimed = set(self.fields.values())
        return [i for i, title in enumerate(self.titles) if i not in claimed and title]


def _fields(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = field_of(cell)
        if name and name not in found:
            found[name] = index
    return found


def guessed(titles: list[str]) -> Columns:
    """The columns one row of titles names, whatever it lacks (the start of a `--columns` override)."""
    return Columns(_fields(titles), list(titles), 1)


def header_at(rows: list[Row], index: int) -> Columns | None:
    """The header that starts at rows[index] (one row, or a group row over a row of sub-headers), if any."""
    top = rows[index].cells
    fields = _fields(top)
    if "description" not in fields or len(fields) < 3 or not {"lead_agency", "deadline"} & set(fields):
        return None
    if index + 1 < len(rows) and _is_sub_header(top, rows[index + 1].cells):
        below = rows[index + 1].cells
        titles = [b if field_of(b) else t for t, b in zip(top, below, strict=False)]
        return Columns(_fields(titles), titles, 2)
    return Columns(fields, list(top), 1)


def _is_sub_header(top: list[str], below: list[str]) -> bool:
    """A row under a header that names sub-columns (under a group header spread over them, or under an
    empty top cell), and holds no task."""
    named = [i for i, cell in enumerate(below) if field_of(cell) and len(cell) <= 40]
    if len({below[i] for i in named}) < 2 or any(re.fullmatch(r"\d+\.?", cell.strip()) for cell in below[:2]):
        return False
    return any(i < len(top) and (field_of(top[i]) != field_of(below[i])) for i in named)


def is_numbering_row(row: Row) -> bool:
    """The row of column numbers under some headers: "(1) (2) (3)" or "1 2 3 4 5 6"."""
    cells = [c.strip() for c in row.cells if c.strip()]
    if len(cells) < 3:
        return False
    numbers = [re.fullmatch(r"\(?(\d{1,2})\)?", c) for c in cells]
    if not all(numbers):
        return False
    values = [int(m.group(1)) for m in numbers if m]
    return values == list(range(values[0], values[0] + len(values)))


def override(columns: Columns, spec: str) -> Columns:
    """Apply `--columns "description=3,lead_agency=Đơn vị thực hiện"`: a field to a column number (from 1)
    or to a header text; everything not named keeps its guess."""
    fields = dict(columns.fields)
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, target = part.partition("=")
        name, target = name.strip(), target.strip()
        if name not in FIELDS:
            raise InvalidInputError(f"--columns: không có trường '{name}' (các trường: {', '.join(FIELDS)})")
        if target.isdigit() and 1 <= int(target) <= len(columns.titles):
            fields[name] = int(target) - 1
            continue
        matches = [i for i, title in enumerate(columns.titles) if normalize(title) == normalize(target)]
        if not matches:
            shown = "; ".join(f"{i + 1}: {t}" for i, t in enumerate(columns.titles))
            raise InvalidInputError(f"--columns: không có cột '{target}' (các cột: {shown})")
        fields[name] = matches[0]
    return Columns(fields, columns.titles, columns.header_rows)
