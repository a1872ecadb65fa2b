"""The Zalo Bot API client against the local emulator, and update parsing."""

from __future__ import annotations

import asyncio
import io
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import segno
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partybot.handlers.zalo import (
    SECRET_HEADER,
    BotInfo,
    WebhookInfo,
    ZaloApiError,
    ZaloBadRequest,
    ZaloBotClient,
    ZaloForbidden,
    ZaloQuotaExceeded,
    ZaloServerError,
    ZaloUnauthorized,
    ZaloUpdate,
    dedup_key,
    parse_update,
    verify_secret,
)
from tests.emulators.zalo import ZaloEmulator

SECRET = "webhook-secret-1234"


@pytest.fixture
async def emu() -> AsyncIterator[ZaloEmulator]:
    async with ZaloEmulator() as emulator:
        yield emulator


@pytest.fixture
async def client(emu: ZaloEmulator) -> AsyncIterator[ZaloBotClient]:
    async with ZaloBotClient(emu.token, api_base=emu.base_url, timeout=5) as bot:
        yield bot


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


def _qr_png() -> bytes:
    buffer = io.BytesIO()
    segno.make("partybot test").save(buffer, kind="png", scale=2)
    return buffer.getvalue()


@pytest.fixture
async def image_site() -> AsyncIterator[str]:
    """A small public-image stand-in: a PNG, an HTML page and a 404."""
    png = _qr_png()

    async def qr(_: web.Request) -> web.Response:
        return web.Response(body=png, content_type="image/png")

    async def page(_: web.Request) -> web.Response:
        return web.Response(text="<html>not an image</html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/qr.png", qr)
    app.router.add_get("/page.html", page)
    runner, url = await _serve(app)
    yield url
    await runner.cleanup()


@dataclass
class Receiver:
    """Our side of the webhook: records each POST, can fail the first few."""

    url: str = ""
    fail_first: int = 0
    posts: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.posts.append((request.headers.get(SECRET_HEADER), await request.json()))
        if not verify_secret(request.headers.get(SECRET_HEADER), SECRET):
            return web.Response(status=401)
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.Response(status=500)
        return web.Response(text="ok")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/zalo-webhook", rec.handle)
    runner, base = await _serve(app)
    rec.url = f"{base}/zalo-webhook"
    yield rec
    await runner.cleanup()


# -- plain methods -------------------------------------------------------------------


async def test_get_me(client: ZaloBotClient, emu: ZaloEmulator) -> None:
    me = await client.get_me()
    assert me == BotInfo(
        id=emu.bot_id, account_name="bot.Emulator", account_type="BASIC", can_join_groups=False
    )


async def test_send_message_returns_id_and_reaches_the_chat(
    client: ZaloBotClient, emu: ZaloEmulator
) -> None:
    user = emu.user("6ede9afa66b88fe6d6a9", display_name="Bác Ba")
    first = await client.send_message(user.user_id, "Chào bác Ba")
    second = await client.send_message(user.user_id, "Gõ 1 để nộp đảng phí")
    assert first and second and first != second
    assert [m.text for m in user.messages] == ["Chào bác Ba", "Gõ 1 để nộp đảng phí"]
    assert [m.message_id for m in user.messages] == [first, second]
    call = emu.calls_of("sendMessage")[0]
    assert call.params == {"chat_id": user.user_id, "text": "Chào bác Ba"}


async def test_text_is_validated_before_sending(client: ZaloBotClient, emu: ZaloEmulator) -> None:
    user = emu.user("abc123")
    for bad in ("", "x" * 2001):
        with pytest.raises(ZaloBadRequest) as info:
            await client.send_message(user.user_id, bad)
        assert info.value.error_code == 400
    with pytest.raises(ZaloBadRequest):
        await client.send_message("", "hello")
    assert emu.calls_of("sendMessage") == []
    await client.send_message(user.user_id, "đ" * 2000)
    assert emu.texts_to(user.user_id) == ["đ" * 2000]


async def test_emulator_also_refuses_bad_text(emu: ZaloEmulator) -> None:
    """The emulator checks 1..2000 itself, so a client without validation is caught too."""
    emu.user("abc123")
    async with aiohttp.ClientSession() as http:
        url = f"{emu.base_url}/bot{emu.token}/sendMessage"
        async with http.post(url, json={"chat_id": "abc123", "text": "x" * 2001}) as resp:
            body = await resp.json()
    assert resp.status == 200
    assert body["ok"] is False and body["error_code"] == 400


