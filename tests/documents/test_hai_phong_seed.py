"""The Hải Phòng plan (tab-separated appendix): every task checked against the source.

Numbering restarts in each section, rows continue across page breaks and some cells
hold HTML fragments; the expected table was typed from the source document.
"""

from __future__ import annotations

import pytest

from documents.reader import read_plan
from models.org.names import agency_key
from models.plan.deadlines import parse_deadline
from models.plan.document import PlanDocument
from tests.paths import SEEDS

SOURCE = SEEDS / "hai-phong-2026-plan.txt"
VP = "Văn phòng Thành ủy"
TG = "Ban Tuyên giáo và Dân vận Thành ủy"
TC = "Ban Tổ chức Thành ủy"
CQD = "Các cơ quan đảng"
XA = "Các đảng ủy xã, phường, đặc khu"
BAN = "Các ban Thành ủy; đảng ủy trực thuộc Thành ủy; đảng ủy xã, phường, đặc khu"
DVLQ = ["Các cơ quan, đơn vị liên quan"]
DV = ["Các đơn vị liên quan"]
TX = "Thường xuyên"
KHTW = "Theo kế hoạch, hướng dẫn của Trung ương"

# number: (lead agency, coordinating agencies, deadline, notes, result starts with, result ends with)
EXPECTED: dict[str, tuple[str, list[str], str, str, str, str]] = {
    "I.1": (
        TG,
        ["Văn phòng Thành ủy", "các cơ quan, đơn vị liên quan"],
        TX,
        "",
        "Tổ chức các hội nghị, hội thảo chuyên đề",
        "để áp dụng ngay vào công việc.",
    ),
    "I.2": (
        TG,
        ["Báo và phát thanh, truyền hình Hải Phòng", "các cơ quan, đơn vị liên quan"],
        TX,
        "",
        "Tích hợp, lan tỏa nội dung",
        "(các chiến dịch truyền thông, mô hình, cách làm tốt được lan tỏa...)",
    ),
    "II.1": (
        CQD,
        DVLQ,
        TX,
        "",
        "- Người đứng đầu phải trực tiếp chỉ đạo",
        "phải được định lượng bằng sản phẩm thực chất, làm căn cứ xét thi đua và bổ nhiệm. - 100% đơn vị có "
        "sản phẩm CDS định lượng. - CDS là tiêu chí bắt buộc trong thi đua, bổ nhiệm.",
    ),
    "II.2": (
        VP,
        DVLQ,
        "30/4/2026",
        "",
        "Bảo đảm sự chỉ đạo thống nhất",
        "(tham mưu ban hành Quyết định của Ban Thường vụ Thành ủy và BCD thành phố).",
    ),
    "II.3": (VP, DVLQ, TX, "", "Bảo đảm chất lượng, kịp thời", "trong các cơ quan đảng thành phố."),
    "III.1": (
        VP,
        ["Sở Khoa học và Công nghệ", "Công an thành phố"],
        "30/6/2026.",
        "",
        "Bảo đảm theo đúng hướng dẫn",
        "Trung tâm dữ liệu của Thành ủy.",
    ),
    "III.2": (
        VP,
        ["Sở Khoa học và Công nghệ", "Công an thành phố", "các đơn vị viễn thông liên quan"],
        "31/12/2026",
        "",
        "Sử dụng mạng truyền số liệu chuyên dùng",
        "Mặt trận Tổ quốc Việt Nam thành phố.",
    ),
    "III.3": (
        VP,
        ["Cục Chứng thư số và Bảo mật thông tin", "Cục Cơ yếu Đảng-Chính quyền", "các cơ quan đảng thành phố"],
        "31/12/2026",
        "Theo yêu cầu thực tiễn",
        "Cấp đủ, kịp thời chữ ký số chuyên dùng",
        "của các cơ quan đảng thành phố.",
    ),
    "III.4": (
        VP,
        ["Sở Khoa học và Công nghệ", "các cơ quan, đơn vị liên quan"],
        "Nhiệm vụ thường xuyên",
        KHTW,
        "- Bổ sung, nâng cấp trang thiết bị đầu cuối.",
        "đảng ủy trực thuộc Thành ủy).",
    ),
    "III.5": (
        XA,
        DVLQ,
        "31/12/2026",
        "",
        "Bảo đảm đồng bộ, thống nhất với Mô hình chuyển đổi số cấp xã",
        "các quy định, hướng dẫn khác có liên quan",
    ),
    "IV.1": (
        VP,
        ["Các cơ quan đảng và đơn vị liên quan"],
        "31/12/2026",
        "Theo kế hoạch của Trung ương",
        "Bảo đảm đồng bộ, dùng chung, liên thông, bảo mật.",
        "liên thông, bảo mật.",
    ),
    "IV.2": (
        VP,
        DV,
        "30/6/2026",
        "",
        "Liên kết tới các hệ thống cổng thông tin",
        "(điện thoại, máy tính bảng...) cung cấp thông tin phục vụ chỉ đạo điều hành cho lãnh đạo trên môi trường số.",
    ),
    "IV.3": (VP, DV, "30/6/2026", KHTW, "Tiến tới thay thế hoàn toàn", "giải pháp số tích hợp chữ ký số."),
    "IV.4": (TC, DV, "30/6/2026", KHTW, "Triển khai đồng bộ, thống nhất", "nhận kết quả nhanh chóng."),
    "IV.5": (
        TG,
        DV,
        "31/12/2026",
        "",
        "Được đánh giá cấp độ an toàn thông tin",
        "tích hợp được vào Cổng ứng dụng Thành ủy Hải Phòng.",
    ),
    "V.1": (
        BAN,
        [],
        "31/12/2026",
        "",
        "-Số hóa toàn diện tài liệu nghiệp vụ theo lộ trình",
        "-Dữ liệu đạt tiêu chí “đúng, đủ, sạch, sống”.",
    ),
    "V.2": (
        BAN,
        [],
        "30/6/2026",
        "",
        "-Rút ngắn ít nhất 30% thời gian giải quyết công việc.",
        "- ≥80% quy trình nội bộ được xử lý trên môi trường số.",
    ),
    "VI.1": (
        VP,
        ["Các cơ quan đảng", "các cơ quan, đơn vị liên quan"],
        "31/12/2026",
        "",
        "100% máy tính kết nối mạng thông tin diện rộng",
        "phần mềm giám sát an ninh, an toàn (EDR).",
    ),
    "VI.2": (
        CQD,
        ["Công an thành phố", "các đơn vị liên quan"],
        TX,
        "",
        "Toàn bộ các hệ thống thông tin phải hoàn thành",
        "duy trì giám sát an ninh thường xuyên tới cấp xã.",
    ),
    "VII.1": (
        CQD,
        [TC],
        "31/12/2026",
        "",
        "- Bảo đảm các cơ quan đảng có cán bộ chuyên môn phù hợp",
        "- Kien toan Phong Chuyen doi so -Co yeu Văn phòng Thành ủy đáp ứng yêu cầu tham mưu, tổ chức thực "
        "hiện công tác chuyển đổi số trong các cơ quan đảng và tham mưu thực hiện Nghị quyết số 57-NQ/TW.",
    ),
    "VII.2": (
        XA,
        [TC],
        "30/6/2026",
        "",
        "- Bố trí vị trí việc làm về chuyển đổi số (hoặc chuyển đổi số-cơ yếu)",
        "tham mưu thực hiện Nghị quyết số 57-NQ/TW tại cấp xã.",
    ),
    "VII.3": (
        VP,
        ["Các cơ quan đảng", "các đơn vị liên quan"],
        "31/12/2026",
        "",
        "- 100% cán bộ chuyên trách chuyển đổi số",
        "được tập huấn ứng dụng CNTT và nâng cao kỹ năng số.",
    ),
}


