"""The dialog engine as a member meets it: choices, navigation, resuming, bad input, idempotency,
and messages of many chats that arrive together sharing one transaction."""

import asyncio

import pytest
from sqlalchemy import func, select

from partybot.dialogs import engine as engine_module
from partybot.dialogs import texts
from partybot.dialogs.engine import Engine, Turn
from partybot.dialogs.flow import Registry
from partybot.dialogs.model import Inbound, InboundKind
from partybot.handlers.console import ConsoleChannel
from partybot.handlers.group_commit import GroupCommit
from partybot.services import notifications
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import Conversation, OutboxMessage, ProcessedUpdate
from tests.support.clock import FakeClock
from tests.support.databases import events
from tests.support.sample_dialog import registry_with_samples
from tests.support.transcript import Person
from tests.support.world import World, build_world


@pytest.fixture
def registry() -> Registry:
    return registry_with_samples()


@pytest.fixture
async def world(db: Database) -> World:
    return await build_world(db)


@pytest.fixture
async def an(engine: Engine, world: World) -> Person:
    """Nguyễn Văn An, linked on the console, at the main menu."""
    channel = ConsoleChannel(engine, files_dir=None, write=print)  # type: ignore[arg-type]
    await channel.login("+84912000001")
    person = Person(engine, "+84912000001")
    await person.says("menu")
    return person


async def state(db: Database, user_key: str) -> Conversation:
    async with db.transaction() as session:
        from partybot.storage.models import ChannelAccount

        row = await session.scalar(
            select(Conversation)
            .join(ChannelAccount, ChannelAccount.id == Conversation.account_id)
            .where(ChannelAccount.external_id == user_key)
        )
        assert row is not None
        return row


async def test_menu_shows_only_what_the_role_allows(engine: Engine, an: Person, world) -> None:
    assert an.last.text == texts.MENU_QUESTION
    menu = await an.menu()
    assert texts.PROFILE_TITLE in menu and texts.INVITE_TITLE not in menu
    await ConsoleChannel(engine, None, print).login("+84912000002")  # type: ignore[arg-type]
    binh = Person(engine, "+84912000002")
    await binh.says("menu")
    assert texts.INVITE_TITLE in await binh.menu()


@pytest.mark.parametrize("typed", ["1", "số 1", "Thủ tục mẫu", "thu tuc mau", "thu tuc mao", "mau"])
async def test_a_choice_by_number_label_or_typo(an: Person, typed: str) -> None:
    await an.says(typed)
    assert an.last.text == "Bác muốn làm gì?"


async def test_unsure_match_is_confirmed_not_guessed(an: Person, db: Database) -> None:
    await an.says("1")
    await an.says("nhan set")  # close to "Xin nhận xét nơi cư trú", not certain
    assert an.last.text == texts.DID_YOU_MEAN.format(label="Xin nhận xét nơi cư trú")
    assert an.options == [texts.YES, texts.NO]
    await an.says("không")
    assert an.last.text == "Bác muốn làm gì?"
    await an.says("nhan set")
    await an.says("vâng")
    assert an.last.text == "Ngày nào ạ?"
    assert (await state(db, an.user_key)).state["data"]["kind"] == "review"


async def test_full_walk_with_validators(an: Person) -> None:
    await an.says("1")
    await an.says("dong dang phi")
    await an.says("31/02/2026")
    assert texts.BAD_DATE in an.text and an.last.text == "Ngày nào ạ?"
    await an.says("15/3/26")
    await an.says("7tr5")
    await an.says("Ghi chú <b>đậm</b>'; DROP TABLE members; --")
    assert "Xong: dues 2026-03-15 7500000 «Ghi chú <b>đậm</b>'; DROP TABLE members; --»" in an.text
    assert an.last.text == texts.MENU_NEXT


async def test_back_keeps_what_was_typed(an: Person, db: Database) -> None:
    await an.says("1")
    await an.says("2")
    await an.says("01/01/2026")
    assert an.last.text == "Bao nhiêu tiền?"
    await an.says("quay lai")
    assert an.last.text == "Ngày nào ạ?"
    assert (await state(db, an.user_key)).state["data"]["when"] == "2026-01-01"
    await an.says("Quay lại")
    assert an.last.text == "Bác muốn làm gì?"
    await an.says("Quay lại")
    assert an.last.text == texts.MENU_QUESTION


