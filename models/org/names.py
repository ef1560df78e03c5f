"""Agency and leader names as plans spell them, brought to one form.

Plans break names across lines, mix "ủy"/"uỷ", write "Đàng" for "Đảng" and list
several coordinating agencies in one cell ("Công an phường và các cơ quan, đơn vị
liên quan"). These rules give each unit one key and split such cells into units.
"""

from __future__ import annotations

import re
import unicodedata

from models.org.tables import AgencyKind

# Misspellings seen in real plans, fixed wherever they occur (whole words only).
TYPOS = {
    "Đàng": "Đảng",
    "đàng": "đảng",
    "Đãng": "Đảng",
}

# The old and new placement of the tone mark on "uy" are the same word.
_TONE_VARIANTS = {"uỷ": "ủy", "Uỷ": "Ủy", "thuỷ": "thủy", "hoà": "hòa", "khoẻ": "khỏe", "hoá": "hóa"}

# Words that start a new unit in a list of agencies; "và"/"," before anything else is
# part of one name ("Sở Khoa học và Công nghệ", "các cơ quan, đơn vị liên quan").
_UNIT_HEADS = (
    "văn phòng",
    "ban ",
    "các ",
    "công an",
    "sở ",
    "cục ",
    "ubkt",
    "ủy ban",
    "trung tâm",
    "báo ",
    "đảng ủy",
    "tổ ",
    "chi bộ",
    "hội đồng",
    "hđnd",
    "ubnd",
    "mặt trận",
    "thường trực",
)

_LEADER_TITLES = [
    (re.compile(r"^phó\s+(?:bí thư|bt)\s+(?:tt|thường trực)\b", re.I), "Phó Bí thư Thường trực"),
    (re.compile(r"^phó\s+(?:bí thư|bt)\b", re.I), "Phó Bí thư"),
    (re.compile(r"^(?:bí thư|bt)\b", re.I), "Bí thư"),
]


def clean_text(text: str) -> str:
    """NFC, single spaces, known misspellings fixed; line breaks become spaces."""
    value = " ".join(unicodedata.normalize("NFC", text).split())
    for wrong, right in TYPOS.items():
        value = re.sub(rf"(?<!\w){wrong}(?!\w)", right, value)
    return value


def _unify_tone_marks(text: str) -> str:
    for old, new in _TONE_VARIANTS.items():
        text = text.replace(old, new)
    return text


def agency_key(name: str) -> str:
    """The identity of a unit: same key, same agency, whatever the capitals or line breaks."""
    return _unify_tone_marks(clean_text(name)).strip(" .,;").lower()


def display_name(name: str) -> str:
    """A name as it should be shown: cleaned, tone marks unified, first letter capital."""
    value = _unify_tone_marks(clean_text(name)).strip(" .,;")
    return value[:1].upper() + value[1:]


def split_agencies(cell: str) -> list[str]:
    """Split a coordinating-agencies cell into units; "Phối hợp" in front is dropped."""
    text = clean_text(cell).strip(" .")
    text = re.sub(r"^phối hợp(?: với)?\s+", "", text, flags=re.I)
    if not text:
        return []
    units: list[str] = []
    for part in re.split(r"\s*[;\n]\s*", text):
        units.extend(_split_on_heads(part))
    return [display_name(u) for u in units if u.strip(" .,")]


def _split_on_heads(part: str) -> list[str]:
    pieces = re.split(r"(\s+và\s+|\s*,\s*)", part)
    units = [pieces[0]]
    for separator, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        if piece.lower().startswith(_UNIT_HEADS):
            units.append(piece)
        else:
            units[-1] = units[-1] + separator + piece
    return [u.strip() for u in units]


# Where a second leader's title starts inside running text ("Bí thư Đảng ủy Phó Bí thư Thường trực Đảng ủy",
# as a PDF cell wraps it): before a title word, never inside "Phó Bí thư".
_NEXT_LEADER = re.compile(
    r"(?<=\S)\s+(?=(?:Phó Bí thư|Phó Chủ tịch|Chủ tịch|Chủ nhiệm|Chánh Văn phòng|Trưởng [Bb]an|Ủy viên|Uỷ viên)\b)"
    r"|(?<=\S)(?<!Phó)\s+(?=Bí thư\b)"
)


def split_leaders(cell: str) -> list[str]:
    """Leaders in charge from a cell: one per line, ';' or 'Đ/c' mark, or where a second title begins."""
    text = unicodedata.normalize("NFC", cell)
    parts = re.split(r"\s*(?:\n|;|(?=Đ/c\s))\s*", text)
    leaders = [piece for part in parts for piece in _NEXT_LEADER.split(" ".join(part.split()))]
    return [normalize_leader(p) for p in leaders if p.strip(" .,")]


def normalize_leader(title: str) -> str:
    """'Đ/c Phó BT TT Đảng ủy' → 'Phó Bí thư Thường trực Đảng ủy'."""
    value = clean_text(title).strip(" .,;")
    value = re.sub(r"^(?:đ/c|đồng chí)\s+", "", value, flags=re.I)
    for pattern, canonical in _LEADER_TITLES:
        match = pattern.match(value)
        if match:
            value = canonical + value[match.end() :]
            break
    return display_name(value)


def agency_kind(name: str) -> AgencyKind:
    """Guess what a unit is from its name; a group ("Các …", "A và B") is not one owner."""
    key = agency_key(name)
    if key.startswith("các ") or ";" in key or len(_split_on_heads(key)) > 1:
        return AgencyKind.GROUP
    if key.startswith("văn phòng"):
        return AgencyKind.SECRETARIAT
    if key.startswith(("ubkt", "ủy ban kiểm tra")):
        return AgencyKind.INSPECTION
    if key.startswith("ban thường vụ") or key.startswith("thường trực"):
        return AgencyKind.STANDING_COMMITTEE
    if key.startswith("ban "):
        return AgencyKind.PARTY_BOARD
    if key.startswith(("chi bộ", "đảng ủy", "đảng bộ")):
        return AgencyKind.PARTY_CELL
    if key.startswith(("công an", "sở ", "cục ", "báo ", "trung tâm")):
        return AgencyKind.EXTERNAL
    return AgencyKind.OTHER
