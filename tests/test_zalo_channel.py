"""The Zalo channel end to end against a local Zalo Bot API emulator, webhook and polling."""

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.dialogs.model import Attachment, Inbound, Reply
from partybot.handlers.sending import RetryLater, Unreachable
from partybot.handlers.zalo.channel import ZaloChannel
from partybot.services import files, identity
from partybot.storage.db import Database
from partybot.storage.models import ChannelAccount, Member
from tests.emulators.zalo import ZaloEmulator
from tests.support.clock import FakeClock
from tests.support.world import World, build_world
from tests.support.zalo import SECRET, zalo_channel


@dataclass
class Rig:
    emu: ZaloEmulator
    channel: ZaloChannel
    world: World


async def rig(db: Database, engine: Engine, clock: FakeClock, webhook: bool) -> AsyncIterator[Rig]:
    world = await build_world(db)
    async with (
        ZaloEmulator() as emu,
        zalo_channel(emu, db, engine, clock, webhook) as channel,
    ):
        yield Rig(emu, channel, world)


@pytest.fixture(params=["webhook", "polling"])
async def zalo(request, db: Database, engine: Engine, clock: FakeClock) -> AsyncIterator[Rig]:
    async for ready in rig(db, engine, clock, webhook=request.param == "webhook"):
        yield ready


@pytest.fixture
async def zalo_webhook(db: Database, engine: Engine, clock: FakeClock) -> AsyncIterator[Rig]:
    async for ready in rig(db, engine, clock, webhook=True):
        yield ready


async def shows(emu: ZaloEmulator, user: str, *wanted: str) -> list[str]:
    """Wait until every wanted piece of text has reached the user; returns all their messages."""
    await emu.wait_for(lambda: all(any(w in t for t in emu.texts_to(user)) for w in wanted))
    return emu.texts_to(user)


async def test_onboarding_by_code_then_the_menu_by_typed_numbers(zalo: Rig, db, clock) -> None:
    emu = zalo.emu
    async with db.transaction() as session:
        an = await session.get(Member, zalo.world.people["an"].id)
        assert an is not None
        invite = await identity.issue_invite(session, an, None, clock(), 72)
    user = emu.user("6ede9afa66b88fe6d6a9", "Bác An")
    user.send_text("xin chào")
    first = await shows(emu, user.user_id, texts.WELCOME, texts.ASK_PHONE)
    assert first[-1].endswith("(Gõ: Quay lại · Trợ giúp)")
    user.send_text("0912 000 001")
    await shows(emu, user.user_id, texts.ASK_CODE)
    user.send_text(invite.code)
    linked = (await shows(emu, user.user_id, "Nguyễn Văn An", texts.MENU_NEXT))[-1]
    assert "Thông tin của tôi" in linked and "Gõ số 1, 2, 3… hoặc gõ chữ." in linked
    number = next(
        line.split(".")[0] for line in linked.splitlines() if line.endswith("Thông tin của tôi")
    )
    user.send_text(number)
    await shows(emu, user.user_id, "Số thẻ đảng viên: C12000001")
    count = len(emu.texts_to(user.user_id))
    user.send_text("thong tin ca nhan")
    await emu.wait_for(lambda: len(emu.texts_to(user.user_id)) > count + 1)
    assert any("Họ tên: Nguyễn Văn An" in t for t in emu.texts_to(user.user_id)[count:])
    async with db.transaction() as session:
        account = await session.scalar(
            select(ChannelAccount).where(ChannelAccount.channel == "zalo")
        )
    assert account is not None and account.member_id == zalo.world.people["an"].id
    assert account.external_id == user.user_id and account.verified_by == "code"


async def test_invite_token_as_the_first_message(zalo: Rig, db, clock) -> None:
    async with db.transaction() as session:
        binh = await session.get(Member, zalo.world.people["binh"].id)
        assert binh is not None
        invite = await identity.issue_invite(session, binh, None, clock(), 72)
    user = zalo.emu.user("aa11", "Bình")
    user.send_text(invite.token)
    await shows(zalo.emu, "aa11", "Trần Thị Bình")


async def test_stickers_images_and_unsupported_get_words(zalo: Rig) -> None:
    user = zalo.emu.user("bb22")
    user.send_text("chào")
    before = len(await shows(zalo.emu, "bb22", texts.ASK_PHONE))
    user.send_sticker()
    user.send_image("https://example.invalid/x.jpg")
    user.send_unsupported()
    await zalo.emu.wait_for(lambda: len(zalo.emu.texts_to("bb22")) >= before + 6)
    replies = zalo.emu.texts_to("bb22")[before:]
    assert [r for r in replies if r == texts.UNSUPPORTED] == [texts.UNSUPPORTED] * 3


async def test_a_redelivered_message_is_processed_once(zalo: Rig) -> None:
    user = zalo.emu.user("cc33")
    update = user.send_text("0987 654 321")
    first = len(await shows(zalo.emu, "cc33", texts.ASK_PHONE))
    zalo.emu.redeliver(update)
    user.send_text("hết")
    await shows(zalo.emu, "cc33", texts.BAD_PHONE)
    await zalo.emu.wait_for(lambda: len(zalo.emu.texts_to("cc33")) >= first + 2)
    await zalo.emu.wait_for(lambda: not zalo.emu.pending)
    assert len(zalo.emu.texts_to("cc33")) == first + 2  # the redelivery got no answer at all


