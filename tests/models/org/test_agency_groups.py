"""Groups of agencies ("Các Ban Đảng", "Các cơ quan liên quan") resolved to their members, and what that
changes: who may act, who is told, and which tasks cannot be assigned until the secretariat says who."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from documents.directory_yaml import read_directory
from models.db import Database
from models.lifecycle.assignment import assign_whole_plan
from models.lifecycle.moves import MoveRequest, apply_move
from models.lifecycle.steps import InvalidMoveError
from models.lifecycle.workflow import Action
from models.org.directory import DirectoryError, GroupEntry, load_directory
from models.org.groups import ALL_BOARDS, ALL_CELLS, ALL_PARTY_AGENCIES, OPEN_GROUP, group_key
from models.org.names import agency_key
from models.org.tables import Agency, Organization
from models.plan.tables import Plan, PlanTask
from notifications.channels import SmtpConfig, WebhookConfig
from notifications.delivery import Channels, deliver_pending
from tests.notifications.conftest import SmtpServer
from tests.paths import ORGS
from tests.seeding import seed
from tests.time import VIETNAM

VT = "vinh-tuy-2026"
WARD = "dang-uy-phuong-vinh-tuy"
OFFICE = "vanthu@vinhtuy.example"  # Văn phòng Đảng ủy, which leads task 8 ("Các cơ quan liên quan" coordinate)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)
DECLARED = ["Ban Xây dựng Đảng", "Công an phường", "Trung tâm HCC", "UBKT Đảng ủy"]


@pytest.fixture
def db(database: Database) -> Database:
    seed(database)
    return database


@pytest.fixture
def mail_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("spelling", "group"),
    [
        ("Các cơ quan liên quan", OPEN_GROUP),
        ("Các cơ quan, đơn vị liên quan", OPEN_GROUP),
        ("Các cơ quan có liên quan", OPEN_GROUP),
        ("Các sở, ngành, địa phương liên quan", OPEN_GROUP),
        ("Các Ban Đảng", ALL_BOARDS),
        ("Các ban Đảng Thành ủy", ALL_BOARDS),
        ("Các ban đảng của Đảng ủy", ALL_BOARDS),
        ("Các cấp ủy trực thuộc", ALL_CELLS),
        ("Các chi, đảng bộ cơ sở", ALL_CELLS),
        ("Các đảng ủy xã, phường, đặc khu", ALL_CELLS),
        ("Các cơ quan Đảng", ALL_PARTY_AGENCIES),
        ("Các cơ quan tham mưu, giúp việc", ALL_PARTY_AGENCIES),
    ],
)
def test_every_spelling_of_a_group_is_one_group(spelling: str, group: str) -> None:
    assert group_key(agency_key(spelling)) == group


@pytest.mark.parametrize("name", ["Ban Xây dựng Đảng", "Văn phòng Đảng ủy", "Công an phường", "Đảng ủy phường"])
def test_a_single_unit_is_not_a_group(name: str) -> None:
    assert group_key(agency_key(name)) == agency_key(name)


def _members(db: Database, name: str) -> list[str]:
    with db.session() as session:
        group = session.scalars(
            select(Agency)
            .join(Organization)
            .where(Organization.code == WARD, Agency.name_key == agency_key(name))
            .options(selectinload(Agency.members))
        ).one()
        return sorted(member.name for member in group.members)


def test_groups_named_by_their_kind_are_resolved_from_the_directory(db: Database) -> None:
    assert _members(db, "Các ban Đảng") == ["Ban Xây dựng Đảng", "UBKT Đảng ủy"]
    assert _members(db, "Các cấp ủy trực thuộc") == ["Chi bộ Khu dân cư số 1", "Chi bộ Khu dân cư số 2"]


def test_a_list_of_groups_resolves_each_part_with_the_shared_word_cac(db: Database) -> None:
    """ "Các ban Thành ủy; đảng ủy trực thuộc Thành ủy; …": the "các" of the first part is meant for every part."""
    with db.session() as session:
        group = session.scalars(
            select(Agency)
            .where(Agency.name.like("Các ban Thành ủy; đảng ủy trực thuộc%"))
            .options(selectinload(Agency.members))
        ).first()
        assert group is not None
        assert sorted(m.name for m in group.members) == [
            "Ban Tuyên giáo và Dân vận Thành ủy",
            "Ban Tổ chức Thành ủy",
            "Đảng ủy cơ sở mẫu số 1",
            "Đảng ủy cơ sở mẫu số 2",
        ]


def test_a_declared_group_stands_for_each_of_its_spellings(db: Database) -> None:
    assert _members(db, "Các cơ quan liên quan") == DECLARED
    assert _members(db, "Các cơ quan, đơn vị liên quan") == DECLARED
    assert _members(db, "Các cơ quan có liên quan") == DECLARED


def _reload_without_groups(db: Database) -> None:
    directory = dataclasses.replace(read_directory(ORGS / f"{WARD}.yaml"), groups=[])
    with db.transaction() as session:
        load_directory(session, directory=directory, actor="test", now=NOW)


def test_a_group_the_directory_no_longer_lists_has_no_members_again(db: Database) -> None:
    _reload_without_groups(db)
    assert _members(db, "Các cơ quan liên quan") == []
    assert _members(db, "Các cơ quan, đơn vị liên quan") == []
    assert _members(db, "Các ban Đảng") == ["Ban Xây dựng Đảng", "UBKT Đảng ủy"]  # its name still says who


def test_a_group_with_a_member_outside_the_directory_is_refused_by_name(db: Database) -> None:
    directory = dataclasses.replace(
        read_directory(ORGS / f"{WARD}.yaml"),
        groups=[GroupEntry(name="Các cơ quan liên quan", members=["Ban Xây dựng Đảng", "Ban Không Có"])],
    )
    with pytest.raises(DirectoryError, match=r"Các cơ quan liên quan.*Ban Không Có"), db.transaction() as session:
        load_directory(session, directory=directory, actor="test", now=NOW)
    assert _members(db, "Các cơ quan liên quan") == DECLARED  # nothing of the refused file was kept


def _move(db: Database, number: str, action: Action, actor: str, **payload: object) -> None:
    with db.transaction() as session:
        apply_move(session, MoveRequest(VT, number, action, actor, dict(payload)), now=NOW)


def _coordinators(db: Database, number: str) -> list[str]:
    with db.session() as session:
        task = session.scalars(select(PlanTask).join(Plan).where(Plan.code == VT, PlanTask.number == number)).one()
        return [c.agency.name for c in task.coordinators]


def test_an_undeclared_open_group_stops_assignment_until_the_agencies_are_named(db: Database) -> None:
    _reload_without_groups(db)
    with pytest.raises(InvalidMoveError, match=r"Các cơ quan liên quan.*--related"):
        _move(db, "8", Action.ASSIGN, OFFICE)
    with pytest.raises(InvalidMoveError, match="Không có trong danh bạ: Ban Không Có"):
        _move(db, "8", Action.ASSIGN, OFFICE, related=["Công an phường", "Ban Không Có"])
    _move(db, "8", Action.ASSIGN, OFFICE, related=["Công an phường", "Trung tâm HCC"])
    assert _coordinators(db, "8") == ["Công an phường", "Trung tâm HCC"]


def test_assigning_a_whole_plan_assigns_what_it_can_and_lists_the_rest(db: Database) -> None:
    _reload_without_groups(db)
    with db.transaction() as session:
        outcome = assign_whole_plan(session, VT, OFFICE, "test", now=NOW)
    assert "8" in outcome.refused and "--related" in outcome.refused["8"]
    assert len(outcome.moves) + len(outcome.refused) == 58
    assert len(outcome.moves) > 0
    with db.transaction() as session:
        again = assign_whole_plan(session, VT, OFFICE, "test-2", now=NOW, related=["Công an phường"])
    assert again.refused == {} and len(again.moves) == len(outcome.refused)
    assert _coordinators(db, "8") == ["Công an phường"]


def test_a_coordination_request_to_a_group_reaches_each_member_once(db: Database, mail_server: SmtpServer) -> None:
    channels = Channels(
        smtp=SmtpConfig(host="127.0.0.1", port=mail_server.port, sender="vanphong@vinhtuy.example"),
        webhook=WebhookConfig(secret="bi-mat", timeout=5),
    )
    _move(db, "8", Action.ASSIGN, OFFICE)
    _move(db, "8", Action.ACKNOWLEDGE, OFFICE)
    deliver_pending(db, channels, now=NOW)
    before = len(mail_server.messages)
    _move(db, "8", Action.REQUEST_COORDINATION, OFFICE, message="Đề nghị phối hợp vận hành IOC")
    report = deliver_pending(db, channels, now=NOW)
    assert (report.sent, report.failed) == (4, 0)
    asked = sorted(m["To"] for m in mail_server.messages[before:])
    assert asked == [
        "banxaydung@vinhtuy.example",
        "congan@vinhtuy.example",
        "hcc@vinhtuy.example",
        "ubkt@vinhtuy.example",
    ]
    assert deliver_pending(db, channels, now=NOW).sent == 0
