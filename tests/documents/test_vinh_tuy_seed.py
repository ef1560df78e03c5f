"""The Vĩnh Tuy plan (PDF text dump): every task checked against the source, field by field.

The expected table below was typed from the appendix of the source document, not taken
from the importer's output.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from documents.reader import read_plan
from models.org.names import agency_key
from models.plan.deadlines import DeadlineKind, parse_deadline
from models.plan.document import PlanDocument
from tests.paths import SEEDS

SOURCE = SEEDS / "vinh-tuy-2026-plan.txt"
BT = "Bí thư Đảng ủy"
PBT = "Phó Bí thư Thường trực Đảng ủy"
VP = "Văn phòng Đảng ủy"
XD = "Ban Xây dựng Đảng"
CA = "Công an phường"
LQ = ["Các cơ quan liên quan"]
DVLQ = ["Công an phường", "các cơ quan, đơn vị liên quan"]
ALL = ["Các ban Đảng", "Văn phòng Đảng ủy", "các cấp ủy trực thuộc", "các cơ quan, đơn vị liên quan"]
KH = "Kế hoạch triển khai và tài liệu sử dụng"
TW = "Theo tiến độ Trung ương, Thành ủy"
TX = "Thường xuyên"
XBXD = ["Các Ban Xây dựng Đảng"]
DHTN = "Kết quả xử lý văn bản trên hệ https://dhtn.dcs.vn"

# number: (section, leaders, lead agency, coordinating agencies, result, deadline)
EXPECTED: dict[str, tuple[str, list[str], str, list[str], str, str]] = {
    "1": (
        "I",
        [BT, PBT],
        VP,
        ["Các Ban Đảng"],
        "- Kết quả được thể hiện bằng sản phẩm thực chất. - Không xem xét khen thưởng đối với Lãnh đạo cơ quan, "
        "đơn vị để xảy ra tình trạng báo cáo số liệu quá hạn, sai lệch hoặc thực hiện chuyển đổi số mang tính "
        "hình thức.",
        TX,
    ),
    "2": (
        "I",
        [BT, PBT],
        VP,
        ["Các Ban Đảng"],
        "Kiểm soát chặt chẽ, không để xảy ra tình trạng lãng phí về tiền bạc, vật chất, nguồn nhân lực. - Không để "
        "phát sinh các dự án cải tạo, sửa chữa, bổ sung trang thiết bị chồng chéo.",
        TX,
    ),
    "3": ("I", [BT], VP, XBXD, "Quyết định kiện toàn", TX),
    "4": ("I", [], VP, [], "Báo cáo", TX),
    "5": ("I", [BT, PBT], VP, ALL, "Kế hoạch", "Tháng 2/2026"),
    "6": ("I", [PBT], VP, ["Các ban Đảng"], "Thực hiện quy trình khép kín trên hệ điều hành tác nghiệp", TX),
    "7": ("I", [BT, PBT], VP, ALL, "Đề án, báo cáo định kỳ", "Năm 2026"),
    "8": ("I", [BT, PBT], VP, LQ, "", "Khi IOC đi vào hoạt động 2026"),
    "9": ("I", [BT, PBT], VP, LQ, "Quy chế, quy định", "2026"),
    "10": ("I", [BT, PBT], VP, ["Các ban Đảng"], "Hướng dẫn + danh sách tài khoản", "2026"),
    "11": (
        "I",
        [BT, PBT],
        VP,
        ["Các cơ quan, đơn vị liên quan"],
        "Thông báo kết quả đánh giá CBCC, Người lao động",
        "Thực hiện thường xuyên",
    ),
    "12": ("I", [BT, PBT], VP, XBXD, "Báo cáo", TX),
    "13": ("I", [BT, PBT], VP, XBXD, "Báo cáo", "2026"),
    "14": ("I", [BT, PBT], VP, XBXD, "Thể hiện qua phần mềm xử lý văn bản điều hành", TX),
    "15": ("II", [PBT], VP, ["Các ban Đảng", "các cơ quan có liên quan"], "Danh mục, hướng dẫn", "Quý I/2026"),
    "16": (
        "II",
        [PBT],
        "Các Ban Đảng và Văn phòng Đảng ủy",
        LQ,
        "phần mềm ứng dụng, hệ thống thông tin hoạt động ổn định",
        "2026",
    ),
    "17": ("II", [BT, PBT], VP, LQ, "Văn bản hướng dẫn", "Quý I/2026"),
    "18": ("II", [BT, PBT], VP, LQ, "Hướng dẫn sử dụng", "2026"),
    "19": ("II", [BT, PBT], VP, LQ, KH, "2026"),
    "20": ("II", [PBT], VP, LQ, KH, "Năm 2026"),
    "21": ("II", [BT, PBT], VP, ["Trung tâm HCC", "Các cơ quan liên quan"], "Kho dữ liệu", "Dự kiến quý IV/2026"),
    "22": ("II", [BT, PBT], VP, LQ, "Báo cáo", TX),
    "23": ("II", [BT, PBT], VP, LQ, "Báo cáo", TX),
    "24": ("II", [BT, PBT], VP, LQ, KH, TW),
    "25": ("III", [BT, PBT], VP, LQ, KH, "2026"),
    "26": ("III", [BT, PBT], VP, LQ, KH, "2026"),
    "27": ("III", [BT, PBT], VP, LQ, "Báo cáo", TX),
    "28": ("III", [BT, PBT], VP, LQ, KH, TX),
    "29": ("III", [BT, PBT], XD, LQ, KH, TW),
    "30": ("III", [BT, PBT], XD, LQ, KH, TW),
    "31": ("III", [BT, PBT], VP, LQ, KH, TW),
    "32": ("III", [BT, PBT], "UBKT Đảng ủy", LQ, KH, TW),
    "33": ("III", [BT, PBT], XD, LQ, KH, TW),
    "34": ("III", [BT, PBT], VP, LQ, KH, TW),
    "35": ("III", [BT, PBT], VP, LQ, KH, TW),
    "36": ("IV", [BT, PBT], "Các Ban Đảng và Văn phòng Đảng ủy", LQ, "Quy chế, quy định", TX),
    "37": ("IV", [BT, PBT], XD, LQ, "Văn bản hướng dẫn", TX),
    "38": ("IV", [BT, PBT], VP, LQ, "Kết quả cập nhật dữ liệu trên phần mềm theodoinq.dcs.vn", TX),
    "39": ("V", [PBT], VP, XBXD, "Chứng thư số", TX),
    "40": ("V", [BT, PBT], VP, DVLQ, "Văn bản hướng dẫn thực hiện", "2026"),
    "41": ("V", [BT, PBT], VP, DVLQ, "Kế hoạch triển khai", "2026"),
    "42": ("V", [BT, PBT], CA, ["Các ban đảng", "Văn phòng Đảng ủy"], "Báo cáo theo yêu cầu", "2026"),
    "43": ("V", [BT, PBT], VP, DVLQ, "Kế hoạch (Quyết định) mở lớp", TX),
    "44": ("V", [BT, PBT], VP, DVLQ, "Văn bản triển khai", TX),
    "45": ("V", [BT, PBT], VP, DVLQ, "Báo cáo", TX),
    "46": ("V", [BT, PBT], CA, ["Văn phòng Đảng ủy", "các cơ quan, đơn vị liên quan"], "Báo cáo", TX),
    "47": ("VI", [BT, PBT], XD, LQ, "Tài liệu hướng dẫn (Hội nghị)", "2026"),
    "48": (
        "VI",
        [BT, PBT],
        XD,
        LQ,
        "Tài liệu hướng dẫn qua các kênh Zalo OA, trang thông tin điện tử, bảng tin…",
        "2026",
    ),
    "49": ("VI", [BT, PBT], VP, LQ, "Tài liệu hướng dẫn (Hội nghị)", "2026"),
    "50": ("VI", [BT, PBT], VP, LQ, "Danh mục thiết bị", TX),
    "51": ("VI", [BT, PBT], XD, LQ, "Kế hoạch (Quyết định) mở lớp", TX),
    "52": ("VI", [BT, PBT], VP, LQ, "Kế hoạch (Hội nghị)", TX),
    "53": (
        "VI",
        [BT, PBT],
        XD,
        ["Văn phòng Đảng ủy", "UBKT đảng ủy"],
        "Thông báo kết quả đánh giá CBCC, Người lao động",
        "Thực hiện thường xuyên",
    ),
    "54": ("VI", [BT], VP, LQ, "Kết quả xử lý phản ánh", TX),
    "55": ("VI", [BT, PBT], VP, LQ, "Danh mục mô hình", "Theo tiến độ của Thành phố, Trung ương"),
    "56": ("VI", [PBT], VP, XBXD, DHTN, "Quý II/2026"),
    "57": ("VI", [PBT], VP, XBXD, DHTN, "Quý III, IV/2026"),
    "58": ("VI", [PBT], VP, XBXD, "Báo cáo, danh sách nhóm nòng cốt", "Quý III, IV/2026"),
}


def _fold(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def plan() -> PlanDocument:
    return read_plan(SOURCE)


def test_plan_header_is_read_from_the_document(plan: PlanDocument) -> None:
    assert plan.code == "vinh-tuy-2026"
    assert plan.year == 2026
    assert plan.title.startswith("Tiếp tục đẩy mạnh triển khai Đề án Chuyển đổi số")
    assert plan.organization.name == "Đảng ủy phường Vĩnh Tuy"
    assert plan.organization.place_name == "Vĩnh Tuy"
    assert plan.organization.parent_name == "Đảng bộ thành phố Hà Nội"
    assert plan.document_number == "-KH/ĐU"
    assert [s.number for s in plan.sections] == ["I", "II", "III", "IV", "V", "VI"]


def test_all_58_tasks_in_order(plan: PlanDocument) -> None:
    assert [t.number for t in plan.tasks] == [str(n) for n in range(1, 59)]


@pytest.mark.parametrize("number", list(EXPECTED))
def test_task_fields_match_the_source(plan: PlanDocument, number: str) -> None:
    section, leaders, lead, coordinating, result, deadline = EXPECTED[number]
    task = next(t for t in plan.tasks if t.number == number)
    assert task.section == section
    assert task.leaders == leaders
    assert agency_key(task.lead_agency or "") == agency_key(lead)
    assert [agency_key(a) for a in task.coordinating_agencies] == [agency_key(a) for a in coordinating]
    assert task.expected_result == result
    assert task.deadline == deadline


def test_descriptions_and_results_are_verbatim_source_text(plan: PlanDocument) -> None:
    source = _fold(SOURCE.read_text(encoding="utf-8").split("PHỤ LỤC")[1]).replace("Đàng", "Đảng")
    for task in plan.tasks:
        assert len(task.description.split()) >= 5, task.number
        for field in (task.description, task.expected_result):
            # Phrases may straddle a column boundary in the dump; every sentence must be there.
            for sentence in filter(None, (s.strip() for s in re.split(r"(?<=[.;])\s", field))):
                assert _fold(sentence) in source, (task.number, sentence)


def test_descriptions_start_and_end_where_the_source_does(plan: PlanDocument) -> None:
    by_number = {t.number: t for t in plan.tasks}
    assert by_number["4"].description == (
        "Phối hợp chặt chẽ với Tổ giúp viện Ban Chỉ đạo 57 của Đảng ủy phường trong việc triển khai thực hiện Kế hoạch."
    )
    assert by_number["13"].description == "Giảm ít nhất 20% số lượng văn bản ban hành."
    assert by_number["58"].description.endswith("để đảm bảo thông tin thông suốt 24/7.")


def test_deadline_kinds_across_the_plan(plan: PlanDocument) -> None:
    kinds = [parse_deadline(t.deadline).kind for t in plan.tasks]
    assert kinds.count(DeadlineKind.RECURRING) == 25
    assert kinds.count(DeadlineKind.UPSTREAM) == 9
    assert parse_deadline(plan.tasks[56].deadline).checkpoints == (date(2026, 9, 30), date(2026, 12, 31))


def test_typo_in_the_source_is_normalized(plan: PlanDocument) -> None:
    assert "Đàng" in SOURCE.read_text(encoding="utf-8")
    assert plan.tasks[2].coordinating_agencies == ["Các Ban Xây dựng Đảng"]


def test_key_result_indicators_are_found(plan: PlanDocument) -> None:
    assert len(plan.indicators) == 7
    assert plan.indicators[1].startswith("Tối thiểu 80% nội dung chỉ đạo được theo dõi bằng chỉ số")
