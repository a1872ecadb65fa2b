"""A small organisation built directly in the database, for tests that need people."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from partybot.storage.db import Database
from partybot.storage.models import Member, Organisation, OrgKind, Role, RoleKind


@dataclass
class World:
    orgs: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Member] = field(default_factory=dict)


async def add_org(
    session: AsyncSession, code: str, name: str, kind: str, parent: Organisation | None = None
) -> Organisation:
    org = Organisation(
        code=code,
        name=name,
        kind=kind,
        parent_id=parent.id if parent else None,
        bank_bin="970436" if kind == OrgKind.CELL else None,
        bank_account="0011001800879" if kind == OrgKind.CELL else None,
        bank_account_name=f"CHI BO {code}" if kind == OrgKind.CELL else None,
    )
    session.add(org)
    await session.flush()
    return org


async def add_member(
    session: AsyncSession,
    name: str,
    phone: str,
    cell: Organisation,
    residence: Organisation | None = None,
    card: str | None = None,
    **fields: object,
) -> Member:
    member = Member(
        card_number=card or f"C{phone[-8:]}",
        full_name=name,
        phone=phone,
        official_org_id=cell.id,
        residence_org_id=residence.id if residence else None,
        birth_date=fields.pop("birth_date", date(1950, 5, 17)),
        admitted_on=fields.pop("admitted_on", date(1980, 3, 2)),
        **fields,
    )
    session.add(member)
    await session.flush()
    return member


async def build_world(db: Database) -> World:
    """Thành ủy -> two wards; ward A has a residential cell and a school cell."""
    world = World()
    async with db.transaction() as session:
        city = await add_org(session, "TU-HN", "Thành ủy Hà Nội", OrgKind.CITY)
        ward = await add_org(session, "DU-YH", "Đảng ủy phường Yên Hòa", OrgKind.COMMITTEE, city)
        home = await add_org(session, "CB-TDP5", "Chi bộ Tổ dân phố số 5", OrgKind.CELL, ward)
        school = await add_org(session, "CB-THCS", "Chi bộ Trường THCS Yên Hòa", OrgKind.CELL, ward)
        other_ward = await add_org(
            session, "DU-CG", "Đảng ủy phường Cầu Giấy", OrgKind.COMMITTEE, city
        )
        other = await add_org(session, "CB-CG1", "Chi bộ Khu dân cư số 1", OrgKind.CELL, other_ward)
        world.orgs = {
            "city": city,
            "ward": ward,
            "home": home,
            "school": school,
            "other_ward": other_ward,
            "other": other,
        }
        people = world.people
        people["an"] = await add_member(session, "Nguyễn Văn An", "+84912000001", home)
        people["binh"] = await add_member(session, "Trần Thị Bình", "+84912000002", home)
        people["cuong"] = await add_member(
            session, "Lê Văn Cường", "+84912000003", school, residence=home
        )
        people["dung"] = await add_member(session, "Phạm Thị Dung", "+84912000004", school)
        people["em"] = await add_member(session, "Hoàng Văn Em", "+84912000005", home)
        people["giang"] = await add_member(session, "Đỗ Thị Giang", "+84912000006", ward)
        people["hai"] = await add_member(session, "Vũ Văn Hải", "+84912000007", other)
        grants = [
            ("binh", home, RoleKind.SECRETARY),
            ("em", home, RoleKind.TREASURER),
            ("dung", school, RoleKind.SECRETARY),
            ("giang", ward, RoleKind.COMMITTEE_OFFICER),
            ("hai", other, RoleKind.SECRETARY),
        ]
        for who, org, role in grants:
            session.add(Role(member_id=people[who].id, org_id=org.id, role=role))
    return world


async def add_helper(db: Database, world: World) -> Member:
    """Khoa, of the community tech team, helping members of ward Yên Hòa."""
    async with db.transaction() as session:
        khoa = await add_member(session, "Tạ Văn Khoa", "+84912000008", world.orgs["home"])
        session.add(Role(member_id=khoa.id, org_id=world.orgs["ward"].id, role=RoleKind.HELPER))
    world.people["khoa"] = khoa
    return khoa
