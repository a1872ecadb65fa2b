"""The demo organisation: a ward with three chi bộ, another ward to transfer to, ~30 members.

Seeded through the real roster import from the CSV files beside this module (they double as the
example files in docs/roster.md), so re-running updates rather than duplicates.
"""

from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from partybot.bot import demo_transfers
from partybot.bot.demo_dues import seed_dues
from partybot.services import identity
from partybot.services.directory import roles_of
from partybot.services.phones import display_phone
from partybot.services.roster import import_roster
from partybot.storage.db import Database
from partybot.storage.models import Member, Organisation

DATA = Path(__file__).parent / "demo_data"
ROLE_NAMES = {
    "secretary": "Bí thư",
    "deputy_secretary": "Phó bí thư",
    "treasurer": "Thủ quỹ",
    "committee_officer": "Văn phòng đảng ủy",
    "helper": "Tổ công nghệ",
    "admin": "Quản trị",
}
# Plain members worth trying: an elderly pensioner (not linked: try onboarding with the code),
# a teacher who lives in another cell (residence review), a member with 50+ years in the Party.
PERSONAS = ("01000104", "01000304", "01000209", "01000111")


@dataclass(frozen=True)
class DemoAccount:
    role: str
    name: str
    phone: str
    cell: str
    invite_code: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


async def seed(db: Database, now: datetime, invite_ttl_hours: int) -> list[DemoAccount]:
    """Write the demo organisation; returns who to try as (with a fresh invite code for some)."""
    async with db.transaction() as session:
        report = await import_roster(session, DATA / "orgs.csv", DATA / "members.csv")
        if not report.written:
            raise RuntimeError(f"demo roster does not import: {report.problems}")
        await demo_transfers.seed(session)
        await seed_dues(session, now)
        cells = {o.id: o.name for o in (await session.scalars(select(Organisation))).all()}
        accounts: list[DemoAccount] = []
        members = (await session.scalars(select(Member).order_by(Member.card_number))).all()
        for member in members:
            held = await roles_of(session, member.id)
            if not held and member.card_number not in PERSONAS:
                continue
            code = None
            if member.card_number == PERSONAS[0]:
                code = (
                    await identity.issue_invite(session, member, None, now, invite_ttl_hours)
                ).code
            role = ", ".join(ROLE_NAMES[h.role] for h in held) or "Đảng viên"
            accounts.append(
                DemoAccount(
                    role,
                    member.full_name,
                    display_phone(member.phone or ""),
                    cells[member.official_org_id],
                    code,
                )
            )
        return accounts