async def test_cancel_drops_the_procedure(an: Person, db: Database) -> None:
    await an.says("1")
    await an.says("2")
    await an.says("huỷ")
    assert texts.CANCELLED.format(title="Thủ tục mẫu") in an.text
    assert an.last.text == texts.MENU_QUESTION
    row = await state(db, an.user_key)
    assert row.dialog == "menu" and row.state["suspended"] == {}


async def test_menu_keeps_an_unfinished_procedure(an: Person) -> None:
    await an.says("1")
    await an.says("2")
    await an.says("01/01/2026")
    await an.says("menu chinh")
    assert texts.SUSPENDED.format(title="Thủ tục mẫu") in an.text
    await an.says("1")
    assert an.last.text == texts.RESUME_QUESTION.format(title="Thủ tục mẫu")
    await an.says("làm tiếp")
    assert an.last.text == "Bao nhiêu tiền?"
    await an.says("menu")
    await an.says("thu tuc mau")
    await an.says("2")  # start over
    assert an.last.text == "Bác muốn làm gì?"


async def test_coming_back_days_later_offers_to_continue(an: Person, clock: FakeClock) -> None:
    await an.says("1")
    await an.says("1")
    clock.advance(days=3)
    await an.says("15/03/2026")
    assert an.last.text == texts.RESUME_QUESTION.format(title="Thủ tục mẫu")
    await an.says("1")
    assert an.last.text == "Ngày nào ạ?"
    await an.says("15/03/2026")
    assert an.last.text == "Bao nhiêu tiền?"


async def test_help_repeats_the_same_step(an: Person) -> None:
    await an.says("1")
    await an.says("trợ giúp")
    assert "Chọn một việc." in an.text and an.last.text == "Bác muốn làm gì?"
    await an.says("?")
    assert an.last.text == "Bác muốn làm gì?"


@pytest.mark.parametrize(
    "garbage",
    ["", "   ", "😀😀😀", "x" * 5000, "<script>alert(1)</script>", "' OR 1=1 --", "☎️ 0912"],
)
async def test_garbage_never_moves_or_loses_anything(an: Person, db: Database, garbage) -> None:
    await an.says("1")
    await an.says("1")
    before = (await state(db, an.user_key)).state["data"]
    await an.says(garbage)
    assert an.last.text == "Ngày nào ạ?"
    assert (await state(db, an.user_key)).state["data"] == before
    assert len(an.text) < 1000


async def test_stickers_and_photos_are_answered_in_words(an: Person) -> None:
    await an.says("1")
    await an.send(an.inbound(kind=InboundKind.UNSUPPORTED))
    assert texts.UNSUPPORTED in an.text and an.last.text == "Bác muốn làm gì?"


async def test_three_failures_offer_a_human(an: Person, db: Database, world: World) -> None:
    await an.says("1")
    await an.says("1")
    for _ in range(3):
        await an.says("hôm qua")
    assert an.last.text == texts.HUMAN_OFFER
    await an.says("1")
    assert texts.HUMAN_SENT.format(name="Trần Thị Bình") in an.text
    assert an.last.text == "Ngày nào ạ?"
    async with db.transaction() as session:
        notice = await session.scalar(select(OutboxMessage))
    assert notice is not None and notice.member_id == world.people["binh"].id
    assert notice.event == "approval.prompt" and notice.params["kind"] == "help"
    assert notice.params["typed"] == "hôm qua" and notice.params["title"] == "Thủ tục mẫu"


async def test_the_same_update_twice_has_one_effect(an: Person, db: Database) -> None:
    await an.says("2")
    update = an.inbound(text="x")
    first = await an.send(update)
    again = await an.send(update)
    assert first and again == []
    assert (await state(db, an.user_key)).state["data"]["n"] == 1


async def test_two_processes_never_lose_an_update(
    db: Database, settings: Settings, clock: FakeClock, an: Person
) -> None:
    await an.says("2")
    other = Engine(db, settings, clock, registry=registry_with_samples())
    engines = [an.engine, other] * 5
    await asyncio.gather(
        *(
            e.handle(Inbound("console", an.user_key, text="x", update_key=f"c{i}"))
            for i, e in enumerate(engines)
        )
    )
    assert (await state(db, an.user_key)).state["data"]["n"] == 10


