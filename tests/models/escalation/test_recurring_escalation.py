"""Recurring duties are chased at the dates their rule gives: a monthly duty ("trước ngày 25 hằng tháng")
before each 25th and after it when no report came; a quarterly one ("Hằng quý") at each quarter's end."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from documents.directory_yaml import read_directory
from documents.reader import read_plan
from models.db import Database
from models.lifecycle.moves import MoveRequest, apply_move
from models.lifecycle.workflow import Action
from models.org.directory import load_directory
from models.plan.store import save_plan
from tests.models.escalation.test_escalation import VT, at, run_sweep, sequences
from tests.paths import ORGS, PLANS
from tests.time import NOW


def _plan_with_rhythms(database: Database, tmp_path: Path) -> None:
    """The Vĩnh Tuy plan with task 1 due 'trước ngày 25 hằng tháng' and task 2 'Hằng quý'."""
    data = yaml.safe_load((PLANS / "vinh-tuy-2026.yaml").read_text(encoding="utf-8"))
    data["tasks"][0]["deadline"] = "Trước ngày 25 hằng tháng"
    data["tasks"][1]["deadline"] = "Hằng quý"
    path = tmp_path / "vinh-tuy-2026.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with database.transaction() as session:
        save_plan(session, document=read_plan(path), actor="test", now=NOW)
        load_directory(session, directory=read_directory(ORGS / "dang-uy-phuong-vinh-tuy.yaml"), actor="test", now=NOW)
        for number in ("1", "2"):
            apply_move(
                session, MoveRequest(VT, number, Action.ASSIGN, "vanthu@vinhtuy.example"), now=at(date(2026, 3, 2), 9)
            )


def test_a_monthly_and_a_quarterly_duty_are_chased_at_their_own_dates(database: Database, tmp_path: Path) -> None:
    _plan_with_rhythms(database, tmp_path)
    day = date(2026, 3, 2)
    while day <= date(2026, 5, 29):
        run_sweep(database, day)
        day = date.fromordinal(day.toordinal() + 1)
    found = sequences(database, VT)
    monthly = [rung for rung, _ in found["1"]]
    assert monthly == [f"{kind}:2026-{m:02d}" for m in (3, 4, 5) for kind in ("progress", "missing")]
    fired = dict(found["1"])
    assert fired["progress:2026-03"] == date(2026, 3, 18)  # five working days before Wednesday 25 March
    assert fired["missing:2026-03"] == date(2026, 3, 26)
    quarterly = [rung for rung, _ in found["2"]]
    assert quarterly == ["progress:2026-Q1", "missing:2026-Q1"]


def test_a_monthly_report_stops_that_months_missing_notice(database: Database, tmp_path: Path) -> None:
    _plan_with_rhythms(database, tmp_path)
    with database.transaction() as session:
        apply_move(
            session, MoveRequest(VT, "1", Action.ACKNOWLEDGE, "chanhvp@vinhtuy.example"), now=at(date(2026, 3, 3), 9)
        )
        apply_move(
            session,
            MoveRequest(
                VT, "1", Action.SUBMIT_PROGRESS, "chanhvp@vinhtuy.example", {"period": "2026-03", "text": "Đã làm"}
            ),
            now=at(date(2026, 3, 20), 9),
        )
    for day in (date(2026, 3, 18), date(2026, 3, 26), date(2026, 4, 20)):
        run_sweep(database, day)
    assert [rung for rung, _ in sequences(database, VT)["1"]] == ["progress:2026-04"]
