"""The Telegram emulator, driven by a real aiogram Bot and Dispatcher.

These tests pin what channel tests rely on: updates reach aiogram in polling and webhook
mode, what the bot sends is recorded as the user sees it, and Telegram's refusals surface as
aiogram's own exceptions.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from tests.emulators.telegram import TelegramEmulator, tiny_png
from tests.emulators.telegram_rules import parse_html


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    """Limits off: dialogs answer faster than 1 message/s; limit tests build their own."""
    async with TelegramEmulator(limits=False) as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: TelegramEmulator) -> AsyncIterator[Bot]:
    bot = emu.make_bot()
    yield bot
    await bot.session.close()


@asynccontextmanager
async def polling(dp: Dispatcher, bot: Bot, emu: TelegramEmulator) -> AsyncIterator[None]:
    """Run aiogram's long polling for the duration of the block."""
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=1)
    )
    await emu.wait_for(lambda: bool(emu.calls_to("getUpdates")))
    try:
        yield
    finally:
        await dp.stop_polling()
        await task


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Serve an aiohttp app on an ephemeral port; yields its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def inline(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in buttons]
    )


def onboarding_dispatcher() -> Dispatcher:
    """A tiny bot: /start asks for the phone, the contact is checked, a button confirms."""
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        keyboard = ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="Gửi số điện thoại", request_contact=True)]],
            resize_keyboard=True,
        )
        await message.answer(f"Chào bác! Mã: {command.args}", reply_markup=keyboard)

    @dp.message(F.contact)
    async def contact(message: Message) -> None:
        assert message.contact is not None and message.from_user is not None
        own = message.contact.user_id == message.from_user.id
        await message.answer(
            f"Số <b>{message.contact.phone_number}</b>" if own else "Không phải số của bác",
            parse_mode="HTML",
            reply_markup=inline(("Đúng", "phone:yes"), ("Sai", "phone:no")) if own else None,
        )

    @dp.callback_query(F.data.startswith("phone:"))
    async def confirm(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.answer("Đã lưu")
        await query.message.edit_text("Đã xác nhận số điện thoại.")

    return dp


async def test_polling_round_trip(emu: TelegramEmulator, bot: Bot) -> None:
    lan = emu.user(1001, "Lan", phone_number="+84912345678")
    async with polling(onboarding_dispatcher(), bot, emu):
        await lan.send_command("/start", args="chibo7")
        [welcome] = await emu.wait_for_messages(lan.id, 1)
        assert welcome.text == "Chào bác! Mã: chibo7"
        assert welcome.buttons == [["Gửi số điện thoại"]]

        await lan.tap("Gửi số điện thoại")
        _, asked = await emu.wait_for_messages(lan.id, 2)
        assert asked.text == "Số +84912345678"
        assert asked.entities == [{"type": "bold", "offset": 3, "length": 12}]

        await lan.press("phone:yes")
        await emu.wait_for(lambda: bool(emu.callback_answers) and asked.edit_date is not None)
        assert emu.callback_answers[0].text == "Đã lưu"
        assert asked.text == "Đã xác nhận số điện thoại."
        assert asked.reply_markup is None  # editing without markup removes the keyboard

        await lan.share_contact("+84900000000", user_id=999)
        await emu.wait_for_messages(lan.id, 3)
        await emu.wait_drained()
    assert emu.messages_to(lan.id)[-1].text == "Không phải số của bác"


async def test_user_update_shapes_parse_in_aiogram(emu: TelegramEmulator, bot: Bot) -> None:
    seen: list[tuple[str, Any]] = []
    dp = Dispatcher()

    @dp.message(F.sticker)
    async def sticker(message: Message) -> None:
        seen.append(("sticker", message.sticker.emoji if message.sticker else None))

    @dp.message(F.photo)
    async def photo(message: Message, bot: Bot) -> None:
        assert message.photo
        data = await bot.download(message.photo[-1].file_id)
        seen.append(("photo", data.read() if data else None))

    @dp.message(F.voice)
    async def voice(message: Message) -> None:
        seen.append(("voice", message.voice.duration if message.voice else None))

    @dp.message(F.forward_origin)
    async def forwarded(message: Message) -> None:
        seen.append(("forward", message.forward_origin.type if message.forward_origin else None))

    @dp.message(F.chat.type == "group")
    async def group(message: Message) -> None:
        seen.append(("group", message.chat.title))

    @dp.message(F.text)
    async def text(message: Message) -> None:
        seen.append(("text", message.text))

    @dp.edited_message()
    async def edited(message: Message) -> None:
        seen.append(("edited", message.text))

    lan = emu.user(1002, "Lan")
    cell = emu.group(-100200, "Chi bộ 7")
    png = tiny_png()
    async with polling(dp, bot, emu):
        first = await lan.send_text("nop dang phi")
        await lan.send_sticker()
        await lan.send_photo(png)
        await lan.send_voice(duration=4)
        await lan.forward_text("tin chuyển tiếp")
        await lan.send_text("chào chi bộ", chat=cell)
        await lan.edit_text(first["message"]["message_id"], "nộp đảng phí")
        await emu.wait_for(lambda: len(seen) == 7)
    # aiogram handles updates as concurrent tasks, so only the set of outcomes is stable.
    assert dict(seen) == {
        "text": "nop dang phi",
        "sticker": "👍",
        "photo": png,
        "voice": 4,
        "forward": "hidden_user",
        "group": "Chi bộ 7",
        "edited": "nộp đảng phí",
    }


async def test_webhook_mode_with_aiogram_handler(emu: TelegramEmulator, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> Any:
        return message.answer(f"Bác vừa gửi: {message.text}")  # answered in the webhook reply

    app = web.Application()
    handler = SimpleRequestHandler(dp, bot, secret_token="s3cret", handle_in_background=False)
    handler.register(app, path="/tg")
    lan = emu.user(1003, "Lan")
    async with serve(app) as base:
        await bot.set_webhook(f"{base}/tg", secret_token="s3cret")
        await lan.send_text("xin chào")
        [reply] = await emu.wait_for_messages(lan.id, 1)
        info = await bot.get_webhook_info()
        with pytest.raises(TelegramConflictError):
            await bot.get_updates()
        await bot.delete_webhook()
    assert reply.text == "Bác vừa gửi: xin chào"
    assert emu.calls_to("sendMessage")[0].source == "webhook-reply"
    assert [a.status for a in emu.webhook_attempts] == [200]
    assert info.url == f"{base}/tg" and info.pending_update_count == 0


async def test_webhook_wrong_secret_is_retried(emu: TelegramEmulator, bot: Bot) -> None:
    dp = Dispatcher()
    app = web.Application()
    SimpleRequestHandler(dp, bot, secret_token="expected").register(app, path="/tg")
    async with serve(app) as base:
        await bot.set_webhook(f"{base}/tg", secret_token="other")
        await emu.user(1004).send_text("xin chào")
        await emu.wait_for(lambda: len(emu.webhook_attempts) >= 2)
        info = await bot.get_webhook_info()
        await bot.delete_webhook()
    assert {a.status for a in emu.webhook_attempts} == {401}
    assert info.pending_update_count == 1
    assert info.last_error_message == "Wrong response from the webhook: 401 Unauthorized"


async def test_webhook_retries_failures_in_order(emu: TelegramEmulator, bot: Bot) -> None:
    received: list[tuple[int, str]] = []
    answers = iter([500, 200, 200])

    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        received.append((update["update_id"], request.headers["X-Telegram-Bot-Api-Secret-Token"]))
        return web.Response(status=next(answers))

    app = web.Application()
    app.router.add_post("/hook", hook)
    lan = emu.user(1005)
    first = await lan.send_text("một")
    second = await lan.send_text("hai")
    async with serve(app) as base:
        await bot.set_webhook(f"{base}/hook", secret_token="tok")
        await emu.wait_drained()
        await bot.delete_webhook()
    ids = [first["update_id"], second["update_id"]]
    assert received == [(ids[0], "tok"), (ids[0], "tok"), (ids[1], "tok")]
    assert [(a.update_id, a.status) for a in emu.webhook_attempts] == [
        (ids[0], 500),
        (ids[0], 200),
        (ids[1], 200),
    ]


async def test_webhook_connection_errors_are_retried(emu: TelegramEmulator, bot: Bot) -> None:
    async with serve(web.Application()) as base:
        dead = f"{base}/gone"  # nothing listens here once the block exits
    await bot.set_webhook(dead)
    await emu.user(1006).send_text("alo")
    await emu.wait_for(lambda: len(emu.webhook_attempts) >= 2)
    info = await bot.get_webhook_info()
    await bot.delete_webhook(drop_pending_updates=True)
    assert all(a.status is None and a.error for a in emu.webhook_attempts)
    assert info.last_error_message and "ClientConnectorError" in info.last_error_message
    assert emu.pending_updates == 0


async def test_get_updates_long_poll_offsets_and_redelivery(
    emu: TelegramEmulator, bot: Bot
) -> None:
    lan = emu.user(1007)
    assert await bot.get_updates(timeout=0) == []
    waiting = asyncio.create_task(bot.get_updates(timeout=30))
    await emu.wait_for(lambda: bool(emu.calls_to("getUpdates")) and len(emu.calls) == 2)
    sent = await lan.send_text("một")
    [update] = await waiting  # answered as soon as the update exists, not after 30 s
    assert update.update_id == sent["update_id"]

    await lan.send_text("hai")
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [sent["update_id"], sent["update_id"] + 1]
    assert await bot.get_updates(offset=again[-1].update_id + 1, timeout=0) == []
    assert emu.pending_updates == 0

    await emu.redeliver(sent)
    [repeat] = await bot.get_updates(offset=again[-1].update_id + 1, timeout=0)
    assert repeat.update_id == sent["update_id"]
    assert await bot.get_updates(offset=again[-1].update_id + 1, timeout=0) == []


async def test_second_poller_terminates_the_first(emu: TelegramEmulator, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await emu.wait_for(lambda: len(emu.calls_to("getUpdates")) == 1)
    second = emu.make_bot()
    try:
        assert await second.get_updates(timeout=0) == []
    finally:
        await second.session.close()
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await first


async def test_send_validation_like_telegram(emu: TelegramEmulator, bot: Bot) -> None:
    chat = emu.user(1008).id
    refused = {
        "<b>đậm": "can't find end tag",
        "<b><i>x</b></i>": "unmatched end tag",
        "<foo>x</foo>": 'unsupported start tag "foo"',
        "1 < 2": 'unsupported start tag ""',
        "   ": "message text is empty",
        "x" * 4097: "message is too long",
    }
    for text, error in refused.items():
        with pytest.raises(TelegramBadRequest, match=error):
            await bot.send_message(chat, text, parse_mode="HTML")
    longest = await bot.send_message(chat, f"<b>{'x' * 4094}</b>&lt;3", parse_mode="HTML")
    assert longest.text is not None and len(longest.text) == 4096  # tags do not count
    plain = await bot.send_message(chat, "1 < 2 <b>")  # no parse_mode: tags are text
    assert plain.text == "1 < 2 <b>"

    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(chat, "x", reply_markup=inline(("Nộp", "đ" * 33)))  # 66 bytes
    await bot.send_message(chat, "x", reply_markup=inline(("Nộp", "d" * 64)))
    text_only = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Nộp")]])
    with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
        await bot.send_message(chat, "x", reply_markup=text_only)
    contact = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="SĐT", request_contact=True)]])
    group = emu.group(-100300).id
    with pytest.raises(TelegramBadRequest, match="private chats only"):
        await bot.send_message(group, "x", reply_markup=contact)
    assert len(emu.messages_to(chat)) == 3


