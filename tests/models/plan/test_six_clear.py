"""The "6 rõ" lint on the real plans: what each task misses, and why."""

from __future__ import annotations

from documents.reader import read_plan
from models.plan.document import TaskRecord
from models.plan.six_clear import Criterion, Severity, lint_plan, lint_task
from tests.paths import PLANS


def _findings(code: str) -> dict[str, dict[Criterion, Severity]]:
    result: dict[str, dict[Criterion, Severity]] = {}
    for finding in lint_plan(read_plan(PLANS / f"{code}.yaml")):
        result.setdefault(finding.task_number, {})[finding.criterion] = finding.severity
    return result


def test_vinh_tuy_findings_name_the_real_gaps() -> None:
    found = _findings("vinh-tuy-2026")
    assert found["8"][Criterion.RESULT] is Severity.MISSING  # no result column text
    assert found["8"][Criterion.TIMING] is Severity.VAGUE  # waits for the IOC
    assert found["4"][Criterion.AUTHORITY] is Severity.MISSING  # no leader in charge
    assert found["16"][Criterion.WHO] is Severity.VAGUE  # "Các Ban Đảng và Văn phòng Đảng ủy" leads
    assert found["5"][Criterion.RESPONSIBILITY] is Severity.VAGUE  # Văn phòng leads and coordinates
    assert found["21"][Criterion.TIMING] is Severity.VAGUE  # "Dự kiến quý IV/2026"
    assert found["24"][Criterion.TIMING] is Severity.VAGUE  # upstream schedule
    assert found["2"][Criterion.RESULT] is Severity.VAGUE  # "Kiểm soát chặt chẽ…": nothing to count
    assert "15" not in found  # Quý I/2026, one lead, a product: clear on all six


def test_hai_phong_has_no_leader_column_so_authority_is_missing_everywhere() -> None:
    found = _findings("hai-phong-2026")
    assert all(found[n][Criterion.AUTHORITY] is Severity.MISSING for n in found)
    assert len(found) == 22
    assert found["V.1"][Criterion.WHO] is Severity.VAGUE


def test_a_clear_task_has_no_findings() -> None:
    task = TaskRecord(
        number="1",
        section="I",
        description="Ban hành quy chế quản lý hệ thống thông tin điều hành tác nghiệp",
        leaders=["Phó Bí thư Thường trực Đảng ủy"],
        lead_agency="Văn phòng Đảng ủy",
        coordinating_agencies=["Ban Xây dựng Đảng"],
        expected_result="Quy chế được ban hành",
        deadline="30/6/2026",
    )
    assert lint_task(task) == []


def test_missing_everything_is_reported_once_per_criterion() -> None:
    task = TaskRecord(number="9", section=None, description="", deadline="")
    criteria = [f.criterion for f in lint_task(task)]
    assert sorted(criteria) == sorted(Criterion)