@pytest.fixture(scope="module")
def plan() -> PlanDocument:
    return read_plan(SOURCE)


def test_plan_header_is_read_from_the_document(plan: PlanDocument) -> None:
    assert plan.code == "hai-phong-2026"
    assert plan.year == 2026
    assert plan.organization.name == "Đảng ủy Các cơ quan Đảng thành phố"
    assert plan.document_number == "-KH/TU"  # its own number, not "35-KH/ĐU" which it implements
    assert [s.number for s in plan.sections] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert len(plan.indicators) == 8


def test_all_22_tasks_numbered_within_their_sections(plan: PlanDocument) -> None:
    assert [t.number for t in plan.tasks] == list(EXPECTED)
    assert all(t.section == t.number.split(".")[0] for t in plan.tasks)


@pytest.mark.parametrize("number", list(EXPECTED))
def test_task_fields_match_the_source(plan: PlanDocument, number: str) -> None:
    lead, coordinating, deadline, notes, result_start, result_end = EXPECTED[number]
    task = next(t for t in plan.tasks if t.number == number)
    assert agency_key(task.lead_agency or "") == agency_key(lead)
    assert [agency_key(a) for a in task.coordinating_agencies] == [agency_key(a) for a in coordinating]
    assert task.deadline == deadline
    assert task.notes == notes
    assert task.expected_result.startswith(result_start)
    assert task.expected_result.endswith(result_end)
    assert "<" not in task.expected_result and "<" not in task.description


def test_rows_continued_across_a_page_break_are_joined(plan: PlanDocument) -> None:
    by_number = {t.number: t for t in plan.tasks}
    assert "dữ liệu chuyên ngành; cập nhật vào cơ sở dữ liệu dùng chung" in by_number["V.1"].description
    assert by_number["V.1"].lead_agency == "Các ban Thành ủy; đảng ủy trực thuộc Thành ủy; đảng ủy xã, phường, đặc khu"


def test_fixed_dates_parse_to_their_day(plan: PlanDocument) -> None:
    due = {t.number: parse_deadline(t.deadline).due_date for t in plan.tasks}
    assert due["II.2"] is not None and due["II.2"].isoformat() == "2026-04-30"
    assert due["III.1"] is not None and due["III.1"].isoformat() == "2026-06-30"
    assert due["I.1"] is None