async def test_unknown_chat_is_refused_by_the_api(client: ZaloBotClient) -> None:
    with pytest.raises(ZaloBadRequest) as info:
        await client.send_message("no-such-chat", "hello")
    assert "chat not found" in info.value.description


async def test_send_photo_is_fetched_by_the_api(
    client: ZaloBotClient, emu: ZaloEmulator, image_site: str
) -> None:
    user = emu.user("abc123")
    message_id = await client.send_photo(user.user_id, f"{image_site}/qr.png", caption="Mã QR")
    [sent] = user.messages
    assert sent.kind == "photo" and sent.message_id == message_id
    assert sent.photo_bytes == _qr_png()
    assert sent.photo_content_type == "image/png"
    assert sent.caption == "Mã QR"


async def test_send_photo_refusals(
    client: ZaloBotClient, emu: ZaloEmulator, image_site: str
) -> None:
    user = emu.user("abc123")
    for not_an_image in (f"{image_site}/page.html", f"{image_site}/missing.png"):
        with pytest.raises(ZaloBadRequest):
            await client.send_photo(user.user_id, not_an_image)
    assert len(emu.calls_of("sendPhoto")) == 2
    for bad_url in ("/qr.png", "ftp://example.com/qr.png", "qr.png", "http://[bad"):
        with pytest.raises(ZaloBadRequest):
            await client.send_photo(user.user_id, bad_url)
    with pytest.raises(ZaloBadRequest):
        await client.send_photo(user.user_id, f"{image_site}/qr.png", caption="")
    assert len(emu.calls_of("sendPhoto")) == 2
    assert user.messages == []


async def test_send_photo_from_an_unreachable_host(
    client: ZaloBotClient, emu: ZaloEmulator
) -> None:
    user = emu.user("abc123")
    with pytest.raises(ZaloBadRequest) as info:
        await client.send_photo(user.user_id, f"http://127.0.0.1:{_closed_port()}/qr.png")
    assert "cannot fetch" in info.value.description


async def test_send_chat_action(client: ZaloBotClient, emu: ZaloEmulator) -> None:
    user = emu.user("abc123")
    await client.send_chat_action(user.user_id)
    assert emu.chat_actions == [("abc123", "typing")]


# -- polling ------------------------------------------------------------------------


async def test_polling_returns_one_update_per_call_then_none(
    client: ZaloBotClient, emu: ZaloEmulator
) -> None:
    user = emu.user("6ede9afa66b88fe6d6a9", display_name="Bác Ba")
    sent = [
        user.send_text("Xin chào"),
        user.send_image("https://photo.zdn.vn/anh.jpg", caption="biên lai"),
        user.send_sticker("abc"),
        user.send_unsupported(),
        user.send_voice(),
    ]
    assert emu.pending == sent
    got = [await client.get_update(timeout_s=0) for _ in sent]
    assert emu.pending == []
    assert all(isinstance(u, ZaloUpdate) for u in got)
    updates = [u for u in got if u is not None]
    assert [u.kind for u in updates] == ["text", "image", "sticker", "unsupported", "voice"]
    assert [u.message_id for u in updates] == [s["message"]["message_id"] for s in sent]
    text, image, sticker = updates[:3]
    assert (text.text, text.chat_id, text.user_id) == ("Xin chào", user.user_id, user.user_id)
    assert text.display_name == "Bác Ba"
    assert (image.photo_url, image.caption) == ("https://photo.zdn.vn/anh.jpg", "biên lai")
    assert sticker.sticker == "abc"
    assert await client.get_update(timeout_s=0) is None
    assert emu.calls_of("getUpdates")[-1].error_code == 408


async def test_long_poll_wakes_when_an_update_arrives(
    client: ZaloBotClient, emu: ZaloEmulator
) -> None:
    user = emu.user("abc123")
    poll = asyncio.create_task(client.get_update(timeout_s=20))
    await emu.wait_for(lambda: emu.waiting_polls == 1)
    user.send_text("1")
    update = await poll
    assert update is not None and update.text == "1"


async def test_long_poll_times_out_with_none(client: ZaloBotClient) -> None:
    assert await client.get_update(timeout_s=1) is None


