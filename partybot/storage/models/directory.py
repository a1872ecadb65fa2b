"""The organisation tree, members and the roles they hold."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partybot.storage.models.base import Base, utcnow


class OrgKind(StrEnum):
    CITY = "city"  # Thành ủy
    COMMITTEE = "committee"  # Đảng ủy phường/xã or an agency's đảng ủy
    CELL = "cell"  # Chi bộ


class MemberStatus(StrEnum):
    OFFICIAL = "official"
    PROBATIONARY = "probationary"


class RoleKind(StrEnum):
    SECRETARY = "secretary"
    DEPUTY_SECRETARY = "deputy_secretary"
    TREASURER = "treasurer"
    COMMITTEE_OFFICER = "committee_officer"
    HELPER = "helper"
    ADMIN = "admin"


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    bank_bin: Mapped[str | None] = mapped_column(String(6))
    bank_account: Mapped[str | None] = mapped_column(String(19))
    bank_account_name: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[
        int | None
    ]  # minimum-wage region I-IV (1-4); inherited from the parent when unset
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped["Organisation | None"] = relationship(remote_side=[id], lazy="raise")


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_number: Mapped[str] = mapped_column(String(20), unique=True)
    biography_number: Mapped[str | None] = mapped_column(String(20))
    full_name: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date | None]
    sex: Mapped[str | None] = mapped_column(String(6))  # "male" / "female": the retirement age
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    citizen_id: Mapped[str | None] = mapped_column(String(12))
    official_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    residence_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=MemberStatus.OFFICIAL)
    admitted_on: Mapped[date | None]
    official_on: Mapped[date | None]
    dues_category: Mapped[str | None] = mapped_column(String(30))
    dues_base: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    official_org: Mapped[Organisation] = relationship(foreign_keys=[official_org_id], lazy="raise")
    residence_org: Mapped[Organisation | None] = relationship(
        foreign_keys=[residence_org_id], lazy="raise"
    )


class Role(Base):
    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("member_id", "org_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))


Index("ix_roles_org_role", Role.org_id, Role.role)
