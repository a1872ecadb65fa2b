"""The test organisation with dues facts: categories, bases, regions and distinct bank accounts."""

from datetime import date

from sqlalchemy import select

from partybot.dialogs.engine import Engine
from partybot.handlers.console import ConsoleChannel
from partybot.storage.db import Database
from partybot.storage.models import Member, Organisation, OutboxMessage
from tests.support.transcript import Person
from tests.support.world import World, add_member, build_world

HOME_ACCOUNT = "0011001800879"  # Vietcombank 970436
SCHOOL_ACCOUNT = "12010001234507"  # BIDV 970418


async def build_dues_world(db: Database) -> World:
    """build_world, plus: region I for the ward; An a pensioner (7,000,000 -> 35,000 a month),
    Bình a pensioner at 6,850,000 (34,250), Em on a salary of 9,360,000 (93,600); and in the
    home cell a 50-year member, a student, a member with no income, one on the social pension
    and one with no base on record."""
    world = await build_world(db)
    async with db.transaction() as session:
        ward = await session.get(Organisation, world.orgs["ward"].id)
        school = await session.get(Organisation, world.orgs["school"].id)
        assert ward is not None and school is not None
        ward.region = 1
        school.bank_bin, school.bank_account = "970418", SCHOOL_ACCOUNT
        facts = {
            "an": ("pension", 7_000_000),
            "binh": ("pension", 6_850_000),
            "em": ("salary", 9_360_000),
            "cuong": ("salary", 12_600_000),
            "dung": ("salary", 8_100_000),
            "giang": ("salary", 10_800_000),
            "hai": ("pension", 8_000_000),
        }
        for who, (category, base) in facts.items():
            member = await session.get(Member, world.people[who].id)
            assert member is not None
            member.dues_category, member.dues_base = category, base
        home = world.orgs["home"]
        extra = {
            "old": ("Chu Văn Lão", "+84912000011", "pension", 9_000_000, date(1970, 5, 19)),
            "nga": ("Trịnh Thị Nga", "+84912000012", "student", None, date(2025, 3, 26)),
            "nam": ("Bùi Văn Nam", "+84912000013", "no_income", None, date(2010, 5, 19)),
            "hang": ("Ngô Thị Hằng", "+84912000014", "social_pension", None, date(1975, 6, 1)),
            "khanh": ("Đỗ Văn Khánh", "+84912000015", "pension", None, date(1990, 12, 22)),
        }
        for key, (name, phone, category, base, admitted) in extra.items():
            world.people[key] = await add_member(
                session,
                name,
                phone,
                home,
                dues_category=category,
                dues_base=base,
                admitted_on=admitted,
                birth_date={"nam": date(1985, 8, 20), "nga": date(2003, 6, 17)}.get(
                    key, date(1950, 5, 17)
                ),
                sex="male" if key == "nam" else None,
            )
    return world


async def login(engine: Engine, phone: str) -> Person:
    """A linked member at the main menu."""
    await ConsoleChannel(engine, None, print).login(phone)  # type: ignore[arg-type]
    person = Person(engine, phone)
    await person.says("menu")
    return person


async def outbox(db: Database, event: str | None = None) -> list[OutboxMessage]:
    async with db.transaction() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if event is not None:
            query = query.where(OutboxMessage.event == event)
        return list((await session.scalars(query)).all())
