"""What a report needs from the directory: who signs, where, and who receives it."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from models.lifecycle.recipients import standing_committee
from models.org.tables import Organization

SIGNER_TITLES = ("Phó Bí thư Thường trực", "Bí thư", "Phó Bí thư")


def signer(session: Session, organization: Organization) -> tuple[str, str]:
    """(title, name) of the Standing Committee member who signs: the Standing Deputy Secretary first."""
    people = standing_committee(session, organization.id)
    for prefix in SIGNER_TITLES:
        for person in people:
            if person.title and person.title.startswith(prefix):
                return _title_without_body(person.title), person.full_name
    return "PHÓ BÍ THƯ THƯỜNG TRỰC", ""


def _title_without_body(title: str) -> str:
    """'Phó Bí thư Thường trực Đảng ủy' → 'PHÓ BÍ THƯ THƯỜNG TRỰC' (the body is above the signature)."""
    for suffix in (" Đảng ủy", " Thành ủy", " Tỉnh ủy"):
        title = title.removesuffix(suffix)
    return title.upper()


def recipients(organization: Organization) -> list[str]:
    """The usual 'Nơi nhận' of a ward's periodic report."""
    lines = []
    if organization.parent is not None:
        lines.append(f"- Thường trực {organization.parent.name},")
    lines += [
        "- Thường trực Đảng ủy,",
        "- Các Ban, Văn phòng Đảng ủy,",
        "- Các tổ chức đảng trực thuộc,",
        "- Lưu: VPĐU.",
    ]
    return lines


def report_number(issued_on: date) -> str:
    """The number and symbol: the number is filled in by the office at issue, as in the seed documents."""
    return "      -BC/ĐU"


def place(organization: Organization) -> str:
    """The place name of the date line (the ward's name), or the organization's name."""
    return organization.place_name or organization.name
