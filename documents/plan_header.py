"""What a plan says about itself in its running text, read from any layout: its kind and title, its year,
its number, the body that issued it (the letterhead's last line: "ĐẢNG ỦY PHƯỜNG VĨNH TUY", "ỦY BAN NHÂN
DÂN TỈNH …", "CHÍNH PHỦ"), the body above it, and its key-result indicators."""

from __future__ import annotations

import re
from collections import Counter

from documents.plan_text import PlanHeader, _indicators, slugify
from models.errors import InvalidInputError
from models.org.names import clean_text
from models.plan.document import OrganizationRecord

_KINDS = r"KẾ HOẠCH|CHƯƠNG TRÌNH(?: HÀNH ĐỘNG| CÔNG TÁC)?|ĐỀ ÁN|DANH MỤC|PHƯƠNG ÁN|NGHỊ QUYẾT|QUYẾT ĐỊNH"
_KIND_LINE = re.compile(rf"^\s*(?:{_KINDS})\s*(.*)$")
_TITLE_END = re.compile(r"^(?:Căn cứ|Thực hiện|Để|Nhằm|\(Ban hành|\(Kèm theo|-{3,}|_{3,}|\*|I\.\s|1\.\s|Số\b)")
_BODY = re.compile(
    r"^(?:ĐẢNG ỦY|ĐẢNG BỘ|BAN THƯỜNG VỤ|BAN CHẤP HÀNH|BAN CHỈ ĐẠO|TỈNH ỦY|THÀNH ỦY|HUYỆN ỦY|QUẬN ỦY|THỊ ỦY|"
    r"CHI BỘ|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN|CHÍNH PHỦ|THỦ TƯỚNG CHÍNH PHỦ|BỘ |SỞ |BAN |"
    r"VĂN PHÒNG|MẶT TRẬN|ĐOÀN|HỘI )"
)
_NOT_BODY = re.compile(r"ĐẢNG CỘNG SẢN VIỆT NAM|CỘNG HÒA|CỘNG HOÀ|ĐỘC LẬP|KẾ HOẠCH|CHƯƠNG TRÌNH|PHỤ LỤC")
_LOWER_WORDS = {
    "đảng", "ủy", "uỷ", "bộ", "thành", "phố", "tỉnh", "phường", "xã", "quận", "huyện", "thị", "trấn", "ban",
    "thường", "vụ", "chấp", "hành", "nhân", "dân", "hội", "đồng", "chi", "các", "cơ", "quan", "và", "trung",
    "ương", "văn", "phòng", "sở", "chính", "phủ", "thủ", "tướng", "chỉ", "đạo", "đặc", "khu", "của",
}  # fmt: skip
_ATTACHED_TO = re.compile(
    r"kèm theo (?:Kế hoạch|Chương trình|Quyết định|Nghị quyết|Đề án)[^()]*? của (?:Ban Thường vụ |Ban Chấp hành )?"
    r"((?:Đảng ủy|Đảng uỷ|Đảng bộ|Tỉnh ủy|Thành ủy|Huyện ủy|Quận ủy|Ủy ban nhân dân|UBND|Chính phủ|Thủ tướng)[^)]*)",
    re.I,
)
_NUMBER = re.compile(r"^\s*Số\s*:?\s*(\d*\s*[-/]?\s*[A-ZĐ0-9]*[-/][A-ZĐ/0-9.-]+)")
_DATED = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(\d{4})", re.I)


def proper_case(upper: str) -> str:
    """'ĐẢNG ỦY PHƯỜNG VĨNH TUY' → 'Đảng ủy phường Vĩnh Tuy' (the kinds in lower case, names capitalized)."""
    words = clean_text(upper).lower().split()
    shown = [w if w in _LOWER_WORDS else w.capitalize() for w in words]
    return " ".join([shown[0].capitalize(), *shown[1:]]) if shown else ""


def _sentence_case(title: str) -> str:
    """A title typed in capitals, in the lower case planflow shows titles in (numbers like 57-NQ/TW kept)."""
    if title != title.upper():
        return title
    return " ".join(w if any(c.isdigit() for c in w) else w.lower() for w in title.split())


def _title(lines: list[str]) -> str | None:
    """The lines after the document kind ("KẾ HOẠCH", "CHƯƠNG TRÌNH …") up to the text proper."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        match = _KIND_LINE.match(stripped)
        if not match or (stripped != stripped.upper() and not match.group(1)):
            continue
        words = [match.group(1)] if match.group(1) else []
        for following in lines[index + 1 : index + 6]:
            part = following.strip()
            if not part or _TITLE_END.match(part):
                if words:
                    break
                continue
            words.append(part)
        title = _sentence_case(clean_text(" ".join(words)).rstrip("."))
        if title:
            return title
    return None


def issuing_bodies(lines: list[str]) -> list[str]:
    """The letterhead's bodies, upper level first ("ĐẢNG BỘ THÀNH PHỐ HÀ NỘI", "ĐẢNG ỦY PHƯỜNG VĨNH TUY")."""
    found: list[str] = []
    for line in lines[:25]:
        for part in re.split(r"\s{3,}|\t|\|", line):
            text = clean_text(part).strip(" *-")
            if text and text == text.upper() and _BODY.match(text) and not _NOT_BODY.search(text):
                found.append(text)
    return list(dict.fromkeys(found))


def read_lenient_header(lines: list[str], deadlines: list[str], *, organization: str | None = None) -> PlanHeader:
    """The header of any plan; `organization` (a name) stands in when the text does not say who issued it."""
    bodies = issuing_bodies(lines)
    titled = _title(lines)
    text = "\n".join(lines)
    attached = _ATTACHED_TO.search(clean_text(text))
    if organization:
        name = organization
    elif bodies:
        name = proper_case(bodies[-1])
    elif attached:
        name = attached.group(1).strip(" .")
    else:
        raise InvalidInputError(
            "không xác định được cơ quan ban hành (dòng đầu văn bản như 'ĐẢNG ỦY PHƯỜNG …'); "
            "dùng --org 'Tên tổ chức đảng' khi nhập"
        )
    parent = proper_case(bodies[-2]) if len(bodies) > 1 and not organization else None
    title = titled or ""
    year = _year(title, text, deadlines)
    number = next((m.group(1) for m in map(_NUMBER.match, lines) if m), None)
    return PlanHeader(
        title=title or f"kế hoạch năm {year}",
        year=year,
        organization=OrganizationRecord(
            code=slugify(name),
            name=name,
            level="ward" if re.search(r"phường|xã|thị trấn", name, re.I) else "province",
            place_name=None,
            parent_code=slugify(parent) if parent else None,
            parent_name=parent,
            parent_level="province" if parent else None,
        ),
        issuing_body=name,
        document_number=re.sub(r"\s+", "", number) if number else None,
        indicators=_indicators(lines),
    )


def _year(title: str, text: str, deadlines: list[str]) -> int:
    for source in (title, text[:3000]):
        match = re.search(r"năm\s+(\d{4})|giai đoạn\s+(\d{4})", source, re.I)
        if match:
            return int(match.group(1) or match.group(2))
    dated = _DATED.search(text)
    if dated:
        return int(dated.group(1))
    years = Counter(int(y) for d in deadlines for y in re.findall(r"\b(20\d\d)\b", d))
    if years:
        return years.most_common(1)[0][0]
    raise InvalidInputError("không xác định được năm của kế hoạch (trong tên, ngày ban hành hay thời hạn)")
