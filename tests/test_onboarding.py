"""Linking a channel account to a roster member: contact, phone + one-time code, invite token."""

from datetime import timedelta

from sqlalchemy import func, select

from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.services import identity
from partybot.storage.db import Database
from partybot.storage.models import AuditEntry, ChannelAccount, InviteCode
from tests.support.clock import FakeClock
from tests.support.transcript import Person
from tests.support.world import build_world


async def issue(db: Database, world, who: str, clock: FakeClock, ttl: int = 72):
    async with db.transaction() as session:
        member = await session.get(type(world.people[who]), world.people[who].id)
        return await identity.issue_invite(session, member, None, clock(), ttl)


async def account_of(db: Database, user_key: str) -> ChannelAccount:
    async with db.transaction() as session:
        found = await session.scalar(
            select(ChannelAccount).where(ChannelAccount.external_id == user_key)
        )
        assert found is not None
        return found


async def test_unknown_user_is_greeted_and_asked_for_phone(engine: Engine, db: Database) -> None:
    await build_world(db)
    guest = Person(engine, "tg-1")
    await guest.says("xin chào")
    assert texts.WELCOME in guest.text
    assert guest.last.text == texts.ASK_PHONE
    assert guest.last.request_contact


async def test_phone_and_code_link_the_account(engine: Engine, db: Database, clock) -> None:
    world = await build_world(db)
    invite = await issue(db, world, "an", clock)
    guest = Person(engine, "tg-2")
    await guest.says("chào")
    await guest.says("0912 000 001")
    assert guest.last.text == texts.ASK_CODE
    await guest.says(invite.code)
    assert "Nguyễn Văn An" in guest.text and "Chi bộ Tổ dân phố số 5" in guest.text
    assert guest.last.text == texts.MENU_NEXT
    account = await account_of(db, "tg-2")
    assert account.member_id == world.people["an"].id and account.verified_by == "code"
    async with db.transaction() as session:
        used = await session.scalar(select(InviteCode.used_at))
        audited = await session.scalar(
            select(func.count()).where(AuditEntry.action == "account.linked")
        )
    assert used is not None and audited == 1


async def test_first_message_can_be_the_phone(engine: Engine, db: Database, clock) -> None:
    await build_world(db)
    guest = Person(engine, "tg-3")
    await guest.says("84912000001")
    assert texts.WELCOME in guest.text
    assert guest.last.text == texts.ASK_CODE


async def test_wrong_codes_lock_after_five(engine: Engine, db: Database, clock) -> None:
    world = await build_world(db)
    invite = await issue(db, world, "an", clock)
    guest = Person(engine, "tg-4")
    await guest.says("0912000001")
    wrong = "000000" if invite.code != "000000" else "111111"
    await guest.says(wrong)
    assert texts.CODE_WRONG.format(left=4) in guest.text
    await guest.says(wrong)
    assert texts.CODE_WRONG.format(left=3) in guest.text
    await guest.says(wrong)  # third failed try: a human is offered
    assert guest.last.text == texts.HUMAN_OFFER
    await guest.says("thử lại")
    await guest.says(wrong)
    await guest.says(wrong)
    assert texts.CODE_LOCKED in guest.text
    assert guest.last.text == texts.ASK_PHONE
    await guest.says("0912000001")
    await guest.says(invite.code)  # the right code no longer works once locked
    assert texts.CODE_LOCKED in guest.text
    assert (await account_of(db, "tg-4")).member_id is None


async def test_expired_code_is_refused(engine: Engine, db: Database, clock) -> None:
    world = await build_world(db)
    invite = await issue(db, world, "an", clock)
    clock.advance(hours=73)
    guest = Person(engine, "tg-5")
    await guest.says("0912000001")
    await guest.says(invite.code)
    assert texts.CODE_NONE in guest.text


async def test_code_is_single_use(engine: Engine, db: Database, clock) -> None:
    world = await build_world(db)
    invite = await issue(db, world, "an", clock)
    first, second = Person(engine, "tg-6"), Person(engine, "tg-7")
    await first.says("0912000001")
    await first.says(invite.code)
    await second.says("0912000001")
    await second.says(invite.code)
    assert texts.CODE_NONE in second.text
    assert (await account_of(db, "tg-7")).member_id is None


async def test_unknown_phone_gets_a_kind_explanation(engine: Engine, db: Database) -> None:
    await build_world(db)
    guest = Person(engine, "tg-8")
    await guest.says("hello")
    await guest.says("0987 654 321")
    assert texts.PHONE_UNKNOWN.format(phone="0987 654 321") in guest.text
    assert guest.last.text == texts.ASK_PHONE


async def test_own_contact_links_at_once(engine: Engine, db: Database) -> None:
    world = await build_world(db)
    guest = Person(engine, "tg-9", channel="telegram")
    await guest.says("/start")
    await guest.shares_contact("84912000003", own=True)
    assert "Lê Văn Cường" in guest.text
    account = await account_of(db, "tg-9")
    assert account.member_id == world.people["cuong"].id and account.verified_by == "contact"


async def test_someone_elses_contact_falls_back_to_code(engine: Engine, db: Database) -> None:
    await build_world(db)
    guest = Person(engine, "tg-10", channel="telegram")
    await guest.says("/start")
    await guest.shares_contact("+84912000003", own=False)
    assert texts.CONTACT_NOT_OWN in guest.text
    assert (await account_of(db, "tg-10")).member_id is None


async def test_invite_token_links_in_one_message(engine: Engine, db: Database, clock) -> None:
    world = await build_world(db)
    invite = await issue(db, world, "binh", clock)
    guest = Person(engine, "zl-1", channel="zalo")
    await guest.says(invite.token.lower())
    assert "Trần Thị Bình" in guest.text
    assert (await account_of(db, "zl-1")).member_id == world.people["binh"].id


async def test_reissuing_invalidates_the_old_code(engine: Engine, db: Database, clock) -> None:
    world = await build_world(db)
    old = await issue(db, world, "an", clock)
    clock.advance(minutes=1)
    new = await issue(db, world, "an", clock)
    guest = Person(engine, "tg-11")
    await guest.says("0912000001")
    if old.code != new.code:
        await guest.says(old.code)
        assert texts.CODE_WRONG.format(left=4) in guest.text
    await guest.says(new.code)
    assert "Nguyễn Văn An" in guest.text
    assert clock() - new.expires_at < timedelta(0)