async def test_redelivery_has_the_same_dedup_key(client: ZaloBotClient, emu: ZaloEmulator) -> None:
    last = emu.user("abc123").send_text("2")
    emu.redeliver(last)
    first, again = await client.get_update(0), await client.get_update(0)
    assert first is not None and again is not None
    assert first == again and dedup_key(first) == dedup_key(again)


async def test_polling_is_refused_while_a_webhook_is_set(
    client: ZaloBotClient, receiver: Receiver
) -> None:
    await client.set_webhook(receiver.url, SECRET)
    with pytest.raises(ZaloBadRequest):
        await client.get_update(timeout_s=0)
    await client.delete_webhook()
    assert await client.get_update(timeout_s=0) is None


async def test_an_unattributable_update_is_skipped(
    client: ZaloBotClient, emu: ZaloEmulator
) -> None:
    emu.inject({"event_name": "message.text.received"})
    assert await client.get_update(timeout_s=0) is None


# -- webhook -------------------------------------------------------------------------


async def test_webhook_registration_and_ordered_delivery_with_the_secret(
    client: ZaloBotClient, emu: ZaloEmulator, receiver: Receiver
) -> None:
    info = await client.set_webhook(receiver.url, SECRET)
    assert info.url == receiver.url and info.updated_at
    assert await client.get_webhook_info() == WebhookInfo(receiver.url, info.updated_at)
    user = emu.user("abc123", display_name="Cô Tư")
    for text in ("1", "2", "3"):
        user.send_text(text)
    await emu.wait_for(lambda: len(emu.delivered) == 3)
    assert [secret for secret, _ in receiver.posts] == [SECRET] * 3
    bodies = [body for _, body in receiver.posts]
    assert all(body["ok"] is True for body in bodies)
    assert [b["result"]["event_name"] for b in bodies] == ["message.text.received"] * 3
    assert [parse_update(b).text for b in bodies] == ["1", "2", "3"]

    await client.delete_webhook()
    assert (await client.get_webhook_info()).url == ""
    user.send_text("4")
    update = await client.get_update(timeout_s=0)
    assert update is not None and update.text == "4"
    assert len(receiver.posts) == 3


async def test_webhook_retries_until_acknowledged(
    client: ZaloBotClient, emu: ZaloEmulator, receiver: Receiver
) -> None:
    receiver.fail_first = 2
    await client.set_webhook(receiver.url, SECRET)
    first = emu.user("abc123").send_text("một")
    second = emu.user("abc123").send_text("hai")
    await emu.wait_for(lambda: len(emu.delivered) == 2)
    assert [a.status for a in emu.webhook_attempts] == [500, 500, 200, 200]
    assert emu.delivered == [first, second]
    keys = [dedup_key(parse_update(body)) for _, body in receiver.posts]
    assert keys[0] == keys[1] == keys[2] != keys[3]


async def test_webhook_gives_up_after_max_attempts(receiver: Receiver) -> None:
    receiver.fail_first = 10**6
    async with (
        ZaloEmulator(webhook_max_attempts=3) as emu,
        ZaloBotClient(emu.token, api_base=emu.base_url) as bot,
    ):
        await bot.set_webhook(receiver.url, SECRET)
        lost = emu.user("abc123").send_text("lost")
        await emu.wait_for(lambda: emu.dropped)
    assert emu.dropped == [lost] and len(emu.webhook_attempts) == 3


async def test_webhook_with_a_wrong_secret_is_rejected_by_the_receiver(
    client: ZaloBotClient, emu: ZaloEmulator, receiver: Receiver
) -> None:
    await client.set_webhook(receiver.url, "another-secret-value")
    emu.user("abc123").send_text("hi")
    await emu.wait_for(lambda: emu.webhook_attempts)
    assert emu.webhook_attempts[0].status == 401
    await client.delete_webhook()


async def test_webhook_secret_length_is_checked(
    client: ZaloBotClient, emu: ZaloEmulator, receiver: Receiver
) -> None:
    for bad in ("short", "x" * 257):
        with pytest.raises(ZaloBadRequest):
            await client.set_webhook(receiver.url, bad)
    with pytest.raises(ZaloBadRequest):
        await client.set_webhook("not a url", SECRET)
    assert emu.calls_of("setWebhook") == []
    async with aiohttp.ClientSession() as http:
        url = f"{emu.base_url}/bot{emu.token}/setWebhook"
        async with http.post(url, json={"url": receiver.url, "secret_token": "short"}) as resp:
            assert (await resp.json())["error_code"] == 400
    assert (await client.get_webhook_info()).url == ""


