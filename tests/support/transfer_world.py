"""The people a transfer needs: two wards under the Thành ủy, their offices, and the city's.

Built on tests.support.world: adds a deputy secretary at home, the Cầu Giấy ward's committee
officer and the Thành ủy's organisation office (the superior level when a move leaves a ward).
Dues are real: An is a pensioner and Cường on a salary; those named in `paid` have paid
December 2026 to February 2027 in cash through the dues ledger (each payment renders a receipt,
so tests name only whom they need). Bình and Hải, members for over 50 years, owe nothing.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from partybot.dialogs.engine import Engine
from partybot.dialogs.model import Reply
from partybot.handlers.console import ConsoleChannel
from partybot.services import dues
from partybot.services.transfer_rules import add_months
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import (
    Member,
    OrgKind,
    OutboxMessage,
    OutboxStatus,
    PaymentMethod,
    Role,
    RoleKind,
)
from tests.support.transcript import Person
from tests.support.world import World, add_member, add_org, build_world

PHONES = {
    "an": "+84912000001",  # member, Chi bộ Tổ dân phố số 5 (ward Yên Hòa)
    "binh": "+84912000002",  # secretary, Tổ dân phố số 5
    "cuong": "+84912000003",  # member, Trường THCS Yên Hòa
    "dung": "+84912000004",  # secretary, Trường THCS Yên Hòa
    "em": "+84912000005",  # treasurer, Tổ dân phố số 5 (no dues category on record)
    "giang": "+84912000006",  # committee officer, Đảng ủy phường Yên Hòa
    "hai": "+84912000007",  # secretary, Khu dân cư số 1 (ward Cầu Giấy)
    "chung": "+84912000021",  # deputy secretary, Tổ dân phố số 5
    "hoa": "+84912000022",  # committee officer, Đảng ủy phường Cầu Giấy
    "thanh": "+84912000023",  # committee officer, Thành ủy Hà Nội
    "khanh": "+84912000024",  # secretary, Tổ dân phố số 7 (ward Yên Hòa)
}


async def build_transfer_world(db: Database, paid: tuple[str, ...] = ("an", "cuong")) -> World:
    world = await build_world(db)
    async with db.transaction() as session:
        orgs, people = world.orgs, world.people
        orgs["tdp7"] = await add_org(
            session, "CB-TDP7", "Chi bộ Tổ dân phố số 7", OrgKind.CELL, orgs["ward"]
        )
        orgs["city_cell"] = await add_org(
            session, "CB-CQTU", "Chi bộ Ban Tổ chức Thành ủy", OrgKind.CELL, orgs["city"]
        )
        people["chung"] = await add_member(session, "Ngô Văn Chung", PHONES["chung"], orgs["home"])
        people["hoa"] = await add_member(session, "Lương Thị Hòa", PHONES["hoa"], orgs["other"])
        people["thanh"] = await add_member(
            session, "Ngô Thị Thanh", PHONES["thanh"], orgs["city_cell"]
        )
        people["khanh"] = await add_member(session, "Đỗ Văn Khánh", PHONES["khanh"], orgs["tdp7"])
        grants = [
            ("chung", "home", RoleKind.DEPUTY_SECRETARY),
            ("hoa", "other_ward", RoleKind.COMMITTEE_OFFICER),
            ("thanh", "city", RoleKind.COMMITTEE_OFFICER),
            ("khanh", "tdp7", RoleKind.SECRETARY),
        ]
        for who, org, role in grants:
            session.add(Role(member_id=people[who].id, org_id=orgs[org].id, role=role))
        facts = {
            "an": ("pension", 7_000_000, date(1980, 3, 2)),
            "cuong": ("salary", 12_600_000, date(1980, 3, 2)),
            "binh": ("pension", 6_850_000, date(1970, 5, 19)),
            "hai": ("pension", 8_000_000, date(1972, 2, 3)),
        }
        for who, (category, base, admitted) in facts.items():
            member = await session.get(Member, people[who].id)
            assert member is not None
            member.dues_category, member.dues_base, member.admitted_on = category, base, admitted
        an = await session.get(Member, people["an"].id)
        assert an is not None
        an.biography_number = "012345HN"
    for who in paid:
        await pay(db, world, who, date(2026, 12, 1), months=3)
    return world


async def pay(db: Database, world: World, who: str, first: date, months: int) -> None:
    """Cash handed to the treasurer for `months` months from `first`, through the dues ledger."""
    now = datetime.combine(first, time(3), UTC)
    async with db.transaction() as session:
        member = await session.get(Member, world.people[who].id)
        assert member is not None
        amount = 0
        for index in range(months):
            amount += await dues.monthly_amount(session, member.id, add_months(first, index))
        await dues.record_payment(
            session, Settings(_env_file=None), member, amount, PaymentMethod.CASH, now
        )


@dataclass
class Cast:
    """Everyone in the world, linked on the console, each at the main menu."""

    engine: Engine
    db: Database
    people: dict[str, Person] = field(default_factory=dict)
    seen: int = 0  # the last outbox row already looked at

    async def login(self, *names: str) -> None:
        channel = ConsoleChannel(self.engine, None, print)  # type: ignore[arg-type]
        for name in names:
            await channel.login(PHONES[name])
            person = Person(self.engine, PHONES[name])
            await person.says("menu")
            self.people[name] = person

    def __getitem__(self, name: str) -> Person:
        return self.people[name]

    async def notices(self, world: World, name: str, event: str | None = None) -> list[Reply]:
        """Notices queued for this person (rendered as they will read them), marked delivered."""
        member_id = world.people[name].id
        async with self.db.transaction() as session:
            rows = (
                await session.scalars(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.member_id == member_id,
                        OutboxMessage.status == OutboxStatus.PENDING,
                    )
                    .order_by(OutboxMessage.id)
                )
            ).all()
            found = []
            for row in rows:
                if event is None or row.event == event:
                    found.append(self.engine.render_notice(row.event, row.params))
                    row.status = OutboxStatus.SENT
            return found

    async def prompt(self, world: World, name: str) -> Reply:
        """The newest approval prompt waiting for this person."""
        prompts = await self.notices(world, name, "approval.prompt")
        assert prompts, f"no approval prompt for {name}"
        return prompts[-1]


def button(reply: Reply, label: str) -> str:
    """The opaque payload behind the button with this label."""
    return next(choice.payload for choice in reply.actions if choice.label == label)