def test_html_parse_mode_entities() -> None:
    text, entities = parse_html(
        '<b>Đảng <i>phí</i></b> <a href="https://dang.vn">link</a> &#7843;'
        '<pre><code class="language-py">x</code></pre>'
    )
    assert text == "Đảng phí link ảx"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 8},
        {"type": "italic", "offset": 5, "length": 3},
        {"type": "text_link", "url": "https://dang.vn", "offset": 9, "length": 4},
        {"type": "pre", "language": "py", "offset": 15, "length": 1},
    ]


async def test_photo_and_document_uploads(emu: TelegramEmulator, bot: Bot) -> None:
    chat = emu.user(1009).id
    png = tiny_png()
    upload = BufferedInputFile(png, "qr.png")
    photo = await bot.send_photo(chat, upload, caption="<b>QR</b>", parse_mode="HTML")
    await bot.send_document(chat, BufferedInputFile(b"%PDF-1.7 ...", "bien-lai.pdf"))
    assert photo.photo is not None
    await bot.send_photo(chat, photo.photo[-1].file_id)
    await bot.send_photo(chat, "https://example.invalid/qr.png")
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(chat, BufferedInputFile(b"not an image", "x.png"))
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(chat, "no-such-file-id")

    sent, document, reused, by_url = emu.messages_to(chat)
    assert (sent.photo, sent.filename, sent.caption) == (png, "qr.png", "QR")
    assert (document.document, document.filename) == (b"%PDF-1.7 ...", "bien-lai.pdf")
    assert document.file is not None and document.file.mime_type == "application/pdf"
    assert reused.photo == png
    assert by_url.file is not None and by_url.file.url == "https://example.invalid/qr.png"


