"""Three people for the API and portal tests, with passwords, on the seeded directories."""

from __future__ import annotations

from models.accounts.login import set_password
from models.db import Database
from models.lifecycle.moves import MoveRequest, apply_move
from models.lifecycle.workflow import Action
from tests.seeding import seed
from tests.time import NOW

PASSWORD = "mat-khau-thu-nghiem"
OFFICE, LEAD, OUTSIDER = "vanthu@vinhtuy.example", "cvxd@vinhtuy.example", "cvvp@haiphong.example"
ASSIGNED = ("47", "29", "15")


def seed_people(database: Database) -> None:
    """Both plans and directories, a password for each of the three, and three Vĩnh Tuy tasks assigned."""
    seed(database)
    with database.transaction() as session:
        for email in (OFFICE, LEAD, OUTSIDER):
            set_password(session, email=email, password=PASSWORD, now=NOW)
        for number in ASSIGNED:
            apply_move(session, MoveRequest("vinh-tuy-2026", number, Action.ASSIGN, OFFICE), now=NOW)
