"""Organizations (Party committees), their agencies and the people in them."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, BigId, Timestamped


class OrganizationLevel(StrEnum):
    """Where a Party committee stands in the hierarchy (centre → province/city → ward/commune)."""

    CENTRAL = "central"
    PROVINCE = "province"
    WARD = "ward"
    CELL = "cell"


class AgencyKind(StrEnum):
    """What an agency is, which later decides who may act for it."""

    SECRETARIAT = "secretariat"  # Văn phòng Đảng ủy / Văn phòng Thành ủy
    PARTY_BOARD = "party_board"  # Ban Xây dựng Đảng, Ban Tổ chức, Ban Tuyên giáo …
    INSPECTION = "inspection"  # Ủy ban Kiểm tra
    STANDING_COMMITTEE = "standing_committee"
    GROUP = "group"  # "Các cơ quan liên quan", "Các Ban Đảng": many units at once
    PARTY_CELL = "party_cell"  # chi bộ, đảng ủy trực thuộc
    EXTERNAL = "external"  # Công an, Sở, Cục, Báo … outside the Party apparatus
    OTHER = "other"


class Organization(Timestamped, Base):
    """A Party committee (Tổ chức đảng / Đảng bộ) that issues plans."""

    __tablename__ = "organizations"
    __table_args__ = (CheckConstraint("level IN ('central', 'province', 'ward', 'cell')", name="level_known"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(20), default=OrganizationLevel.WARD.value)
    place_name: Mapped[str | None] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)

    parent: Mapped[Organization | None] = relationship(remote_side=[id])
    agencies: Mapped[list[Agency]] = relationship(back_populates="organization")


class Agency(Timestamped, Base):
    """A unit that leads or coordinates tasks (cơ quan chủ trì / phối hợp), with its contacts."""

    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("organization_id", "name_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30), default=AgencyKind.OTHER.value)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    webhook_url: Mapped[str | None] = mapped_column(Text)
    # a group whose members the directory file lists (not derived from its name)
    members_declared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    organization: Mapped[Organization] = relationship(back_populates="agencies")
    # a group's member agencies, as the directory file lists them ("Các Ban Đảng": the party boards)
    members: Mapped[list[Agency]] = relationship(
        secondary="agency_members",
        primaryjoin="Agency.id == agency_members.c.group_id",
        secondaryjoin="Agency.id == agency_members.c.member_id",
        order_by="Agency.name",
    )


agency_members = Table(
    "agency_members",
    Base.metadata,
    Column("group_id", ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Person(Timestamped, Base):
    """A person with a title (Bí thư, Phó Bí thư Thường trực …), optionally in an agency."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    # One rule for matching a leader's title to a person's, in Python and in SQL: agency_key (case, tone marks).
    title_key: Mapped[str | None] = mapped_column(String(200), index=True)

    @validates("title")
    def _keep_title_key(self, _name: str, title: str | None) -> str | None:
        from models.org.names import agency_key  # agency_names reads this module's AgencyKind

        self.title_key = agency_key(title) if title else None
        return title

    email: Mapped[str | None] = mapped_column(String(200), unique=True, index=True)
    phone: Mapped[str | None] = mapped_column(String(50))
    is_agency_head: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    standing_committee: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set only for an upper-level system's account (models.accounts.machine_tokens): 'read' or 'move'; never a person's.
    machine_scope: Mapped[str | None] = mapped_column(
        String(10), CheckConstraint("machine_scope IN ('read', 'move')", name="machine_scope_known")
    )

    agency: Mapped[Agency | None] = relationship()
