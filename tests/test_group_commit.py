"""Messages that arrive together share one transaction, and each still counts on its own."""

import asyncio

import pytest
from sqlalchemy import func, select

from partybot.dialogs import engine as engine_module
from partybot.dialogs import texts
from partybot.dialogs.engine import Engine, Turn
from partybot.dialogs.flow import Registry
from partybot.dialogs.model import Inbound
from partybot.handlers.console import ConsoleChannel
from partybot.handlers.group_commit import GroupCommit
from partybot.storage.db import Database
from partybot.storage.models import ProcessedUpdate
from tests.support.databases import commits
from tests.support.sample_dialog import registry_with_samples
from tests.support.world import World, build_world

PHONES = ["+84912000001", "+84912000002", "+84912000004"]


@pytest.fixture
def registry() -> Registry:
    return registry_with_samples()


@pytest.fixture
async def world(db: Database) -> World:
    return await build_world(db)


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
    with commits(db) as seen:
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
    with commits(db) as seen:
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


async def test_messages_queued_together_go_in_one_group(
    engine: Engine, db: Database, world: World
) -> None:
    users = await counting(engine, world)
    turns = GroupCommit(engine, asyncio.Semaphore(1), limit=2)
    with commits(db) as seen:
        results = await asyncio.gather(
            *(turns.handle(says(u, "một", f"{u}-{n}")) for n in (1, 2) for u in users)
        )
    assert len(seen) == 3  # six messages, two a transaction
    assert [[r.text for r in replies] for replies in results] == [["Đã đếm 1"]] * 3 + [
        ["Đã đếm 2"]
    ] * 3
    with commits(db) as seen:  # alone, it goes alone and at once
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