async def test_address_form_is_configurable(
    db: Database, settings: Settings, clock: FakeClock, world: World
) -> None:
    formal = Engine(db, settings.model_copy(update={"address_form": "Đồng chí"}), clock)
    guest = Person(formal, "tg-formal")
    await guest.says("hi")
    assert "Chào Đồng chí" in guest.text and "Bác" not in guest.text


async def test_buttons_are_checked_server_side(an: Person, db: Database, world, clock) -> None:
    async with db.transaction() as session:
        mine = await notifications.action_token(
            session, world.people["an"].id, "sample.open", 7, clock()
        )
        theirs = await notifications.action_token(
            session, world.people["binh"].id, "sample.open", 7, clock()
        )
        handled = await notifications.action_token(
            session, world.people["an"].id, "sample.open", 0, clock()
        )
    await an.presses(theirs)
    assert texts.BUTTON_NOT_YOURS in an.text
    await an.presses("forged-token")
    assert texts.BUTTON_GONE in an.text
    await an.presses(handled)
    assert texts.ALREADY_HANDLED in an.text
    await an.presses(mine)
    assert an.last.text == "Bác muốn làm gì?"
    assert (await state(db, an.user_key)).state["data"] == {"opened_for": 7}


async def test_a_step_removed_by_an_upgrade_falls_back_to_the_menu(an: Person, db) -> None:
    await an.says("1")
    async with db.transaction() as session:
        row = await session.scalar(select(Conversation))
        assert row is not None
        row.step = "no-longer-exists"
    await an.says("xin chào")
    assert texts.ERROR not in an.text
    assert an.last.text == texts.MENU_QUESTION


async def test_a_flood_is_slowed_kindly_without_losing_the_procedure(
    an: Person, db: Database, settings: Settings
) -> None:
    an.engine.settings = settings.model_copy(update={"flood_messages": 8})
    await an.says("2")
    an.engine.clock.advance(minutes=1)
    burst = [await an.engine.handle(an.inbound(text="x")) for _ in range(12)]
    told = [replies for replies in burst if replies and replies[0].text == texts.TOO_FAST]
    assert len(told) == 1 and burst[8] == told[0]
    assert (await state(db, an.user_key)).state["data"]["n"] == 8  # the first eight counted
    an.engine.clock.advance(seconds=10)
    await an.says("x")
    row = await state(db, an.user_key)
    assert row.dialog == "counter" and row.state["data"]["n"] == 9


# -- messages that arrive together ----------------------------------------------------------

PHONES = ["+84912000001", "+84912000002", "+84912000004"]


async def counting(engine: Engine, world: World) -> list[str]:
    """The world's members, linked on the console and in the counting dialog ("Đếm")."""
    channel = ConsoleChannel(engine, files_dir=None, write=print)  # type: ignore[arg-type]
    for phone in PHONES:
        await channel.login(phone)
        await engine.handle(Inbound("console", phone, text="Đếm", update_key=f"{phone}-open"))
    return PHONES


def says(user: str, text: str, update: str) -> Inbound:
    return Inbound("console", user, text=text, update_key=update)


async def processed(db: Database) -> int:
    async with db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(ProcessedUpdate)) or 0


async def test_a_group_commits_once_and_each_message_gets_its_own_replies(
    engine: Engine, db: Database, world: World
) -> None:
    users = await counting(engine, world)
    before = await processed(db)
    group = [says(user, "một", f"{user}-1") for user in users]
    group.append(says(users[0], "hai", f"{users[0]}-2"))  # the same chat again, in order
    with events(db, "commit") as seen:
        results = await engine.handle_many(group)
    assert len(seen) == 1
    assert [[reply.text for reply in replies] for replies in results] == [
        ["Đã đếm 1"],
        ["Đã đếm 1"],
        ["Đã đếm 1"],
        ["Đã đếm 2"],
    ]
    assert await processed(db) == before + 4
    again = await engine.handle_many(group[:2])  # redelivered: one effect, nothing to say
    assert again == [[], []]
    assert [r.text for r in await engine.handle(says(users[0], "ba", "x-3"))] == ["Đã đếm 3"]


