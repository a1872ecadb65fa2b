"""The people a transfer needs: two wards under the Thành ủy, their offices, and the city's.

Built on tests.support.world: adds a deputy secretary at home, the Cầu Giấy ward's committee
officer and the Thành ủy's organisation office (the superior level when a move leaves a ward).
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from partybot.dialogs.engine import Engine
from partybot.dialogs.model import Reply
from partybot.handlers.console import ConsoleChannel
from partybot.storage.db import Database
from partybot.storage.models import Member, OrgKind, OutboxMessage, OutboxStatus, Role, RoleKind
from tests.support.transcript import Person
from tests.support.world import World, add_member, add_org, build_world

PHONES = {
    "an": "+84912000001",  # member, Chi bộ Tổ dân phố số 5 (ward Yên Hòa)
    "binh": "+84912000002",  # secretary, Tổ dân phố số 5
    "cuong": "+84912000003",  # member, Trường THCS Yên Hòa
    "dung": "+84912000004",  # secretary, Trường THCS Yên Hòa
    "giang": "+84912000006",  # committee officer, Đảng ủy phường Yên Hòa
    "hai": "+84912000007",  # secretary, Khu dân cư số 1 (ward Cầu Giấy)
    "chung": "+84912000008",  # deputy secretary, Tổ dân phố số 5
    "hoa": "+84912000009",  # committee officer, Đảng ủy phường Cầu Giấy
    "thanh": "+84912000010",  # committee officer, Thành ủy Hà Nội
    "khanh": "+84912000011",  # secretary, Tổ dân phố số 7 (ward Yên Hòa)
}


async def build_transfer_world(db: Database) -> World:
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
        an = await session.get(Member, people["an"].id)
        assert an is not None
        an.biography_number = "012345HN"
    return world


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
