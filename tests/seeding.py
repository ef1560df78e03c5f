"""Test data: both real plans and the sample directories of their organizations."""

from __future__ import annotations

from datetime import datetime

from documents.directory_yaml import read_directory
from documents.reader import read_plan
from models.db import Database
from models.org.directory import load_directory
from models.plan.store import save_plan
from tests.paths import ORGS, PLANS
from tests.time import NOW


def seed(database: Database, now: datetime = NOW) -> None:
    """Import both seed plans and load both directories."""
    with database.transaction() as session:
        for code in ("vinh-tuy-2026", "hai-phong-2026"):
            save_plan(session, document=read_plan(PLANS / f"{code}.yaml"), actor="test", now=now)
        for path in sorted(ORGS.glob("*.yaml")):
            load_directory(session, directory=read_directory(path), actor="test", now=now)
