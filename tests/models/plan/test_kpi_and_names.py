"""Targets in plan text and agency names as plans spell them."""

from __future__ import annotations

import pytest

from models.org.names import agency_key, agency_kind, normalize_leader, split_agencies
from models.org.tables import AgencyKind
from models.plan.kpi import parse_indicator


@pytest.mark.parametrize(
    ("text", "comparator", "target", "measure"),
    [
        ("+ Tối thiểu 80% nội dung chỉ đạo được theo dõi bằng chỉ số", ">=", 80.0, "level"),
        ("100% văn bản không mật được ký số", ">=", 100.0, "level"),
        ("Số lượng hội nghị trực tiếp chiếm không quá 40%", "<=", 40.0, "level"),
        ("Giảm ít nhất 20% số lượng văn bản ban hành.", ">=", 20.0, "reduction"),
        ("-Rút ngắn ít nhất 30% thời gian giải quyết công việc.", ">=", 30.0, "reduction"),
        ("- ≥80% quy trình nội bộ được xử lý trên môi trường số.", ">=", 80.0, "level"),
        ("Phân đầu 100% các tổ chức cơ sở đảng triển khai thu, nộp đảng phí", ">=", 100.0, "level"),
    ],
)
def test_indicator_targets(text: str, comparator: str, target: float, measure: str) -> None:
    spec = parse_indicator(text)
    assert spec is not None
    assert (spec.comparator, spec.target_value, spec.unit, spec.measure) == (comparator, target, "%", measure)
    assert spec.needs_baseline is (measure != "level")


def test_text_without_a_figure_is_not_an_indicator() -> None:
    assert parse_indicator("Không sử dụng các nền tảng trao đổi công việc không chính thống") is None


@pytest.mark.parametrize(
    ("cell", "units"),
    [
        ("Công an phường và \ncác cơ quan, đơn vị \n\nliên quan", ["Công an phường", "Các cơ quan, đơn vị liên quan"]),
        ("Phối hợp Trung tâm HCC và Các cơ quan liên quan", ["Trung tâm HCC", "Các cơ quan liên quan"]),
        ("Sở Khoa học và Công nghệ; Công an thành phố", ["Sở Khoa học và Công nghệ", "Công an thành phố"]),
        ("Ban Tuyên giáo và Dân vận Thành ủy", ["Ban Tuyên giáo và Dân vận Thành ủy"]),
        ("Các Ban Xây\n dựng Đàng", ["Các Ban Xây dựng Đảng"]),
        ("", []),
    ],
)
def test_coordinating_cells_split_into_units(cell: str, units: list[str]) -> None:
    assert split_agencies(cell) == units


def test_one_unit_one_key_whatever_the_spelling() -> None:
    assert agency_key("Văn phòng \n Đảng uỷ") == agency_key("văn phòng Đảng ủy") == "văn phòng đảng ủy"


def test_leader_titles_are_spelled_out() -> None:
    assert normalize_leader("Đ/c Phó BT TT Đảng ủy") == "Phó Bí thư Thường trực Đảng ủy"
    assert normalize_leader("Đ/c Phó Bí thư TT Đảng ủy") == "Phó Bí thư Thường trực Đảng ủy"
    assert normalize_leader("Đ/c Bí thư Đảng ủy") == "Bí thư Đảng ủy"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Văn phòng Đảng ủy", AgencyKind.SECRETARIAT),
        ("UBKT Đảng ủy", AgencyKind.INSPECTION),
        ("Ban Xây dựng Đảng", AgencyKind.PARTY_BOARD),
        ("Ban Tuyên giáo và Dân vận Thành ủy", AgencyKind.PARTY_BOARD),
        ("Các Ban Đảng và Văn phòng Đảng ủy", AgencyKind.GROUP),
        ("Công an phường", AgencyKind.EXTERNAL),
    ],
)
def test_agency_kinds(name: str, kind: AgencyKind) -> None:
    assert agency_kind(name) is kind
