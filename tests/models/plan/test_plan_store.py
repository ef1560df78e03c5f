"""Storing plans: both seeds import whole; re-importing updates in place; the audit log only grows."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from documents.reader import read_plan
from models.audit import AuditEvent
from models.db import Database
from models.lifecycle.queries import get_plan, list_tasks, load_document, plan_view
from models.org.names import agency_key
from models.org.tables import Agency, Organization
from models.plan.document import PlanDocument
from models.plan.store import SaveResult, save_plan
from models.plan.tables import KpiIndicator, Plan, PlanTask
from tests.paths import PLANS
from tests.time import NOW


def _save(database: Database, document: PlanDocument, actor: str = "Nguyễn Văn A") -> SaveResult:
    with database.transaction() as session:
        return save_plan(session, document=document, actor=actor, now=NOW)


def _count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_both_seed_plans_import_with_every_task(database: Database) -> None:
    vinh_tuy = _save(database, read_plan(PLANS / "vinh-tuy-2026.yaml"))
    hai_phong = _save(database, read_plan(PLANS / "hai-phong-2026.yaml"))
    assert (vinh_tuy.tasks, vinh_tuy.created, hai_phong.tasks) == (58, True, 22)
    assert _count(database, PlanTask) == 80
    assert _count(database, KpiIndicator) == 15
    with database.session() as session:
        view = plan_view(get_plan(session, "vinh-tuy-2026"))
        assert view["tasks_by_deadline_kind"]["recurring"] == 25
        ward = session.scalars(select(Organization).where(Organization.code == "dang-uy-phuong-vinh-tuy")).one()
        assert ward.parent is not None and ward.parent.name == "Đảng bộ thành phố Hà Nội"


def test_spellings_of_one_agency_become_one_agency(database: Database) -> None:
    _save(database, read_plan(PLANS / "vinh-tuy-2026.yaml"))
    with database.session() as session:
        keys = list(session.scalars(select(Agency.name_key)))
        assert len(keys) == len(set(keys))
        assert keys.count("các ban đảng") == 1  # "Các Ban Đảng", "Các ban Đảng", "Các ban đảng"
        assert "ubkt đảng ủy" in keys  # lead of task 32 and "UBKT đảng ủy" in task 53
        tasks = {t["number"]: t for t in list_tasks(session, plan_code="vinh-tuy-2026")}
        assert tasks["42"]["coordinating_agencies"] == ["Các Ban Đảng", "Văn phòng Đảng ủy"]


def test_reimport_updates_in_place_without_duplicates(database: Database) -> None:
    document = read_plan(PLANS / "vinh-tuy-2026.yaml")
    _save(database, document)
    agencies_before = _count(database, Agency)
    with database.session() as session:
        first_id = session.scalars(select(PlanTask.id).where(PlanTask.number == "1")).one()
    document.tasks[0].expected_result = "Báo cáo kết quả thực hiện hằng quý"
    document.tasks[0].deadline = "Quý II/2026"
    removed = document.tasks.pop()
    result = _save(database, document, actor="Trần Thị B")
    assert (result.created, result.tasks_added, result.tasks_updated, result.tasks_removed) == (False, 0, 57, 1)
    assert _count(database, Plan) == 1
    assert _count(database, PlanTask) == 57
    assert _count(database, Agency) == agencies_before
    with database.session() as session:
        first = session.scalars(select(PlanTask).where(PlanTask.number == "1")).one()
        assert first.id == first_id
        assert first.expected_result == "Báo cáo kết quả thực hiện hằng quý"
        assert first.due_date is not None and first.due_date.isoformat() == "2026-06-30"
        assert removed.number not in {t.number for t in get_plan(session, "vinh-tuy-2026").tasks}


def test_same_file_twice_changes_nothing_but_the_audit_log(database: Database) -> None:
    document = read_plan(PLANS / "hai-phong-2026.yaml")
    _save(database, document)
    with database.session() as session:
        before = load_document(session, "hai-phong-2026").to_dict()
    _save(database, read_plan(PLANS / "hai-phong-2026.yaml"))
    with database.session() as session:
        assert load_document(session, "hai-phong-2026").to_dict() == before
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["plan.imported", "plan.reimported"]


def _agencies_by_key(document: PlanDocument) -> dict:
    data = document.to_dict()
    for task in data["tasks"]:
        task["lead_agency"] = agency_key(task["lead_agency"] or "")
        task["coordinating_agencies"] = [agency_key(a) for a in task["coordinating_agencies"]]
    return data


def test_stored_plan_reads_back_as_the_document_it_came_from(database: Database) -> None:
    """Identical, except that each agency reads back in the one spelling the database keeps for it."""
    document = read_plan(PLANS / "vinh-tuy-2026.yaml")
    _save(database, document)
    with database.session() as session:
        stored = load_document(session, "vinh-tuy-2026")
    assert _agencies_by_key(stored) == _agencies_by_key(document)
    assert stored.tasks[4].coordinating_agencies[0] == "Các Ban Đảng"  # task 5 wrote "Các ban Đảng"


def test_import_is_audited_with_the_persons_name(database: Database) -> None:
    _save(database, read_plan(PLANS / "vinh-tuy-2026.yaml"), actor="Phùng Bích Nga")
    with database.session() as session:
        event = session.scalars(select(AuditEvent)).one()
    assert (event.actor, event.action, event.entity_key) == ("Phùng Bích Nga", "plan.imported", "vinh-tuy-2026")
    assert event.details["tasks"] == 58


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"])
def test_audit_log_refuses_update_and_delete(database: Database, statement: str) -> None:
    _save(database, read_plan(PLANS / "hai-phong-2026.yaml"))
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
        connection.execute(text(statement))
    with database.session() as session:
        assert session.scalars(select(AuditEvent.actor)).one() == "Nguyễn Văn A"


def test_indicators_keep_their_targets(database: Database) -> None:
    _save(database, read_plan(PLANS / "vinh-tuy-2026.yaml"))
    with database.session() as session:
        indicators = get_plan(session, "vinh-tuy-2026").indicators
    assert [(i.comparator, i.target_value, i.unit) for i in indicators[:2]] == [(">=", 100.0, "%"), (">=", 80.0, "%")]


def test_canonical_yaml_files_parse_as_yaml_mappings() -> None:
    for path in PLANS.glob("*.yaml"):
        assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict), path