async def test_edit_delete_and_commands(emu: TelegramEmulator, bot: Bot) -> None:
    chat = emu.user(1010).id
    message = await bot.send_message(chat, "Chọn:", reply_markup=inline(("Một", "m:1")))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="Chọn:",
            chat_id=chat,
            message_id=message.message_id,
            reply_markup=inline(("Một", "m:1")),
        )
    await bot.edit_message_reply_markup(
        chat_id=chat, message_id=message.message_id, reply_markup=inline(("Hai", "m:2"))
    )
    [shown] = emu.messages_to(chat)
    assert shown.buttons == [["Hai"]] and shown.callback_data("Hai") == "m:2"
    await bot.delete_message(chat, message.message_id)
    assert emu.messages_to(chat) == []
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=chat, message_id=message.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(chat, 999)
    await bot.send_chat_action(chat, "typing")
    await bot.set_my_commands([])
    assert emu.commands == []


async def test_per_chat_and_global_limits(bot: Bot) -> None:
    async with TelegramEmulator(global_limit=5, per_chat_rate=1.0) as emu:
        limited = emu.make_bot()
        try:
            await limited.send_message(1, "một")
            with pytest.raises(TelegramRetryAfter) as caught:
                await limited.send_message(1, "hai")
            assert caught.value.retry_after >= 1
            await asyncio.gather(*(limited.send_message(chat, "x") for chat in range(2, 6)))
            with pytest.raises(TelegramRetryAfter):
                await limited.send_message(99, "x")  # sixth send within the second
        finally:
            await limited.session.close()
        assert emu.stats.sends == 5 and emu.stats.throttled == 2
        assert emu.stats.max_global_rate == 5
        assert [m.text for m in emu.messages_to(1)] == ["một"]
        assert emu.messages_to(99) == []