async def test_public_https_check_is_switchable(receiver: Receiver) -> None:
    async with (
        ZaloEmulator(require_public_urls=True) as emu,
        ZaloBotClient(emu.token, api_base=emu.base_url) as bot,
    ):
        with pytest.raises(ZaloBadRequest):
            await bot.set_webhook(receiver.url, SECRET)
        info = await bot.set_webhook("https://bot.example.vn/zalo", SECRET)
        assert info.url == "https://bot.example.vn/zalo"


async def test_delete_webhook_accepts_both_result_shapes(
    client: ZaloBotClient, emu: ZaloEmulator, receiver: Receiver
) -> None:
    await client.set_webhook(receiver.url, SECRET)
    emu.respond_next("deleteWebhook", {"ok": True, "result": True})
    await client.delete_webhook()
    await client.delete_webhook()
    assert emu.webhook_url is None


# -- errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "exc_type", "retryable"),
    [
        (400, ZaloBadRequest, False),
        (401, ZaloUnauthorized, False),
        (403, ZaloForbidden, False),
        (404, ZaloApiError, False),
        (429, ZaloQuotaExceeded, True),
        (500, ZaloServerError, True),
        (503, ZaloServerError, True),
    ],
)
async def test_error_codes_map_to_exceptions(
    client: ZaloBotClient,
    emu: ZaloEmulator,
    code: int,
    exc_type: type[ZaloApiError],
    retryable: bool,
) -> None:
    user = emu.user("abc123")
    emu.fail_next("sendMessage", error_code=code, description=f"injected {code}")
    with pytest.raises(ZaloApiError) as info:
        await client.send_message(user.user_id, "hello")
    assert type(info.value) is exc_type
    assert info.value.error_code == code
    assert info.value.description == f"injected {code}"
    assert info.value.method == "sendMessage"
    assert info.value.retryable is retryable
    await client.send_message(user.user_id, "hello")
    assert emu.texts_to(user.user_id) == ["hello"]


async def test_envelope_wins_over_the_http_status(client: ZaloBotClient, emu: ZaloEmulator) -> None:
    user = emu.user("abc123")
    emu.fail_next("sendMessage", error_code=429, http_status=429, count=2)
    for _ in range(2):
        with pytest.raises(ZaloQuotaExceeded):
            await client.send_message(user.user_id, "hello")
    emu.respond_next("sendMessage", {"ok": False, "error_code": 403}, http_status=200)
    with pytest.raises(ZaloForbidden):
        await client.send_message(user.user_id, "hello")
    emu.respond_next("getMe", {"ok": True, "result": {"id": 42}}, http_status=200)
    assert (await client.get_me()).id == "42"


async def test_blocked_user_is_forbidden(client: ZaloBotClient, emu: ZaloEmulator) -> None:
    user = emu.user("abc123")
    emu.block(user.user_id)
    with pytest.raises(ZaloForbidden):
        await client.send_message(user.user_id, "hello")
    with pytest.raises(ZaloForbidden):
        await client.send_chat_action(user.user_id)
    emu.unblock(user.user_id)
    await client.send_message(user.user_id, "hello")


async def test_outage_is_a_server_error(client: ZaloBotClient, emu: ZaloEmulator) -> None:
    emu.outage()
    with pytest.raises(ZaloServerError) as info:
        await client.get_me()
    assert info.value.error_code == 503 and info.value.retryable
    emu.restore()
    assert (await client.get_me()).id == emu.bot_id


async def test_network_failure_is_a_server_error() -> None:
    async with ZaloBotClient("123:secret", api_base=f"http://127.0.0.1:{_closed_port()}") as bot:
        with pytest.raises(ZaloServerError) as info:
            await bot.get_me()
    assert info.value.error_code == 0 and info.value.retryable