async def test_a_group_reads_and_writes_its_conversations_in_a_statement_or_two(
    engine: Engine, db: Database, world: World
) -> None:
    users = await counting(engine, world)
    group = [says(user, "một", f"{user}-1") for user in users]
    group.append(says(users[1], "một", f"{users[1]}-1"))  # redelivered within the group
    group.append(says(users[0], "hai", f"{users[0]}-2"))  # this chat's rows have changed since
    with events(db, "before_cursor_execute") as sent:
        results = await engine.handle_many(group)
    statements = [e[2].lstrip() for e in sent]
    reads = [s for s in statements if s.startswith(("SELECT", "WITH")) and "channel_accounts" in s]
    writes = [s for s in statements if s.startswith("UPDATE conversations")]
    assert len(reads) == 2  # everyone's rows at once, then the chat that came back, afresh
    # everyone's so far before that chat is read again, then the last (SQLite: row by row)
    assert len(writes) == (4 if db.is_sqlite else 2)
    assert [[reply.text for reply in replies] for replies in results] == [
        ["Đã đếm 1"],
        ["Đã đếm 1"],
        ["Đã đếm 1"],
        [],
        ["Đã đếm 2"],
    ]


async def test_a_failing_message_undoes_its_group_and_the_rest_go_one_by_one(
    engine: Engine, db: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = await counting(engine, world)
    run = Turn.run

    async def fails_for_binh(turn: Turn) -> None:
        await run(turn)
        if turn.ctx.inbound.user_key == users[1]:
            raise RuntimeError("a bug in a dialog")

    monkeypatch.setattr(engine_module.Turn, "run", fails_for_binh)
    before = await processed(db)
    with events(db, "commit") as seen:
        results = await engine.handle_many([says(user, "một", f"{user}-1") for user in users])
    assert [[reply.text for reply in replies] for replies in results] == [
        ["Đã đếm 1"],
        [texts.ERROR],
        ["Đã đếm 1"],
    ]
    assert len(seen) == 3  # the other two one at a time, and the failed one marked handled
    assert await processed(db) == before + 3  # none is redelivered forever
    monkeypatch.setattr(engine_module.Turn, "run", run)
    binh = await engine.handle(says(users[1], "một", f"{users[1]}-2"))
    assert [reply.text for reply in binh] == ["Đã đếm 1"]  # its failed turn left nothing


async def test_two_processes_groups_over_the_same_chats_lose_nothing(
    engine: Engine, db: Database, world: World, settings: Settings, clock: FakeClock
) -> None:
    users = await counting(engine, world)
    other = Engine(db, settings, clock, registry=registry_with_samples())
    groups = [
        process.handle_many([says(user, "một", f"{user}-{n}") for user in users])
        for n, process in enumerate([engine, other] * 8)
    ]
    await asyncio.gather(*groups)  # a group that finds a conversation saved first goes again
    assert [(await state(db, user)).state["data"]["n"] for user in users] == [16, 16, 16]


async def test_messages_queued_together_go_in_one_group(
    engine: Engine, db: Database, world: World
) -> None:
    users = await counting(engine, world)
    turns = GroupCommit(engine, asyncio.Semaphore(1), limit=2)
    with events(db, "commit") as seen:
        results = await asyncio.gather(
            *(turns.handle(says(u, "một", f"{u}-{n}")) for n in (1, 2) for u in users)
        )
    assert len(seen) == 3  # six messages, two a transaction
    assert [[r.text for r in replies] for replies in results] == [["Đã đếm 1"]] * 3 + [
        ["Đã đếm 2"]
    ] * 3
    with events(db, "commit") as seen:  # alone, it goes alone and at once
        alone = await turns.handle(says(users[0], "một", "alone"))
    assert len(seen) == 1 and [r.text for r in alone] == ["Đã đếm 3"]


async def test_a_message_whose_caller_gave_up_is_not_handled(
    engine: Engine, db: Database, world: World
) -> None:
    users = await counting(engine, world)
    busy = asyncio.Semaphore(1)
    turns = GroupCommit(engine, busy)
    before = await processed(db)
    await busy.acquire()  # the database is busy with something else
    waiting = [asyncio.create_task(turns.handle(says(u, "một", f"{u}-1"))) for u in users]
    await asyncio.sleep(0.01)
    waiting[1].cancel()
    busy.release()
    first, _gone, last = await asyncio.gather(*waiting, return_exceptions=True)
    assert [r.text for r in first] == [r.text for r in last] == ["Đã đếm 1"]  # type: ignore[union-attr]
    assert waiting[1].cancelled()
    assert await processed(db) == before + 2
