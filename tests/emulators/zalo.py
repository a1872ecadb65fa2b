"""A local Zalo Bot API emulator: an aiohttp app on 127.0.0.1 that tests point clients at.

It speaks the real envelope (``{ok, result}`` / ``{ok: false, error_code,
description}``) and the behaviours the bot depends on: one update per
getUpdates or 408 after the timeout, webhook delivery in order with the
``X-Bot-Api-Secret-Token`` header and retries, sendPhoto fetching the image URL
as Zalo does. Simulated users, inspection and fault injection let tests drive
a conversation and wait for its effects without sleeping blindly.

API errors are answered with HTTP 200 and ``ok: false`` (so clients must check
``ok``), except 5xx codes, which also use that HTTP status.
"""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import json
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

DEFAULT_TOKEN = "1234567890:emulator-secret-token"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_TEXT = 2000

T = TypeVar("T")


@dataclass(frozen=True)
class ApiCall:
    """One request the emulator answered; ``error_code`` is None when it succeeded."""

    method: str
    params: dict[str, Any]
    error_code: int | None


@dataclass(frozen=True)
class SentMessage:
    """What the bot sent to a chat: a text (sendMessage) or a photo (sendPhoto)."""

    chat_id: str
    message_id: str
    date_ms: int
    text: str | None = None
    photo_url: str | None = None
    caption: str | None = None
    photo_bytes: bytes | None = None
    photo_content_type: str | None = None

    @property
    def kind(self) -> str:
        return "photo" if self.photo_url is not None else "text"


@dataclass(frozen=True)
class WebhookAttempt:
    """One POST of an update to the webhook; ``status`` is None when the POST failed."""

    url: str
    update: dict[str, Any]
    status: int | None


@dataclass
class _Canned:
    body: dict[str, Any]
    http_status: int
    remaining: int


class _Refusal(Exception):
    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description


@dataclass
class EmulatedUser:
    """A Zalo user in a private chat with the bot; each send_* queues one update and returns it."""

    emulator: ZaloEmulator
    user_id: str
    display_name: str

    def send_text(self, text: str) -> dict[str, Any]:
        return self._send("message.text.received", text=text)

    def send_image(self, url: str, caption: str | None = None) -> dict[str, Any]:
        extra: dict[str, Any] = {"photo": url}
        if caption is not None:
            extra["caption"] = caption
        return self._send("message.image.received", **extra)

    def send_sticker(
        self, sticker: str = "bfe458bf64fa8da4d4eb", url: str | None = None
    ) -> dict[str, Any]:
        return self._send(
            "message.sticker.received",
            sticker=sticker,
            url=url or f"https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid={sticker}",
        )

    def send_unsupported(self) -> dict[str, Any]:
        """What Zalo sends instead of the content for users in protected groups."""
        return self._send("message.unsupported.received")

    def send_voice(self, url: str = "https://voice.zdn.vn/emulated.aac") -> dict[str, Any]:
        # The voice payload's media field is undocumented; "url" mirrors stickers.
        return self._send("message.voice.received", url=url)

    @property
    def messages(self) -> list[SentMessage]:
        """What the bot sent to this user, in order."""
        return self.emulator.messages_to(self.user_id)

    def _send(self, event_name: str, **content: Any) -> dict[str, Any]:
        message = {
            "from": {"id": self.user_id, "display_name": self.display_name, "is_bot": False},
            "chat": {"id": self.user_id, "chat_type": "PRIVATE"},
            **content,
            "message_id": secrets.token_hex(10),
            "date": _now_ms(),
        }
        return self.emulator.inject({"event_name": event_name, "message": message})