async def test_the_token_never_appears_in_errors_or_logs(
    emu: ZaloEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "987654:wrong/token with spaces"
    errors: list[ZaloApiError] = []
    async with ZaloBotClient(wrong, api_base=emu.base_url) as bot:
        assert "wrong" not in repr(bot)
        with pytest.raises(ZaloUnauthorized) as unauthorized:
            await bot.get_me()
        errors.append(unauthorized.value)
    async with ZaloBotClient(emu.token, api_base=emu.base_url) as bot:
        echo = f"cannot route /bot{emu.token}/getMe"
        emu.respond_next("getMe", {"ok": False, "error_code": 400, "description": echo})
        with pytest.raises(ZaloBadRequest) as echoed:
            await bot.get_me()
        errors.append(echoed.value)
        assert echoed.value.description == "cannot route /bot<token>/getMe"
    async with ZaloBotClient(wrong, api_base=f"http://127.0.0.1:{_closed_port()}") as bot:
        with pytest.raises(ZaloServerError) as network:
            await bot.send_message("abc", "hi")
        errors.append(network.value)
    with pytest.raises(ValueError) as bad_base:
        ZaloBotClient(wrong, api_base="ftp://127.0.0.1")
    texts = [caplog.text, str(bad_base.value)]
    texts += [f"{e!s} {e!r} {e.description}" for e in errors]
    for secret in (wrong, "wrong/token", "wrong%2Ftoken", "emulator-secret-token"):
        assert all(secret not in text for text in texts)
    assert all(e.__cause__ is None and e.__suppress_context__ for e in errors[2:])


async def test_client_closes_only_its_own_session(emu: ZaloEmulator) -> None:
    async with aiohttp.ClientSession() as shared:
        bot = ZaloBotClient(emu.token, api_base=emu.base_url, session=shared)
        await bot.get_me()
        await bot.close()
        assert not shared.closed
        await bot.get_me()


async def test_fault_counts_and_wait_for_timeout(client: ZaloBotClient, emu: ZaloEmulator) -> None:
    user = emu.user("abc123")
    emu.fail_next("sendMessage", error_code=500, count=2)
    outcomes = []
    for _ in range(3):
        try:
            await client.send_message(user.user_id, "retry me")
            outcomes.append("ok")
        except ZaloServerError:
            outcomes.append("5xx")
    assert outcomes == ["5xx", "5xx", "ok"]
    with pytest.raises(TimeoutError):
        await emu.wait_for(lambda: len(emu.sent) > 1, within=0.05)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- parse_update ------------------------------------------------------------------

OFFICIAL_SAMPLE = {
    "ok": True,
    "result": {
        "message": {
            "from": {"id": "6ede9afa66b88fe6d6a9", "display_name": "Ted", "is_bot": False},
            "chat": {"id": "6ede9afa66b88fe6d6a9", "chat_type": "PRIVATE"},
            "text": "Xin chào",
            "message_id": "2d758cb5e222177a4e35",
            "date": 1750316131602,
        },
        "event_name": "message.text.received",
    },
}


def test_parse_the_official_wrapped_sample() -> None:
    update = parse_update(OFFICIAL_SAMPLE)
    assert update == ZaloUpdate(
        event_name="message.text.received",
        message_id="2d758cb5e222177a4e35",
        chat_id="6ede9afa66b88fe6d6a9",
        user_id="6ede9afa66b88fe6d6a9",
        display_name="Ted",
        text="Xin chào",
        photo_url=None,
        sticker=None,
        date_ms=1750316131602,
        kind="text",
    )
    assert dedup_key(update) == "message.text.received:2d758cb5e222177a4e35"


def test_bare_and_wrapped_parse_alike() -> None:
    assert parse_update(OFFICIAL_SAMPLE["result"]) == parse_update(OFFICIAL_SAMPLE)


@pytest.mark.parametrize(
    ("sender", "name"),
    [
        ({"id": "a", "first_name": "Nguyễn", "last_name": "Văn A"}, "Nguyễn Văn A"),
        ({"id": "a", "first_name": "Ba"}, "Ba"),
        ({"id": "a", "name": "Tư"}, "Tư"),
        ({"id": "a", "display_name": "  ", "name": "Năm"}, "Năm"),
        ({"id": "a", "display_name": 7}, ""),
        ({"id": "a"}, ""),
    ],
)
def test_display_name_fallbacks(sender: dict[str, Any], name: str) -> None:
    update = parse_update({"event_name": "message.text.received", "message": {"from": sender}})
    assert update.display_name == name


@pytest.mark.parametrize(
    "fields",
    [
        {"photo": "https://p.zdn.vn/a.jpg"},
        {"photo_url": "https://p.zdn.vn/a.jpg"},
        {"photo": {"url": "https://p.zdn.vn/a.jpg"}},
        {"photo": [None, {"photo_url": "https://p.zdn.vn/a.jpg"}]},
        {"photo": ["https://p.zdn.vn/a.jpg"]},
    ],
)
def test_photo_url_variants(fields: dict[str, Any]) -> None:
    message = {"from": {"id": "u"}, "chat": {"id": "c"}, "message_id": "m", **fields}
    update = parse_update({"event_name": "message.image.received", "message": message})
    assert update.photo_url == "https://p.zdn.vn/a.jpg" and update.kind == "image"


def test_odd_types_are_coerced_not_raised() -> None:
    update = parse_update(
        {
            "result": {
                "event_name": "message.new.kind",
                "message": {
                    "from": {"id": 123456},
                    "chat": "not an object",
                    "text": ["no"],
                    "message_id": 99,
                    "date": "1750316131602",
                    "sticker": "st-1",
                },
            }
        }
    )
    assert (update.user_id, update.chat_id, update.message_id) == ("123456", "123456", "99")
    assert update.text is None and update.date_ms == 1750316131602
    assert update.kind == "sticker" and update.chat_type == "PRIVATE"


def test_one_of_from_or_chat_is_enough() -> None:
    only_chat = parse_update({"message": {"chat": {"id": "c1", "chat_type": "group"}}})
    assert (only_chat.chat_id, only_chat.user_id, only_chat.chat_type) == ("c1", "c1", "GROUP")
    assert only_chat.kind == "unsupported" and only_chat.event_name == ""
    bare_message = parse_update({"from": {"id": "u1"}, "text": "hi"})
    assert (bare_message.chat_id, bare_message.kind) == ("u1", "text")


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"ok": True, "result": {"event_name": "message.text.received"}},
        {"message": "text"},
        {"message": {"text": "no sender"}},
        {"event_name": "message.text.received", "message": None},
    ],
)
def test_no_message_from_or_chat_is_a_clear_value_error(payload: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="Zalo"):
        parse_update(payload)


