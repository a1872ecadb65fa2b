"""Demo state for transfers: the Thành ủy's organisation office, which issues a letter when a
member moves from one ward's đảng bộ to another (the superior level of the demo tree).

The roster CSV files stay as they are; this adds one cell and one officer, idempotently.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.storage.models import Member, Organisation, OrgKind, Role, RoleKind

CITY = "TU-HN"
OFFICE_CELL = ("CB-CQTU", "Chi bộ Ban Tổ chức Thành ủy")
OFFICER = {
    "card_number": "01000001",
    "full_name": "Ngô Thị Thanh",
    "phone": "+84912000001",
    "birth_date": date(1976, 8, 19),
    "admitted_on": date(2002, 5, 19),
    "official_on": date(2003, 5, 19),
    "biography_number": "012300HN",
}


async def seed(session: AsyncSession) -> None:
    """Add the city's committee officer (and her cell) unless they are there already."""
    city = await session.scalar(select(Organisation).where(Organisation.code == CITY))
    if city is None:
        return
    code, name = OFFICE_CELL
    cell = await session.scalar(select(Organisation).where(Organisation.code == code))
    if cell is None:
        cell = Organisation(code=code, name=name, kind=OrgKind.CELL, parent_id=city.id)
        session.add(cell)
        await session.flush()
    officer = await session.scalar(
        select(Member).where(Member.card_number == OFFICER["card_number"])
    )
    if officer is None:
        officer = Member(official_org_id=cell.id, **OFFICER)
        session.add(officer)
        await session.flush()
    held = await session.scalar(
        select(Role.id).where(
            Role.member_id == officer.id,
            Role.org_id == city.id,
            Role.role == RoleKind.COMMITTEE_OFFICER,
        )
    )
    if held is None:
        session.add(Role(member_id=officer.id, org_id=city.id, role=RoleKind.COMMITTEE_OFFICER))
        await session.flush()