async def test_images_go_by_url_and_long_text_is_split(zalo: Rig, db, clock) -> None:
    user = zalo.emu.user("dd44")
    user.send_text("chào")
    before = len(await shows(zalo.emu, "dd44", texts.ASK_PHONE))
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    async with db.transaction() as session:
        stored = await files.store(session, png, "qr.png", "image/png", clock())
        token = stored.token
    long_text = "\n".join(f"Dòng {i}: " + " ".join(["chữ"] * 20) for i in range(40))
    reply = Reply(long_text, attachments=[Attachment(token, "qr.png", is_image=True)])
    await zalo.channel.sender.send("dd44", [reply])
    sent = zalo.emu.messages_to("dd44")[before:]
    texts_sent = [m.text for m in sent if m.kind == "text"]
    assert len(texts_sent) >= 2 and all(len(t) <= 2000 for t in texts_sent)
    assert "\n".join(texts_sent).replace("\n", "") == long_text.replace("\n", "")
    photo = next(m for m in sent if m.kind == "photo")
    assert photo.photo_bytes == png and photo.photo_content_type == "image/png"
    assert token in (photo.photo_url or "")


async def test_refusals_map_to_sending_errors(zalo: Rig) -> None:
    user = zalo.emu.user("ee55")
    user.send_text("chào")
    await shows(zalo.emu, "ee55", texts.ASK_PHONE)
    zalo.emu.block("ee55")
    with pytest.raises(Unreachable):
        await zalo.channel.sender.send("ee55", [Reply("x")])
    zalo.emu.unblock("ee55")
    zalo.emu.fail_next("sendMessage", error_code=429)
    with pytest.raises(RetryLater):
        await zalo.channel.sender.send("ee55", [Reply("x")])


async def test_webhook_refuses_a_wrong_secret_and_survives_garbage(
    zalo_webhook: Rig, db: Database
) -> None:
    ready = zalo_webhook
    url = f"{ready.channel.public_base_url}/zalo/webhook"
    body = {"ok": True, "result": {"event_name": "message.text.received", "message": {}}}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=body) as missing:
            assert missing.status == 401
        async with http.post(url, json=body, headers={"X-Bot-Api-Secret-Token": "wrong"}) as bad:
            assert bad.status == 401
        headers = {"X-Bot-Api-Secret-Token": SECRET}
        async with http.post(url, data=b"{not json", headers=headers) as garbage:
            assert garbage.status == 200
        odd = {
            "event_name": "message.reaction.received",
            "message": {"from": {"id": "ff66"}, "chat": {"id": "ff66"}},
        }
        async with http.post(url, json=odd, headers=headers) as unknown:
            assert unknown.status == 200
    async with db.transaction() as session:
        accounts = (await session.scalars(select(ChannelAccount.external_id))).all()
    assert accounts == ["ff66"]  # only the well-formed, authenticated call reached the engine


async def test_webhook_calls_of_one_chat_are_processed_in_arrival_order(
    zalo_webhook: Rig,
) -> None:
    ready = zalo_webhook
    handled: list[str] = []
    handle = ready.channel.engine.handle

    async def slow_first(inbound: Inbound) -> list[Reply]:
        if inbound.text == "một":
            await asyncio.sleep(0.3)  # the first message takes long; the second must wait
        replies = await handle(inbound)
        handled.append(inbound.text)
        return replies

    ready.channel.engine.handle = slow_first  # type: ignore[method-assign]
    url = f"{ready.channel.public_base_url}/zalo/webhook"
    headers = {"X-Bot-Api-Secret-Token": SECRET}

    def update(text: str, message_id: str) -> dict[str, object]:
        message = {
            "from": {"id": "aa11", "display_name": "Bác"},
            "chat": {"id": "aa11", "chat_type": "PRIVATE"},
            "text": text,
            "message_id": message_id,
            "date": 1,
        }
        return {"event_name": "message.text.received", "message": message}

    async with aiohttp.ClientSession() as http:

        async def post(text: str, message_id: str) -> int:
            async with http.post(url, json=update(text, message_id), headers=headers) as r:
                return r.status

        first = asyncio.create_task(post("một", "m1"))
        await asyncio.sleep(0.1)
        assert await post("hai", "m2") == 200
        assert await first == 200
    assert handled == ["một", "hai"]


async def test_cli_registers_the_webhook_with_the_configured_secret(tmp_path) -> None:
    async with ZaloEmulator() as emu:
        env = {
            **os.environ,
            "ZALO_BOT_TOKEN": emu.token,
            "ZALO_API_BASE": emu.base_url,
            "ZALO_WEBHOOK_SECRET": SECRET,
            "PUBLIC_BASE_URL": "https://bot.example.vn",
        }
        command = [str(Path(sys.executable).parent / "partybot"), "zalo", "set-webhook"]
        done = await asyncio.to_thread(
            subprocess.run, command, env=env, cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert emu.webhook_url == "https://bot.example.vn/zalo/webhook"
        assert emu.webhook_secret == SECRET