def test_dedup_key_without_message_id_still_tells_messages_apart() -> None:
    base = {"from": {"id": "u"}, "chat": {"id": "u"}, "date": 1}
    one = parse_update({"event_name": "message.text.received", "message": {**base, "text": "1"}})
    two = parse_update({"event_name": "message.text.received", "message": {**base, "text": "2"}})
    assert dedup_key(one) != dedup_key(two)
    assert dedup_key(one) == dedup_key(parse_update({"message": {**base, "text": "1"}})).replace(
        ":nomid", "message.text.received:nomid", 1
    )


def test_verify_secret() -> None:
    assert verify_secret(SECRET, SECRET)
    assert not verify_secret(None, SECRET)
    assert not verify_secret(SECRET + "x", SECRET)
    assert not verify_secret("", "")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
MESSAGE_FIELDS = st.sampled_from(
    ["text", "photo", "photo_url", "caption", "sticker", "message_id", "date", "url"]
)
FROM_OR_CHAT = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text() | st.integers() | JSON,
        "display_name": st.text() | JSON,
        "first_name": JSON,
        "name": JSON,
        "chat_type": JSON,
    },
)


@st.composite
def zalo_payloads(draw: st.DrawFn) -> dict[str, Any]:
    message: dict[str, Any] = draw(st.dictionaries(MESSAGE_FIELDS, JSON, max_size=6))
    which = draw(st.sampled_from(["from", "chat", "both"]))
    if which in ("from", "both"):
        message["from"] = draw(FROM_OR_CHAT | JSON)
    if which in ("chat", "both"):
        message["chat"] = draw(FROM_OR_CHAT | JSON)
    event = draw(
        st.sampled_from(
            [
                "message.text.received",
                "message.image.received",
                "message.sticker.received",
                "message.voice.received",
                "message.unsupported.received",
            ]
        )
        | JSON
    )
    shape = draw(st.sampled_from(["wrapped", "bare", "message-only"]))
    if shape == "message-only":
        return message
    body = {"event_name": event, "message": message}
    return {"ok": draw(JSON), "result": body} if shape == "wrapped" else body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zalo_payloads())
def test_parse_update_never_raises_on_json_with_from_or_chat(payload: dict[str, Any]) -> None:
    update = parse_update(payload)
    for value in (update.event_name, update.message_id, update.chat_id, update.user_id):
        assert isinstance(value, str)
    assert isinstance(update.display_name, str)
    assert update.kind in ("text", "image", "sticker", "voice", "unsupported")
    assert update.date_ms is None or isinstance(update.date_ms, int)
    assert isinstance(dedup_key(update), str)
    hash(update)