async def test_per_chat_burst_is_tolerated() -> None:
    async with TelegramEmulator(per_chat_burst=3) as emu:
        bot = emu.make_bot()
        try:
            for text in ("một", "hai", "ba"):
                await bot.send_message(7, text)
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(7, "bốn")
        finally:
            await bot.session.close()


async def test_injected_faults_surface_as_aiogram_errors(emu: TelegramEmulator, bot: Bot) -> None:
    emu.fail_next("sendMessage", 500)
    with pytest.raises(TelegramServerError):
        await bot.send_message(1, "x")
    emu.fail_next("sendmessage", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(1, "x")
    assert caught.value.retry_after == 7
    emu.block(1)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1, "x")
    emu.unblock(1)
    emu.outage(502)
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.get_me()
    emu.restore()
    await bot.send_message(1, "x")
    assert [m.text for m in emu.messages_to(1)] == ["x"]
    assert emu.stats.status_counts == {500: 1, 429: 1, 403: 1, 502: 1, 200: 1}
    assert emu.stats.throttled == 0 and emu.stats.forbidden == 1


async def test_token_and_unknown_method(emu: TelegramEmulator) -> None:
    stranger = Bot("42:wrong-token", session=emu.make_bot().session)
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
    finally:
        await stranger.session.close()
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{emu.base_url}/bot{emu.token}/sendTelepathy", json={}) as response,
    ):
        assert response.status == 404
        assert await response.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found",
        }


async def test_dropped_connections_and_polling_recovery(emu: TelegramEmulator, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(f"Đã nhận: {message.text}")

    lan = emu.user(1011)
    async with polling(dp, bot, emu):
        await emu.go_offline()
        with pytest.raises(TelegramNetworkError):
            await bot.get_me()
        await lan.send_text("khi mất mạng")
        await emu.go_online()
        [reply] = await emu.wait_for_messages(lan.id, 1, timeout=15)
    assert reply.text == "Đã nhận: khi mất mạng"
    assert any(c.status is None for c in emu.calls_to("getUpdates"))  # the cut long poll
