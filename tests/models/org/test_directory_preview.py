"""A directory file is previewed by the code that applies it, then rolled back: the preview names what would be
added and changed, writes nothing, and applying gives exactly what was previewed. A file cannot reach into
another organization's people or planflow's own accounts."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from documents.directory_yaml import read_directory
from models.audit import AuditEvent
from models.db import Database
from models.org.directory import DirectoryError, DirectoryFile, PersonEntry, load_directory
from models.org.directory_preview import preview_directory
from models.org.tables import Agency, Organization, Person
from tests.paths import ORGS
from tests.seeding import seed
from tests.time import NOW

VINH_TUY = "dang-uy-phuong-vinh-tuy"


@pytest.fixture
def db(database: Database) -> Database:
    seed(database)
    return database


def _changed_file() -> DirectoryFile:
    directory = read_directory(ORGS / f"{VINH_TUY}.yaml")
    directory.agencies[1].email = "banxaydung-moi@vinhtuy.example"
    directory.people.append(
        PersonEntry(full_name="Ngô Thị Mai", email="mai@vinhtuy.example", agency="Văn phòng Đảng ủy")
    )
    directory.people[0] = dataclasses.replace(directory.people[0], title="Bí thư Đảng ủy phường")
    return directory


def _counts(database: Database) -> tuple[int, int, int]:
    with database.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Person)) or 0,
            session.scalar(select(func.count()).select_from(Agency)) or 0,
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def _organization_id(database: Database, code: str) -> int:
    with database.session() as session:
        return session.scalars(select(Organization.id).where(Organization.code == code)).one()


def test_the_preview_names_each_change_and_writes_nothing(db: Database) -> None:
    before = _counts(db)
    with db.session() as session:
        changes = preview_directory(session, _changed_file(), organization_id=_organization_id(db, VINH_TUY))
    assert _counts(db) == before
    assert [c.label for c in changes.added_people] == ["Ngô Thị Mai"]
    assert [(c.label, c.fields) for c in changes.changed_agencies] == [
        ("Ban Xây dựng Đảng", {"thư điện tử": "banxaydung@vinhtuy.example → banxaydung-moi@vinhtuy.example"})
    ]
    assert [(c.label, c.fields) for c in changes.changed_people] == [
        ("Nguyễn Văn Bình", {"chức vụ": "Bí thư Đảng ủy → Bí thư Đảng ủy phường"})
    ]
    assert not changes.added_agencies and changes.unchanged > 0
    with db.transaction() as session:
        load_directory(session, directory=_changed_file(), actor="test", now=NOW)
    with db.session() as session:
        again = preview_directory(session, _changed_file(), organization_id=_organization_id(db, VINH_TUY))
    assert again.nothing  # applying gave exactly what the preview showed


def test_a_file_is_refused_for_another_organization_and_for_anothers_people(db: Database) -> None:
    with db.session() as session, pytest.raises(DirectoryError, match="không phải của tổ chức này"):
        preview_directory(
            session, _changed_file(), organization_id=_organization_id(db, "dang-uy-cac-co-quan-dang-thanh-pho")
        )
    for email, refusal in (("cvvp@haiphong.example", "tổ chức khác"), ("system+x@planflow.invalid", "hệ thống")):
        directory = read_directory(ORGS / f"{VINH_TUY}.yaml")
        directory.people.append(PersonEntry(full_name="Người lạ", email=email))
        before = _counts(db)
        with pytest.raises(DirectoryError, match=refusal), db.transaction() as session:
            load_directory(session, directory=directory, actor="test", now=NOW)
        assert _counts(db) == before
