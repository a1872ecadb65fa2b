"""Gửi thông báo: a secretary announces to the cell, sees a preview, confirms, follows progress."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from partybot.bot.worker import OutboxWorker
from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.handlers.console import ConsoleChannel
from partybot.services import broadcasts
from partybot.services.sweeps import SWEEPS
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import Broadcast, OutboxStatus, Urgency
from tests.emulators.telegram import TelegramEmulator
from tests.support.clock import FakeClock
from tests.support.delivery import link, rows, telegram_sender
from tests.support.transcript import Person
from tests.support.world import World, build_world

AN, EM = 7101, 7105
NOTICE = "Họp chi bộ lúc 8 giờ sáng Chủ nhật tại nhà văn hóa tổ 5."


@pytest.fixture
async def world(db: Database) -> World:
    world = await build_world(db)
    seen = datetime(2026, 11, 1, tzinfo=UTC)
    await link(db, world.people["an"].id, "telegram", str(AN), seen)
    await link(db, world.people["em"].id, "telegram", str(EM), seen)
    return world  # Lê Văn Cường (residence in the cell) has no account


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator() as emulator:
        yield emulator


async def login(engine: Engine, phone: str) -> Person:
    await ConsoleChannel(engine, None, print).login(phone)  # type: ignore[arg-type]
    person = Person(engine, phone)
    await person.says("menu")
    return person


async def deliver(db: Database, settings: Settings, engine: Engine, emu: TelegramEmulator) -> None:
    async with telegram_sender(emu) as sender:
        senders = {"telegram": sender}
        await OutboxWorker(db, settings, engine.render_notice, senders, engine.clock).drain()


async def test_a_secretary_previews_confirms_and_follows_an_announcement(
    engine, db, world, emu, settings, clock: FakeClock
) -> None:
    binh = await login(engine, "+84912000002")
    assert texts.BROADCAST_TITLE in await binh.menu()
    await binh.says("gui thong bao")
    assert binh.last.text == texts.BROADCAST_PICK_ORG
    assert binh.options == ["Chi bộ Tổ dân phố số 5"]
    await binh.says("1")
    assert binh.last.text == texts.BROADCAST_ASK_TEXT.format(limit=1000)
    await binh.says("Họp chi bộ sáng mai")
    await binh.says("sửa")
    assert binh.last.text == texts.BROADCAST_ASK_TEXT.format(limit=1000)
    await binh.says(NOTICE)
    notice = texts.BROADCAST_NOTICE.format(
        org="Chi bộ Tổ dân phố số 5", sender="Trần Thị Bình", text=NOTICE
    )
    assert binh.last.text == texts.BROADCAST_PREVIEW.format(
        notice=notice, reachable=2, unreachable=1
    )  # An and Em use the bot; Cường (attached by residence) has no account
    assert binh.options == [texts.BROADCAST_SEND, texts.BROADCAST_EDIT]
    await binh.says("gửi ngay")
    assert texts.BROADCAST_QUEUED.format(count=2) in binh.text
    queued = await rows(db)
    assert {(r.member_id, r.event, r.urgency) for r in queued} == {
        (world.people["an"].id, "broadcast", Urgency.REMINDER),
        (world.people["em"].id, "broadcast", Urgency.REMINDER),
    }
    await binh.says("thong bao")
    await binh.says("xem thông báo đã gửi")
    assert "đã nhận 0/2, đang chờ 2, không gửi được 0, chưa dùng bot 1" in binh.text

    emu.block(EM)
    await deliver(db, settings, engine, emu)
    assert [m.text for m in emu.messages_to(AN)] == [notice]
    await binh.says("thong bao")
    await binh.says("xem thông báo đã gửi")
    assert "đã nhận 1/2, đang chờ 0, không gửi được 1, chưa dùng bot 1" in binh.text

    report = SWEEPS["broadcasts.report"].run
    assert await report(db, clock(), settings) == 1
    assert await report(db, clock(), settings) == 0
    finished = (await rows(db))[-1]
    assert finished.member_id == world.people["binh"].id
    assert engine.render_notice(finished.event, finished.params).text == (
        texts.BROADCAST_FINISHED.format(
            snippet="Họp chi bộ lúc 8 giờ sáng Chủ nhật tại…", sent=1, failed=1, skipped=1
        )
    )


async def test_only_role_holders_announce_and_only_to_their_own(engine, db, world) -> None:
    an = await login(engine, "+84912000001")
    assert texts.BROADCAST_TITLE not in await an.menu()
    async with db.transaction() as session:
        dung = world.people["dung"]
        assert [o.name for o in await broadcasts.organisations(session, dung.id)] == [
            "Chi bộ Trường THCS Yên Hòa"
        ]
        with pytest.raises(broadcasts.NotAllowed):
            await broadcasts.send(session, dung, world.orgs["home"].id, "x", datetime.now(UTC))
    assert await rows(db) == []


async def test_the_ward_office_reaches_every_cell_of_the_ward(engine, db, world) -> None:
    await link(db, world.people["dung"].id, "telegram", "7104", datetime(2026, 11, 1, tzinfo=UTC))
    giang = await login(engine, "+84912000006")
    await giang.says("gửi thông báo")
    assert giang.options == ["Đảng ủy phường Yên Hòa"]
    await giang.says("1")
    await giang.says("Phường tổ chức học nghị quyết ngày 10/12.")
    assert "Gửi tới 3 đảng viên; 2 đảng viên chưa dùng bot" in giang.last.text
    await giang.says("1")
    async with db.transaction() as session:
        sent = await session.scalar(select(Broadcast))
    assert sent is not None and (sent.recipients, sent.skipped) == (3, 2)
    members = {r.member_id for r in await rows(db)}
    assert members == {world.people[p].id for p in ("an", "em", "dung")}
    assert {r.status for r in await rows(db)} == {OutboxStatus.PENDING}
