"""The Telegram channel when things are not as they should be: odd input, a busy or refusing
Telegram, a crash, a restart, a stranger knocking on the webhook."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.dialogs.flow import Registry
from partybot.dialogs.model import Attachment, Choice, Inbound, Reply
from partybot.handlers.sending import Rejected, RetryLater, Transient, Unreachable
from partybot.handlers.telegram import SECRET_HEADER, TelegramChannel
from partybot.services import files
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import ProcessedUpdate
from tests.emulators.telegram import TelegramEmulator, tiny_png
from tests.support.databases import events
from tests.support.sample_dialog import registry_with_samples
from tests.support.telegram import (
    Phone,
    account,
    channel_settings,
    running,
    settle,
    start_channel,
)
from tests.support.world import World, build_world


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(limits=False) as emulator:
        yield emulator


@pytest.fixture
def registry() -> Registry:
    return registry_with_samples()


@pytest.fixture
async def world(db: Database) -> World:
    return await build_world(db)


@pytest.fixture
def tg_settings(settings: Settings, emu: TelegramEmulator) -> Settings:
    return channel_settings(settings, emu)


@pytest.fixture
async def channel(tg_settings: Settings, engine: Engine) -> AsyncIterator[TelegramChannel]:
    async with running("polling", tg_settings, engine) as started:
        yield started


async def member(
    emu: TelegramEmulator, channel: TelegramChannel, user_id: int, phone: str
) -> Phone:
    person = Phone(emu, channel, emu.user(user_id, "Thành viên", phone_number=phone))
    await person.starts()
    await person.taps(texts.SHARE_CONTACT)
    return person


async def processed(db: Database) -> int:
    async with db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(ProcessedUpdate)) or 0


# -- what people send that is not an answer ----------------------------------------------------


async def test_stickers_photos_and_voice_get_a_kind_answer(emu, channel, world) -> None:
    an = await member(emu, channel, 6001, "+84912000001")
    await an.taps("Thủ tục mẫu")
    for action in (an.user.send_sticker(), an.user.send_photo(), an.user.send_voice()):
        await an.does(action)
        assert [m.text for m in an.messages] == [f"{texts.UNSUPPORTED}\n\nBác muốn làm gì?"]
    await an.taps("Xin nhận xét nơi cư trú")  # the procedure carries on where it was
    assert an.last.text == "Ngày nào ạ?"


async def test_edited_and_forwarded_messages_are_not_taken_as_answers(
    emu, channel, world, db
) -> None:
    an = await member(emu, channel, 6002, "+84912000001")
    await an.taps("Thủ tục mẫu")
    sent = await an.user.send_text("Nộp đảng phí")
    await settle(emu, channel)
    an.read()
    await an.does(an.user.edit_text(sent["message"]["message_id"], "Chuyển sinh hoạt"))
    assert [m.text for m in an.messages] == [texts.TG_EDITED]
    await an.does(an.user.forward_text("15/03/2026", origin=emu.user(6100, "Người khác")))
    assert [m.text for m in an.messages] == [texts.TG_FORWARDED]
    await an.does(an.user.forward_text("15/03/2026"))
    assert [m.text for m in an.messages] == [texts.TG_FORWARDED]
    await an.says("16/03/2026")  # still at the date question: neither was taken as the answer
    assert an.last.text == "Bao nhiêu tiền?"


async def test_groups_get_pointed_to_a_private_chat(emu, channel, world) -> None:
    cell = emu.group(-1001, "Chi bộ 5")
    lan = emu.user(6003, "Lan")
    await lan.send_text("chào cả chi bộ", chat=cell)
    await lan.send_command("/start", chat=cell)
    await lan.send_text("@partybot_test_bot nộp đảng phí", chat=cell)
    await lan.send_sticker(chat=cell)
    await settle(emu, channel)
    assert [m.text for m in emu.messages_to(cell.id)] == [texts.TG_GROUP, texts.TG_GROUP]
    assert all(m.reply_markup is None for m in emu.messages_to(cell.id))
    assert emu.messages_to(lan.id) == []


async def test_each_chat_in_order_and_chats_side_by_side(emu, channel, world) -> None:
    an = await member(emu, channel, 6004, "+84912000001")
    binh = await member(emu, channel, 6005, "+84912000002")
    await an.taps("Đếm")
    await binh.taps("Đếm")
    for _ in range(5):  # queued faster than the bot can answer
        await an.user.send_text("một")
        await binh.user.send_text("hai")
    await settle(emu, channel)
    expected = [f"Đã đếm {n}" for n in range(1, 6)]
    assert [m.text for m in an.read()] == expected
    assert [m.text for m in binh.read()] == expected


async def test_updates_that_arrive_together_share_commits(emu, channel, db, world) -> None:
    people = [Phone(emu, channel, emu.user(6100 + n, f"Người {n}")) for n in range(8)]
    with events(db, "commit") as committed:
        for person in people:  # all queued before the bot's next getUpdates
            await person.user.send_command("/start")
        await settle(emu, channel)
    for person in people:
        assert (person.read()[0].text or "").startswith(texts.WELCOME)
    assert len(committed) < len(people)


# -- what the bot sends --------------------------------------------------------------------------


async def test_long_text_files_and_keyboard(emu, channel, db, clock) -> None:
    pdf = b"%PDF-1.4 receipt"
    png = tiny_png()
    async with db.transaction() as session:
        qr = await files.store(session, png, "vietqr.png", "image/png", clock())
        receipt = await files.store(session, pdf, "bien-lai.pdf", "application/pdf", clock())
    paragraph = "Dòng thứ {n}: đảng phí tháng này là 50.000 đ & <không> đổi.\n"
    text = "".join(paragraph.format(n=n) for n in range(150))
    reply = Reply(
        text,
        choices=[Choice("Đã chuyển khoản")],
        nav=[Choice(texts.NAV_MENU)],
        attachments=[
            Attachment(qr.token, "vietqr.png", is_image=True),
            Attachment(receipt.token, "bien-lai.pdf", is_image=False),
        ],
    )
    await channel.sender.send("6006", [reply])
    sent = emu.messages_to(6006)
    kinds = [m.kind for m in sent]
    assert kinds == ["text", "text", "text", "photo", "document"]
    pieces = [m.text or "" for m in sent[:3]]
    assert all(len(piece) <= 4096 for piece in pieces)
    assert "\n".join(pieces) == text.strip()  # cut at line breaks, nothing lost or mangled
    assert sent[3].photo == png
    assert sent[4].document == pdf and sent[4].filename == "bien-lai.pdf"
    assert [m.reply_markup is None for m in sent] == [True, True, True, True, False]
    assert sent[4].buttons == [["Đã chuyển khoản"], [texts.NAV_MENU]]


async def test_429_is_waited_out(emu, channel) -> None:
    emu.fail_next("sendMessage", 429, retry_after=1)
    await channel.sender.send("6007", [Reply("Chào Bác")])
    refused, accepted = emu.calls_to("sendMessage")
    assert (refused.status, accepted.status) == (429, 200)
    assert accepted.time - refused.time >= 1.0  # not before Telegram said it may
    assert [m.text for m in emu.messages_to(6007)] == ["Chào Bác"]


async def test_a_long_429_goes_back_to_the_caller(emu, channel) -> None:
    emu.fail_next("sendMessage", 429, retry_after=120)
    with pytest.raises(RetryLater) as later:
        await channel.sender.send("6008", [Reply("Chào Bác")])
    assert later.value.seconds == 120
    assert emu.messages_to(6008) == []


async def test_the_limiter_keeps_under_telegrams_limits(settings, engine) -> None:
    # Without pacing, 40 sends at once break both limits; paced a little below them (arrival
    # times jitter), none is refused.
    async with TelegramEmulator(per_chat_rate=20, per_chat_burst=3, global_limit=30) as emu:
        paced = channel_settings(
            settings,
            emu,
            telegram_global_rate=25,
            telegram_per_chat_rate=10,
            telegram_per_chat_burst=2,
        )
        async with running("polling", paced, engine) as channel:

            async def four_messages(chat: int) -> None:
                for n in range(4):
                    await channel.sender.send(str(7000 + chat), [Reply(f"Tin {n}")])

            await asyncio.gather(*(four_messages(chat) for chat in range(10)))
        assert emu.stats.sends == 40
        assert emu.stats.throttled == 0


async def test_server_errors_are_retried_then_reported(emu, channel) -> None:
    emu.fail_next("sendMessage", 502, count=2)
    await channel.sender.send("6009", [Reply("Lần ba thì được")])
    assert [c.status for c in emu.calls_to("sendMessage")] == [502, 502, 200]
    emu.fail_next("sendMessage", 500, count=3)
    with pytest.raises(Transient):
        await channel.sender.send("6009", [Reply("Không được")])
    assert [m.text for m in emu.messages_to(6009)] == ["Lần ba thì được"]


async def test_refused_message_is_rejected(emu, channel) -> None:
    emu.fail_next("sendMessage", 400, description="Bad Request: message is too long")
    with pytest.raises(Rejected):
        await channel.sender.send("6010", [Reply("Chào")])


async def test_blocked_bot_is_recorded(emu, channel, db, world) -> None:
    an = await member(emu, channel, 6011, "+84912000001")
    emu.block(6011)
    with pytest.raises(Unreachable):
        await channel.sender.send("6011", [Reply("Nhắc đóng đảng phí")])
    await an.says("menu")  # the reply to this cannot be delivered either
    gone = await account(db, 6011)
    assert gone.unreachable_at is not None and "blocked" in (gone.unreachable_reason or "")

    emu.unblock(6011)
    restarted = {"status": "member", "user": an.user.api}
    kicked = {"status": "kicked", "user": an.user.api, "until_date": 0}
    await an.does(
        emu.push_update(
            {
                "my_chat_member": {
                    "chat": an.user.chat,
                    "from": an.user.api,
                    "date": 0,
                    "old_chat_member": kicked,
                    "new_chat_member": restarted,
                }
            }
        )
    )
    assert (await account(db, 6011)).unreachable_at is None


# -- restarts and crashes ------------------------------------------------------------------------


async def test_a_redelivered_update_has_one_effect(emu, tg_settings, engine, db, world) -> None:
    async with running("polling", tg_settings, engine) as first:
        an = await member(emu, first, 6012, "+84912000001")
        await an.taps("Đếm")
        await an.says("một")
        assert an.last.text == "Đã đếm 1"
    counted = an.updates[-1]
    before = await processed(db)
    async with running("polling", tg_settings, engine) as second:
        an.channel = second
        await an.does(emu.redeliver(counted))  # Telegram was unsure we got it
        assert an.messages == []
        await an.says("hai")
        assert an.last.text == "Đã đếm 2"
    assert await processed(db) == before + 1


class DiesMidUpdate(Engine):
    """An engine in a process that dies while handling: it never gets to commit."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.entered = asyncio.Event()

    async def handle(self, inbound: Inbound) -> list[Reply]:
        self.entered.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_crash_mid_update_loses_nothing(mode, emu, tg_settings, engine, db, world) -> None:
    async with running(mode, tg_settings, engine) as before:
        an = await member(emu, before, 6013, "+84912000001")
        await an.taps("Đếm")
    dying = DiesMidUpdate(engine.db, engine.settings, engine.clock, engine.registry)
    crashed = await start_channel(mode, tg_settings, dying, stop_grace=0.05)
    await an.user.send_text("một")
    await asyncio.wait_for(dying.entered.wait(), 5)
    await crashed.stop()  # the process is gone with the update half done
    assert emu.pending_updates == 1  # never acknowledged

    restarted = await start_channel(mode, tg_settings, engine, port=crashed.port)
    try:
        an.channel = restarted.channel
        await settle(emu, restarted.channel)
        assert [m.text for m in an.read()] == ["Đã đếm 1"]
    finally:
        await restarted.stop()