class ZaloEmulator:
    """The Zalo Bot API for one bot token, on 127.0.0.1 with an ephemeral port.

    ``require_public_urls`` turns on the real API's refusal of non-HTTPS or
    private webhook URLs and of private photo URLs; it is off by default
    because tests serve everything on 127.0.0.1.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        require_public_urls: bool = False,
        webhook_retry_delay: float = 0.02,
        webhook_max_attempts: int = 50,
        fetch_timeout: float = 5.0,
    ) -> None:
        self.token = token
        self.bot_id = token.split(":", 1)[0]
        self.require_public_urls = require_public_urls
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_max_attempts = webhook_max_attempts
        self.fetch_timeout = fetch_timeout

        self.calls: list[ApiCall] = []
        self.sent: list[SentMessage] = []
        self.chat_actions: list[tuple[str, str]] = []
        self.webhook_attempts: list[WebhookAttempt] = []
        self.delivered: list[dict[str, Any]] = []
        self.dropped: list[dict[str, Any]] = []
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_updated_at = 0

        self._pending: deque[dict[str, Any]] = deque()
        self._known_chats: set[str] = set()
        self._blocked: set[str] = set()
        self._canned: dict[str, deque[_Canned]] = {}
        self.waiting_polls = 0
        """getUpdates calls currently long-polling (lets a test know a poll is parked)."""
        self._outage = False
        self._closing = False
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._delivery: asyncio.Task[None] | None = None
        self._port = 0
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
        }

    # -- lifecycle -----------------------------------------------------------

    async def start(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # access_log=None: request paths contain the bot token.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._http = aiohttp.ClientSession()
        self._delivery = asyncio.create_task(self._deliver_forever())
        return self

    async def close(self) -> None:
        self._closing = True
        self._touch()
        if self._delivery is not None:
            self._delivery.cancel()
            await asyncio.gather(self._delivery, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """Pass as ``api_base``; methods live at ``{base_url}/bot<token>/<method>``."""
        return f"http://127.0.0.1:{self._port}"

    # -- simulated users and updates -------------------------------------------

    def user(self, user_id: str, display_name: str = "Người dùng thử") -> EmulatedUser:
        """A user who has a private chat with the bot (so the bot may message them)."""
        self._known_chats.add(user_id)
        return EmulatedUser(self, user_id, display_name)

    def inject(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue any update payload as-is (the ``result`` part), e.g. an odd shape."""
        message = update.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            chat_id = message["chat"].get("id")
            if isinstance(chat_id, str):
                self._known_chats.add(chat_id)
        self._pending.append(update)
        self._touch()
        return update

    def redeliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue the same update again (same message_id), as Zalo may on retries."""
        return self.inject(copy.deepcopy(update))

    @property
    def pending(self) -> list[dict[str, Any]]:
        """Updates queued and not yet taken by getUpdates or the webhook."""
        return list(self._pending)

    # -- inspection ------------------------------------------------------------

    def messages_to(self, chat_id: str) -> list[SentMessage]:
        """Texts and photos the bot sent to ``chat_id``, in order."""
        return [m for m in self.sent if m.chat_id == chat_id]

    def texts_to(self, chat_id: str) -> list[str]:
        return [m.text for m in self.messages_to(chat_id) if m.text is not None]

    def calls_of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, predicate: Callable[[], T], within: float = 5.0) -> T:
        """Wait until ``predicate()`` is truthy (re-checked on every emulator event)."""
        try:
            async with asyncio.timeout(within):
                while True:
                    changed = self._changed
                    value = predicate()
                    if value:
                        return value
                    await changed.wait()
        except TimeoutError:
            recent = [(c.method, c.error_code) for c in self.calls[-10:]]
            raise TimeoutError(
                f"condition not met within {within}s; last calls: {recent}"
            ) from None

    # -- fault injection ---------------------------------------------------------

    def respond_next(
        self, method: str, body: dict[str, Any], http_status: int = 200, count: int = 1
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with ``body``, skipping its effect."""
        self._canned.setdefault(method, deque()).append(_Canned(body, http_status, count))

    def fail_next(
        self,
        method: str,
        error_code: int = 500,
        count: int = 1,
        description: str | None = None,
        http_status: int | None = None,
    ) -> None:
        """Refuse the next ``count`` calls of ``method`` with ``error_code``."""
        body = {
            "ok": False,
            "error_code": error_code,
            "description": description or _DESCRIPTIONS.get(error_code, "Injected failure"),
        }
        status = http_status if http_status is not None else _http_status(error_code)
        self.respond_next(method, body, status, count)

    def block(self, chat_id: str) -> None:
        """The user cannot be reached: sends to this chat are refused with 403."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: str) -> None:
        self._blocked.discard(chat_id)

    def outage(self) -> None:
        """The API answers 503 without an envelope and webhook delivery pauses."""
        self._outage = True
        self._touch()

    def restore(self) -> None:
        self._outage = False
        self._touch()

    # -- HTTP ----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if self._outage:
            return web.Response(status=503, text="503 Service Temporarily Unavailable")
        token, _, method = request.match_info["tail"].removeprefix("bot").rpartition("/")
        if not request.match_info["tail"].startswith("bot") or not token:
            return _envelope_response(404, "Not Found")
        params = await _read_params(request)
        if params is None:
            self._record(method, {}, 400)
            return _envelope_response(400, "Bad Request: body must be a JSON object")
        if token != self.token:
            self._record(method, params, 401)
            return _envelope_response(401, "Unauthorized: invalid or expired token")
        canned = self._canned.get(method)
        if canned:
            answer = canned[0]
            answer.remaining -= 1
            if answer.remaining <= 0:
                canned.popleft()
            self._record(
                method, params, None if answer.body.get("ok") else answer.body.get("error_code")
            )
            return web.json_response(answer.body, status=answer.http_status)
        handler = self._methods.get(method)
        if handler is None:
            self._record(method, params, 400)
            return _envelope_response(400, f"Bad Request: unknown method {method!r}")
        try:
            result = await handler(params)
        except _Refusal as refusal:
            self._record(method, params, refusal.error_code)
            return _envelope_response(refusal.error_code, refusal.description)
        self._record(method, params, None)
        body: dict[str, Any] = {"ok": True}
        if result is not None:
            body["result"] = result
        return web.json_response(body)

    def _record(self, method: str, params: dict[str, Any], error_code: int | None) -> None:
        self.calls.append(ApiCall(method, params, error_code))
        self._touch()

    def _touch(self) -> None:
        """Wake everything waiting for a change (wait_for, long polls, delivery)."""
        self._changed.set()
        self._changed = asyncio.Event()

    # -- methods -------------------------------------------------------------------

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "account_name": "bot.Emulator",
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    async def _get_updates(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.webhook_url is not None:
            raise _Refusal(400, "Bad Request: webhook is active, call deleteWebhook first")
        raw = params.get("timeout", 30)
        try:
            timeout = float(raw)
        except (TypeError, ValueError):
            raise _Refusal(400, "Bad Request: timeout must be a number of seconds") from None
        if timeout < 0:
            raise _Refusal(400, "Bad Request: timeout must not be negative")
        deadline = asyncio.get_running_loop().time() + timeout
        self.waiting_polls += 1
        self._touch()
        try:
            while not (self._pending and self.webhook_url is None):
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0 or self._closing:
                    raise _Refusal(408, "Request timeout")
                changed = self._changed
                try:
                    async with asyncio.timeout(remaining):
                        await changed.wait()
                except TimeoutError:
                    raise _Refusal(408, "Request timeout") from None
            return self._pending.popleft()
        finally:
            self.waiting_polls -= 1

    async def _set_webhook(self, params: dict[str, Any]) -> dict[str, Any]:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not url:
            raise _Refusal(400, "Bad Request: url is required")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise _Refusal(400, "Bad Request: secret_token must be 8-256 characters")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _Refusal(400, "Bad Request: url is not a valid URL")
        if self.require_public_urls and (parts.scheme != "https" or _is_private(parts.hostname)):
            raise _Refusal(400, "Bad Request: webhook url must be a public HTTPS URL")
        self.webhook_url, self.webhook_secret = url, secret
        self.webhook_updated_at = _now_ms()
        self._touch()
        return {"url": url, "updated_at": self.webhook_updated_at}

    async def _delete_webhook(self, params: dict[str, Any]) -> dict[str, Any]:
        self.webhook_url = self.webhook_secret = None
        self.webhook_updated_at = _now_ms()
        self._touch()
        return {"url": "", "updated_at": self.webhook_updated_at}

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook_url or "", "updated_at": self.webhook_updated_at}

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._reachable_chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
            raise _Refusal(400, f"Bad Request: text must be 1-{MAX_TEXT} characters")
        return self._deliver_to_chat(SentMessage(chat_id, secrets.token_hex(10), _now_ms(), text))

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._reachable_chat(params)
        url, caption = params.get("photo"), params.get("caption")
        if caption is not None and (
            not isinstance(caption, str) or not 1 <= len(caption) <= MAX_TEXT
        ):
            raise _Refusal(400, f"Bad Request: caption must be 1-{MAX_TEXT} characters")
        if not isinstance(url, str) or not url:
            raise _Refusal(400, "Bad Request: photo is required")
        data, content_type = await self._fetch_image(url)
        return self._deliver_to_chat(
            SentMessage(
                chat_id,
                secrets.token_hex(10),
                _now_ms(),
                photo_url=url,
                caption=caption,
                photo_bytes=data,
                photo_content_type=content_type,
            )
        )

    async def _send_chat_action(self, params: dict[str, Any]) -> None:
        chat_id = self._reachable_chat(params)
        action = params.get("action")
        if action != "typing":
            raise _Refusal(400, "Bad Request: action must be 'typing'")
        self.chat_actions.append((chat_id, action))

    def _reachable_chat(self, params: dict[str, Any]) -> str:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or not chat_id:
            raise _Refusal(400, "Bad Request: chat_id is required")
        if chat_id not in self._known_chats:
            raise _Refusal(400, "Bad Request: chat not found")
        if chat_id in self._blocked:
            raise _Refusal(403, "Forbidden: user is unreachable")
        return chat_id

    def _deliver_to_chat(self, message: SentMessage) -> dict[str, Any]:
        self.sent.append(message)
        return {"message_id": message.message_id, "date": message.date_ms}

    async def _fetch_image(self, url: str) -> tuple[bytes, str]:
        """GET the photo as Zalo does before answering sendPhoto."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _Refusal(400, "Bad Request: photo must be an http(s) URL")
        if self.require_public_urls and _is_private(parts.hostname):
            raise _Refusal(400, "Bad Request: photo url is not public")
        assert self._http is not None
        try:
            async with self._http.get(
                url, timeout=aiohttp.ClientTimeout(total=self.fetch_timeout)
            ) as resp:
                data = await resp.read()
                content_type = resp.content_type
                status = resp.status
        except (aiohttp.ClientError, TimeoutError, OSError):
            raise _Refusal(400, "Bad Request: cannot fetch photo url") from None
        if status != 200:
            raise _Refusal(400, f"Bad Request: cannot fetch photo url (HTTP {status})")
        if not content_type.startswith("image/") or not data:
            raise _Refusal(400, "Bad Request: photo url is not an image")
        return data, content_type

    # -- webhook delivery ------------------------------------------------------------

    async def _deliver_forever(self) -> None:
        """POST queued updates to the webhook one by one, in order, retrying failures."""
        attempts = 0
        while True:
            changed = self._changed
            if self.webhook_url is None or not self._pending or self._outage:
                await changed.wait()
                continue
            update = self._pending[0]
            status = await self._post_update(self.webhook_url, self.webhook_secret or "", update)
            if status is not None and 200 <= status < 300:
                self._pop_head(update)
                self.delivered.append(update)
                attempts = 0
            else:
                attempts += 1
                if attempts >= self.webhook_max_attempts:
                    self._pop_head(update)
                    self.dropped.append(update)
                    attempts = 0
                await asyncio.sleep(self.webhook_retry_delay)
            self._touch()

    async def _post_update(self, url: str, secret: str, update: dict[str, Any]) -> int | None:
        assert self._http is not None
        status: int | None
        try:
            async with self._http.post(
                url,
                json={"ok": True, "result": update},
                headers={SECRET_HEADER: secret},
                timeout=aiohttp.ClientTimeout(total=self.fetch_timeout),
            ) as resp:
                status = resp.status
        except (aiohttp.ClientError, TimeoutError, OSError):
            status = None
        self.webhook_attempts.append(WebhookAttempt(url, update, status))
        return status

    def _pop_head(self, update: dict[str, Any]) -> None:
        if self._pending and self._pending[0] is update:
            self._pending.popleft()


_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request timeout",
    429: "Quota exceeded",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def _http_status(error_code: int) -> int:
    return error_code if error_code >= 500 else 200


def _envelope_response(error_code: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": error_code, "description": description}
    return web.json_response(body, status=_http_status(error_code))


async def _read_params(request: web.Request) -> dict[str, Any] | None:
    """Query string plus JSON body; None when the body is not a JSON object."""
    params: dict[str, Any] = dict(request.query)
    raw = await request.read()
    if raw.strip():
        try:
            body = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        params.update(body)
    return params


def _is_private(hostname: str) -> bool:
    if hostname == "localhost" or hostname.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return not address.is_global


def _now_ms() -> int:
    return int(time.time() * 1000)
