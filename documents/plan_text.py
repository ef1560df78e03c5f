"""What both text layouts share: the plan's header, title, year and key-result indicators."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from models.errors import InvalidInputError
from models.org.names import clean_text
from models.plan.document import OrganizationRecord, PlanDocument, SectionRecord, TaskRecord
from models.plan.kpi import parse_indicator

ROMAN = r"(?:XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_APPENDIX = re.compile(rf"^PHỤ LỤC(?:\s+(?:SỐ\s+)?(?:{ROMAN}|\d{{1,2}}))?:?$")
_SLUG_TABLE = str.maketrans({"đ": "d", "Đ": "D"})


def slugify(text: str) -> str:
    """ASCII, lower case, dashes: 'Đảng ủy phường Vĩnh Tuy' → 'dang-uy-phuong-vinh-tuy'."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_SLUG_TABLE))
    ascii_text = "".join(c for c in ascii_text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def code_from_path(path: Path) -> str:
    """Default plan code: the file name without its extension and a trailing '-plan'."""
    return slugify(re.sub(r"[-_ ]?plan$", "", path.stem, flags=re.I))


def read_lines(path: Path) -> list[str]:
    """A text file as NFC lines; a file that is not UTF-8 is reported, not guessed at."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path.name}: tệp không phải văn bản UTF-8 (byte {exc.start})") from exc
    return unicodedata.normalize("NFC", text).splitlines()


def split_at_appendix(lines: list[str]) -> tuple[list[str], list[str]]:
    """The body of the plan and its appendix (from the line 'PHỤ LỤC', 'Phụ lục II', 'PHỤ LỤC SỐ 1' on)."""
    for index, line in enumerate(lines):
        if _APPENDIX.match(" ".join(line.split()).upper()):
            return lines[:index], lines[index + 1 :]
    raise InvalidInputError("không tìm thấy 'PHỤ LỤC' (bảng nhiệm vụ) trong tệp")


@dataclass
class PlanHeader:
    """What the body of a plan says about itself."""

    title: str
    year: int
    organization: OrganizationRecord
    issuing_body: str | None
    document_number: str | None
    indicators: list[str]

    def document(
        self,
        *,
        code: str,
        source_name: str,
        source_format: str,
        sections: list[SectionRecord],
        tasks: list[TaskRecord],
        indicators: list[str] | None = None,
    ) -> PlanDocument:
        """The plan this header opens, with the tasks and sections read below it (every reader builds it so)."""
        return PlanDocument(
            code=code,
            title=self.title,
            year=self.year,
            organization=self.organization,
            issuing_body=self.issuing_body,
            document_number=self.document_number,
            source_name=source_name,
            source_format=source_format,
            sections=sections,
            tasks=tasks,
            indicators=self.indicators if indicators is None else indicators,
        )


def read_header(body: list[str], appendix: list[str]) -> PlanHeader:
    """Title, year, issuing committee, number and key results from the plan's body."""
    title = _title(body)
    year_match = re.search(r"năm\s+(\d{4})", title, re.I)
    year = int(year_match.group(1)) if year_match else _first_year(body)
    organization = _organization(body)
    return PlanHeader(
        title=title,
        year=year,
        organization=organization,
        issuing_body=f"Ban Thường vụ {organization.name}",
        document_number=_document_number(body, appendix),
        indicators=_indicators(body),
    )


def _title(body: list[str]) -> str:
    for index, line in enumerate(body):
        if line.strip().upper() == "KẾ HOẠCH":
            words: list[str] = []
            for following in body[index + 1 :]:
                stripped = following.strip()
                if stripped.startswith("---") or stripped.startswith(("Căn cứ", "Thực hiện")):
                    break
                words.append(stripped)
            return clean_text(" ".join(words)).rstrip(".")
    raise InvalidInputError("không tìm thấy tên kế hoạch (dòng 'KẾ HOẠCH')")


def _first_year(body: list[str]) -> int:
    match = re.search(r"\b(20\d\d)\b", " ".join(body))
    if not match:
        raise InvalidInputError("không xác định được năm của kế hoạch")
    return int(match.group(1))


def _organization(body: list[str]) -> OrganizationRecord:
    text = clean_text(" ".join(body))
    match = re.search(r"Ban Thường vụ (Đảng ủy [^,;.“”\"]+?) (?:triển khai|ban hành)", text)
    if not match:
        raise InvalidInputError(
            "không xác định được cấp ủy ban hành (câu 'Ban Thường vụ Đảng ủy … ban hành/triển khai')"
        )
    name = match.group(1)
    place = re.search(r"^[ \t]*([^\d,\n*]{2,40}), ngày", "\n".join(body), re.M)
    parent = next((ln.strip() for ln in body if ln.strip().startswith("ĐẢNG BỘ ") and ln.strip().isupper()), None)
    return OrganizationRecord(
        code=slugify(name),
        name=name,
        level="ward" if re.search(r"phường|xã", name) else "province",
        place_name=place.group(1).strip() if place else None,
        parent_code=slugify(parent) if parent else None,
        parent_name=_title_case_place(parent) if parent else None,
        parent_level="province" if parent else None,
    )


def _title_case_place(upper: str) -> str:
    """'ĐẢNG BỘ THÀNH PHỐ HÀ NỘI' → 'Đảng bộ thành phố Hà Nội'."""
    words = upper.lower().split()
    kinds = {"đảng", "bộ", "thành", "phố", "tỉnh", "phường", "xã", "quận", "huyện"}
    shown = [w if w in kinds else w.capitalize() for w in words]
    shown[0] = shown[0].capitalize()
    return " ".join(shown)


def _document_number(body: list[str], appendix: list[str]) -> str | None:
    """This plan's own number: the 'Số …' header line, or the appendix's 'kèm theo Kế hoạch số …'.

    Other numbers in the body ("Thực hiện Kế hoạch số 35-KH/ĐU") belong to other plans.
    """
    for line in body:
        own = re.match(r"^\s*Số\s*(\d*\s*-\s*KH/[A-ZĐ]+)", line)
        if own:
            return re.sub(r"\s+", "", own.group(1))
    attached = re.search(r"kèm theo Kế hoạch số\s*(\d*\s*-\s*KH/[A-ZĐ]+)", clean_text(" ".join(appendix)), re.I)
    return re.sub(r"\s+", "", attached.group(1)) if attached else None


_INDICATOR_BLOCKS = re.compile(r"^(?:- )?(?:Kết quả then chốt|[IVX]+\. Chỉ tiêu cụ thể|Chỉ tiêu)", re.I)


def _indicators(body: list[str]) -> list[str]:
    """Bullets with a percentage under 'Kết quả then chốt' / 'Chỉ tiêu cụ thể' headings."""
    found: list[str] = []
    block: list[str] | None = None
    for line in [*body, ""]:
        stripped = line.strip()
        if _INDICATOR_BLOCKS.match(stripped):
            block = []
            continue
        if block is None:
            continue
        ends_block = re.match(r"^(?:- (?!\d)|[IVX]+\.\s|\d+\.\s)", stripped) and not stripped.startswith("- 100")
        if ends_block and not _is_indicator_bullet(stripped):
            found.extend(_bullets(block))
            block = None
            continue
        block.append(stripped)
    return [b for b in found if parse_indicator(b) is not None]


def _is_indicator_bullet(line: str) -> bool:
    return bool(re.match(r"^[-+]\s+(?:\d|Tối thiểu|Ít nhất|Phấn đấu|Phân đầu)", line))


def _bullets(block: list[str]) -> list[str]:
    text = clean_text(" ".join(block))
    parts = re.split(r"(?:^|\s)[+-]\s+(?=\S)", text)
    return [p.strip() for p in parts if p.strip()]