# -- the webhook door ----------------------------------------------------------------------------


async def test_webhook_wants_the_secret(emu, tg_settings, engine, world) -> None:
    started = await start_channel("webhook", tg_settings, engine)
    url = f"http://127.0.0.1:{started.port}/telegram/webhook"
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 6014, "type": "private", "first_name": "Lan"},
            "from": {"id": 6014, "is_bot": False, "first_name": "Lan"},
            "text": "xin chào",
        },
    }
    secret = started.channel.webhook_secret
    try:
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {SECRET_HEADER: "guess"}, {SECRET_HEADER: secret[:-1]}):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 401
            async with http.post(url, data=b"{not json", headers={SECRET_HEADER: secret}) as bad:
                assert bad.status == 400
            async with http.post(url, json=update, headers={SECRET_HEADER: secret}) as response:
                assert response.status == 200
        await started.channel.adapter.outgoing.drain(5)
        assert texts.WELCOME in "\n".join(m.text or "" for m in emu.messages_to(6014))
        assert emu.calls_to("setWebhook")[-1].params["secret_token"] == secret
    finally:
        await started.stop()


# -- wiring --------------------------------------------------------------------------------------


async def test_a_token_turns_the_channel_on(settings, db, engine, emu) -> None:
    from partybot.bot.app import App
    from partybot.bot.channels import build_channels

    tokenless = settings.model_copy(update={"telegram_bot_token": None})
    assert build_channels(App(tokenless, db, engine)) == []
    webhook = channel_settings(settings, emu, telegram_webhook_url="https://bot.example.org/tg")
    [telegram] = build_channels(App(webhook, db, engine))
    assert isinstance(telegram, TelegramChannel) and telegram.sender.channel == "telegram"
    assert telegram.webhook_path == "/tg"
    with pytest.raises(RuntimeError, match="add_routes"):
        await telegram.start()  # a webhook nobody serves would swallow every update
    await telegram.stop()
