"""A Telegram Bot API server on 127.0.0.1 for tests.

A real aiogram ``Bot`` talks to it unmodified (``TelegramAPIServer.from_base(emu.base_url)``),
in long polling or in webhook mode. Tests play the users (``emu.user(...)``), read what the
bot sent (``emu.messages_to(...)``) and provoke what Telegram does in production: flood
limits (429), blocked users (403), server errors, outages, dropped connections, webhook
retries and redelivered updates. Validation follows Telegram's rules closely enough that a
message Telegram would refuse (bad HTML, 65-byte callback data, 4097 characters) fails here.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import mimetypes
import re
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web
from PIL import Image

from tests.emulators.telegram_rules import (
    CAPTION_LIMIT,
    CHAT_ACTIONS,
    TEXT_LIMIT,
    ApiError,
    bad,
    check_reply_markup,
    coerce,
    failure,
    format_text,
    int_param,
    labels,
)
from tests.emulators.telegram_users import SimChat, SimUser, tiny_png

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotMessage",
    "Call",
    "CallbackAnswer",
    "SimChat",
    "SimUser",
    "Stats",
    "StoredFile",
    "TelegramEmulator",
    "UploadedFile",
    "WebhookAttempt",
    "tiny_png",
]

DEFAULT_TOKEN = "123456789:TEST-emulator-token"

_MAX_UPLOAD = 50 * 1024 * 1024

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


# --- records tests inspect -------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as received."""

    field: str
    filename: str
    content: bytes
    content_type: str


@dataclass
class Call:
    """One Bot API request. ``status`` stays None until answered (or if the connection
    dropped first); ``source`` is "http" or "webhook-reply" (a method returned to a webhook)."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile]
    time: float
    source: str
    status: int | None = None
    response: dict[str, Any] | None = None


@dataclass
class StoredFile:
    """A file Telegram knows: uploaded bytes, or only a URL the bot gave."""

    file_id: str
    file_unique_id: str
    content: bytes | None
    filename: str | None = None
    mime_type: str | None = None
    url: str | None = None
    file_path: str | None = None
    width: int = 0
    height: int = 0


@dataclass
class BotMessage:
    """A message the bot sent, as the user sees it now (edits applied)."""

    chat_id: int
    message_id: int
    kind: str  # "text", "photo" or "document"
    date: int
    time: float
    text: str | None = None
    caption: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    file: StoredFile | None = None
    edit_date: int | None = None
    deleted: bool = False

    @property
    def photo(self) -> bytes | None:
        return self.file.content if self.kind == "photo" and self.file else None

    @property
    def document(self) -> bytes | None:
        return self.file.content if self.kind == "document" and self.file else None

    @property
    def filename(self) -> str | None:
        return self.file.filename if self.file else None

    @property
    def buttons(self) -> list[list[str]]:
        """Button labels by row, of the inline or reply keyboard attached to this message."""
        return labels(self.reply_markup)

    def callback_data(self, label: str) -> str:
        """The callback_data of the inline button labelled ``label``."""
        for row in (self.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label and "callback_data" in button:
                    return str(button["callback_data"])
        raise KeyError(label)


@dataclass(frozen=True)
class WebhookAttempt:
    """One POST of an update to the webhook; ``status`` is None when it could not connect."""

    update_id: int
    time: float
    url: str
    status: int | None
    error: str | None


@dataclass(frozen=True)
class CallbackAnswer:
    query_id: str
    data: str | None
    text: str | None
    show_alert: bool
    time: float


@dataclass(frozen=True)
class Stats:
    """``throttled`` counts only 429s from the emulated limits (not injected faults);
    ``max_global_rate`` is the most deliveries seen in any rolling 1 s window."""

    sends: int
    throttled: int
    forbidden: int
    status_counts: dict[int, int]
    max_global_rate: int


@dataclass(eq=False)
class _Pending:
    update: dict[str, Any]
    forced: bool = False  # redelivered: served even though its update_id was confirmed
    returned: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])

    @property
    def kind(self) -> str:
        return next(key for key in self.update if key != "update_id")


@dataclass
class _Fault:
    method: str
    status: int
    retry_after: float | None
    description: str | None
    remaining: int


@dataclass
class _Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    task: asyncio.Task[None] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


class _Limits:
    """Telegram's flood limits as enforced here, plus the global rate actually observed."""

    def __init__(
        self, enabled: bool, global_limit: int, per_chat_rate: float, per_chat_burst: int
    ) -> None:
        self.enabled = enabled
        self.global_limit = global_limit
        self.per_chat_rate = per_chat_rate
        self.per_chat_burst = per_chat_burst
        self.window = 1.0
        self.max_window_count = 0
        self._recent: deque[float] = deque()
        self._buckets: dict[int, tuple[float, float]] = {}

    def retry_after(self, chat_id: int, now: float) -> float | None:
        """Seconds until a send to ``chat_id`` would be accepted, None if it is now."""
        if not self.enabled:
            return None
        self._prune(now)
        waits = []
        if len(self._recent) >= self.global_limit:
            waits.append(self._recent[0] + self.window - now)
        tokens = self._tokens(chat_id, now)
        if tokens < 1:
            waits.append((1 - tokens) / self.per_chat_rate)
        return max(waits) if waits else None

    def record(self, chat_id: int, now: float) -> None:
        self._prune(now)
        self._recent.append(now)
        self.max_window_count = max(self.max_window_count, len(self._recent))
        if self.enabled:
            self._buckets[chat_id] = (self._tokens(chat_id, now) - 1, now)

    def _tokens(self, chat_id: int, now: float) -> float:
        tokens, last = self._buckets.get(chat_id, (float(self.per_chat_burst), now))
        return min(float(self.per_chat_burst), tokens + (now - last) * self.per_chat_rate)

    def _prune(self, now: float) -> None:
        while self._recent and self._recent[0] <= now - self.window:
            self._recent.popleft()


# --- request parsing -------------------------------------------------------------------------


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    params: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise bad("can't parse JSON request body") from exc
            if not isinstance(body, dict):
                raise bad("request body must be a JSON object")
            params.update(body)
        else:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(
                        key, value.filename, value.file.read(), value.content_type
                    )
                else:
                    params[key] = value
    return coerce(params), files


async def _read_webhook_reply(
    response: aiohttp.ClientResponse,
) -> tuple[str, dict[str, Any], dict[str, UploadedFile]] | None:
    """A Bot API method the bot returned as the webhook answer, if any."""
    params: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    try:
        await _collect_reply(response, params, files)
    except ValueError:
        return None  # Telegram ignores an answer it cannot parse
    method = params.pop("method", None)
    if not isinstance(method, str):
        return None
    try:
        return method, coerce(params), files
    except ApiError:
        return None


async def _collect_reply(
    response: aiohttp.ClientResponse, params: dict[str, Any], files: dict[str, UploadedFile]
) -> None:
    if response.content_type.startswith("multipart/"):
        reader = aiohttp.MultipartReader.from_response(response)
        async for part in reader:
            if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                continue
            if part.filename:
                content_type = part.headers.get(aiohttp.hdrs.CONTENT_TYPE, "")
                files[part.name] = UploadedFile(
                    part.name, part.filename, await part.read(decode=True), content_type
                )
            else:
                params[part.name] = await part.text()
    else:
        raw = await response.read()
        body = json.loads(raw) if raw.strip() else {}
        if isinstance(body, dict):
            params.update(body)


Handler = Callable[[dict[str, Any], dict[str, UploadedFile]], Awaitable[Any]]


class TelegramEmulator:
    """The Bot API for one bot token, on 127.0.0.1, with simulated users and faults.

    Use as ``async with TelegramEmulator() as emu:``; point aiogram at ``emu.base_url``
    (or take ``emu.make_bot()``). Limits are Telegram's by default: 30 sends per rolling
    second per bot, and a per-chat token bucket of ``per_chat_rate``/s with ``per_chat_burst``.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "partybot_test_bot",
        bot_first_name: str = "Trợ lý Đảng viên",
        limits: bool = True,
        global_limit: int = 30,
        per_chat_rate: float = 1.0,
        per_chat_burst: int = 1,
        webhook_retry_delay: float = 0.1,
        webhook_timeout: float = 10.0,
        first_update_id: int = 100_000,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        self.calls: list[Call] = []
        self.webhook_attempts: list[WebhookAttempt] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.commands: list[dict[str, Any]] = []
        self.bot_messages: list[BotMessage] = []
        self._limits = _Limits(limits, global_limit, per_chat_rate, per_chat_burst)
        self._delivered = 0
        self._throttled = 0
        self._forbidden = 0
        self._status_counts: Counter[int] = Counter()
        self._update_ids = itertools.count(first_update_id)
        self._query_ids = itertools.count(7_000_000_000)
        self._file_numbers = itertools.count(1)
        self._pending: list[_Pending] = []
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._chats: dict[int, dict[str, Any]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._user_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._callback_queries: dict[str, dict[str, Any]] = {}
        self._files: dict[str, StoredFile] = {}
        self._faults: list[_Fault] = []
        self._outage: int | None = None
        self._offline = False
        self._blocked: set[int] = set()
        self._webhook: _Webhook | None = None
        self._waiters: list[asyncio.Future[None]] = []
        self._closing = False
        self._port = 0
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._methods: dict[str, Handler] = {
            name.lower(): handler
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "answerCallbackQuery": self._answer_callback_query,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "sendChatAction": self._send_chat_action,
                "setMyCommands": self._set_my_commands,
                "getFile": self._get_file,
            }.items()
        }

    # --- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> TelegramEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        self._http = aiohttp.ClientSession()
        await self._serve(0)

    async def stop(self) -> None:
        self._closing = True
        self._notify()
        if self._webhook and self._webhook.task:
            self._webhook.task.cancel()
            await asyncio.gather(self._webhook.task, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._http is not None:
            await self._http.close()

    @property
    def base_url(self) -> str:
        """What ``TelegramAPIServer.from_base`` needs."""
        return f"http://127.0.0.1:{self._port}"

    def make_bot(self, **kwargs: Any) -> Bot:
        """An aiogram Bot for this emulator's token and address; close it when done."""
        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(self.token, session=session, **kwargs)

    async def _serve(self, port: int) -> None:
        app = web.Application(client_max_size=_MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # A short shutdown timeout: pending long polls are cut, as a real drop would.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        self._runner = runner
        self._port = runner.addresses[0][1]

    # --- users and updates -------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Người dùng",
        username: str | None = None,
        *,
        last_name: str | None = None,
        phone_number: str | None = None,
        language_code: str = "vi",
    ) -> SimUser:
        """A user the test plays; ``phone_number`` is what ``tap`` shares on a contact button."""
        sim = SimUser(self, user_id, first_name, last_name, username, phone_number, language_code)
        self._chats[user_id] = sim.chat
        return sim

    def group(self, chat_id: int, title: str = "Chi bộ") -> SimChat:
        """A group chat (negative id, like Telegram's) for ``chat=`` in user actions."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        group = SimChat(chat_id, title)
        self._chats[chat_id] = group.api
        return group

    async def push_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update of any type (``{"my_chat_member": {...}}``) with the next id."""
        update = {"update_id": next(self._update_ids), **payload}
        self._pending.append(_Pending(update))
        self._notify()
        return update

    async def redeliver(self, update: dict[str, Any]) -> None:
        """Queue an update again with the same update_id, as Telegram does when it believes
        the bot did not get it; served even if the bot already confirmed that id."""
        self._pending.append(_Pending(update, forced=True))
        self._notify()

    @property
    def pending_updates(self) -> int:
        return len(self._pending)

    async def _user_message(
        self, user: SimUser, chat: SimChat | None, content: dict[str, Any]
    ) -> dict[str, Any]:
        chat_api = chat.api if chat else user.chat
        self._chats.setdefault(chat_api["id"], chat_api)
        message = {
            "message_id": self._next_message_id(chat_api["id"]),
            "date": int(time.time()),
            "chat": chat_api,
            "from": user.api,
            **content,
        }
        self._user_messages[(chat_api["id"], message["message_id"])] = dict(message)
        return await self.push_update({"message": message})

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _button_message(
        self, chat_id: int, data: str, message_id: int | None, strict: bool
    ) -> BotMessage:
        for message in reversed(self.messages_to(chat_id)):
            if message_id is not None and message.message_id != message_id:
                continue
            inline = (message.reply_markup or {}).get("inline_keyboard") or []
            carried = {button.get("callback_data") for row in inline for button in row}
            if data in carried or (not strict and (inline or message_id is not None)):
                return message
            if message_id is not None:
                break
        where = f"message {message_id}" if message_id is not None else "any message"
        raise ValueError(f"no inline button with data {data!r} on {where} in chat {chat_id}")

    def _reply_keyboard(self, chat_id: int) -> list[list[Any]]:
        for message in reversed(self.messages_to(chat_id)):
            markup = message.reply_markup or {}
            if "keyboard" in markup:
                return list(markup["keyboard"])
            if markup.get("remove_keyboard"):
                break
        return []

    # --- inspection --------------------------------------------------------------------------

    def messages_to(self, chat_id: int) -> list[BotMessage]:
        """What the user sees in that chat, oldest first: deleted messages left out."""
        return [m for m in self.bot_messages if m.chat_id == chat_id and not m.deleted]

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    @property
    def stats(self) -> Stats:
        return Stats(
            sends=self._delivered,
            throttled=self._throttled,
            forbidden=self._forbidden,
            status_counts=dict(self._status_counts),
            max_global_rate=self._limits.max_window_count,
        )

    @property
    def limits_enabled(self) -> bool:
        return self._limits.enabled

    @limits_enabled.setter
    def limits_enabled(self, enabled: bool) -> None:
        self._limits.enabled = enabled

    async def wait_for(
        self,
        condition: Callable[[], bool] | int,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline per wait reads best in tests
    ) -> None:
        """Wait until ``condition()`` holds, or until that many sends were delivered.
        Re-checked on every change in the emulator; TimeoutError names the last calls."""
        check = condition if callable(condition) else (lambda: self.stats.sends >= condition)
        deadline = asyncio.get_running_loop().time() + timeout
        while not check():
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                recent = [(c.method, c.status) for c in self.calls[-5:]]
                raise TimeoutError(f"condition not met within {timeout} s; last calls {recent}")
            await asyncio.wait([self._changed()], timeout=remaining)

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[BotMessage]:
        """The messages in that chat once there are at least ``count``."""
        await self.wait_for(lambda: len(self.messages_to(chat_id)) >= count, timeout)
        return self.messages_to(chat_id)

    async def wait_drained(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until every queued update was confirmed (polling) or acknowledged (webhook)."""
        await self.wait_for(lambda: not self._pending, timeout)

    def _changed(self) -> asyncio.Future[None]:
        future = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        return future

    def _notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for future in waiters:
            if not future.done():
                future.set_result(None)

    # --- faults ------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 500,
        *,
        retry_after: float | None = None,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` ("*" for any) fail with ``status``;
        nothing they asked for happens."""
        self._faults.append(_Fault(method.lower(), status, retry_after, description, count))

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: sends to that chat answer 403."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def outage(self, status: int = 502) -> None:
        """Every call answers ``status`` and webhook delivery pauses, until ``restore()``."""
        self._outage = status

    def restore(self) -> None:
        self._outage = None
        self._notify()

    async def go_offline(self) -> None:
        """Close the listening socket and cut open connections (long polls included)."""
        self._offline = True
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def go_online(self) -> None:
        """Listen again on the same port."""
        await self._serve(self._port)
        self._offline = False
        self._notify()

    # --- HTTP --------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        error: ApiError | None = None
        try:
            params, files = await _read_params(request)
        except ApiError as exc:
            params, files, error = {}, {}, exc
        call = Call(request.match_info["method"], params, files, arrived, "http")
        status, payload = await self._execute(call, request.match_info["token"], error)
        return web.json_response(payload, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        for stored in self._files.values():
            if stored.file_path == request.match_info["path"] and stored.content is not None:
                return web.Response(body=stored.content, content_type=stored.mime_type)
        return web.json_response(ApiError(404, "Not Found").payload(), status=404)

    async def _execute(
        self, call: Call, token: str, error: ApiError | None = None
    ) -> tuple[int, dict[str, Any]]:
        self.calls.append(call)
        self._notify()
        try:
            result = await self._dispatch(call, token, error)
            status, payload = 200, {"ok": True, "result": result}
        except ApiError as exc:
            status, payload = exc.status, exc.payload()
        call.status, call.response = status, payload
        self._status_counts[status] += 1
        self._notify()
        return status, payload

    async def _dispatch(self, call: Call, token: str, error: ApiError | None) -> Any:
        if token != self.token:
            raise ApiError(401, "Unauthorized")
        if self._outage is not None:
            raise failure(self._outage)
        if error is not None:
            raise error
        handler = self._methods.get(call.method.lower())
        if handler is None:
            raise ApiError(404, "Not Found")
        for fault in self._faults:
            if fault.remaining > 0 and fault.method in {"*", call.method.lower()}:
                fault.remaining -= 1
                raise failure(fault.status, fault.retry_after, fault.description)
        return await handler(call.params, call.files)

    # --- updates: polling --------------------------------------------------------------------

    async def _get_me(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self.bot_user

    async def _get_updates(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        if self._webhook is not None:
            raise ApiError(409, _WEBHOOK_CONFLICT)
        offset = int_param(params, "offset", 0)
        limit = min(max(int_param(params, "limit", 100), 1), 100)
        timeout = max(int_param(params, "timeout", 0), 0)
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"] or []) or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older long poll now answers 409, as on Telegram
        self._confirm(offset)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, _POLL_CONFLICT)
            if self._webhook is not None:
                raise ApiError(409, _WEBHOOK_CONFLICT)
            batch = self._deliverable()[:limit]
            remaining = deadline - asyncio.get_running_loop().time()
            if batch or remaining <= 0 or self._closing:
                for entry in batch:
                    entry.returned = True
                return [entry.update for entry in batch]
            await asyncio.wait([self._changed()], timeout=remaining)

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self._pending = self._pending[offset:]
        elif offset > 0:
            self._pending = [
                p for p in self._pending if p.update_id >= offset or (p.forced and not p.returned)
            ]
        self._notify()

    def _deliverable(self) -> list[_Pending]:
        """Pending updates in order, after dropping the types the bot did not ask for."""
        if self._allowed_updates is not None:
            allowed = set(self._allowed_updates)
            self._pending = [p for p in self._pending if p.kind in allowed]
        return list(self._pending)

    # --- updates: webhook --------------------------------------------------------------------

    async def _set_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params, files)
        if not re.match(r"https?://\S+$", url):
            raise bad("bad webhook: invalid webhook URL specified")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad("secret token contains unallowed characters")
        max_connections = int_param(params, "max_connections", 40)
        if not 1 <= max_connections <= 100:
            raise bad("bad webhook: max_connections must be 1-100")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"] or []) or None
        self._stop_webhook()
        hook = _Webhook(url, str(secret) if secret else None, max_connections)
        self._webhook = hook
        hook.task = asyncio.create_task(self._deliver_webhook(hook))
        self._notify()
        return True

    async def _delete_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._stop_webhook()
        self._notify()
        return True

    def _stop_webhook(self) -> None:
        hook, self._webhook = self._webhook, None
        if hook and hook.task and hook.task is not asyncio.current_task():
            hook.task.cancel()

    async def _get_webhook_info(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        hook = self._webhook
        if hook is not None:
            info.update(url=hook.url, max_connections=hook.max_connections)
            if self._allowed_updates is not None:
                info["allowed_updates"] = self._allowed_updates
            if hook.last_error_date is not None:
                info.update(
                    last_error_date=hook.last_error_date,
                    last_error_message=hook.last_error_message,
                )
        return info

    async def _deliver_webhook(self, hook: _Webhook) -> None:
        """POST updates one at a time, in order; retry the head until it is acknowledged."""
        while self._webhook is hook:
            pending = self._deliverable()
            if not pending or self._outage is not None or self._offline:
                await self._changed()
                continue
            if await self._post_update(hook, pending[0]):
                if pending[0] in self._pending:
                    self._pending.remove(pending[0])
                self._notify()
            else:
                await asyncio.sleep(self.webhook_retry_delay)

    async def _post_update(self, hook: _Webhook, entry: _Pending) -> bool:
        assert self._http is not None
        headers = {}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        started = time.monotonic()
        reply = None
        try:
            async with self._http.post(
                hook.url,
                json=entry.update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                status, reason = response.status, response.reason
                if 200 <= status < 300:
                    reply = await _read_webhook_reply(response)
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._record_attempt(hook, entry, started, None, f"{type(exc).__name__}: {exc}")
            return False
        if not 200 <= status < 300:
            error = f"Wrong response from the webhook: {status} {reason}"
            self._record_attempt(hook, entry, started, status, error)
            return False
        self._record_attempt(hook, entry, started, status, None)
        if reply is not None:
            method, params, files = reply
            call = Call(method, params, files, time.monotonic(), "webhook-reply")
            await self._execute(call, self.token)
        return True

    def _record_attempt(
        self, hook: _Webhook, entry: _Pending, started: float, status: int | None, error: str | None
    ) -> None:
        attempt = WebhookAttempt(entry.update_id, started, hook.url, status, error)
        self.webhook_attempts.append(attempt)
        if error is not None:
            hook.last_error_date, hook.last_error_message = int(time.time()), error
        self._notify()

    # --- sending -----------------------------------------------------------------------------

    def _chat_for(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad("chat_id is empty")
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@")
            for chat in self._chats.values():
                if chat.get("username") == name:
                    return chat
            raise bad("chat not found")
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise bad("chat not found")
        if chat_id not in self._chats:
            self._chats[chat_id] = (
                {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
                if chat_id > 0
                else {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}
            )
        return self._chats[chat_id]

    def _check_reachable(self, chat: dict[str, Any]) -> None:
        if chat["id"] in self._blocked:
            self._forbidden += 1
            if chat["type"] == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")

    def _admit_send(self, chat: dict[str, Any]) -> None:
        """403 for a blocked chat, 429 over a limit; otherwise the send counts as delivered."""
        self._check_reachable(chat)
        now = time.monotonic()
        wait = self._limits.retry_after(chat["id"], now)
        if wait is not None:
            self._throttled += 1
            raise failure(429, wait)
        self._limits.record(chat["id"], now)
        self._delivered += 1

    def _markup(self, params: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        check_reply_markup(markup, chat["type"])
        return dict(markup)

    def _caption(self, params: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
        if params.get("caption") in (None, ""):
            return None, []
        return format_text(
            params["caption"],
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=CAPTION_LIMIT,
            empty_error="message caption is empty",
            long_error="message caption is too long",
        )

    def _add_bot_message(self, chat: dict[str, Any], kind: str, **fields: Any) -> BotMessage:
        stored: StoredFile | None = fields.get("file")
        if stored is not None and stored.file_id not in self._files:
            self._files[stored.file_id] = stored
        message = BotMessage(
            chat_id=chat["id"],
            message_id=self._next_message_id(chat["id"]),
            kind=kind,
            date=int(time.time()),
            time=time.monotonic(),
            **fields,
        )
        self.bot_messages.append(message)
        return message

    def _message_api(self, message: BotMessage) -> dict[str, Any]:
        """The Message object Telegram returns for a bot message."""
        api: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self._chats[message.chat_id],
            "from": self.bot_user,
        }
        if message.edit_date is not None:
            api["edit_date"] = message.edit_date
        if message.kind == "text":
            api["text"] = message.text
            if message.entities:
                api["entities"] = message.entities
        else:
            assert message.file is not None
            if message.kind == "photo":
                api["photo"] = [self._photo_size(message.file)]
            else:
                api["document"] = self._document_api(message.file)
            if message.caption is not None:
                api["caption"] = message.caption
                if message.entities:
                    api["caption_entities"] = message.entities
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            api["reply_markup"] = message.reply_markup
        return api

    def _photo_size(self, stored: StoredFile) -> dict[str, Any]:
        size: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": stored.width,
            "height": stored.height,
        }
        if stored.content is not None:
            size["file_size"] = len(stored.content)
        return size

    def _document_api(self, stored: StoredFile) -> dict[str, Any]:
        document: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
        }
        if stored.filename:
            document["file_name"] = stored.filename
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        if stored.content is not None:
            document["file_size"] = len(stored.content)
        return document

    def _new_file(
        self, content: bytes | None, filename: str | None, mime_type: str | None, folder: str
    ) -> StoredFile:
        number = next(self._file_numbers)
        suffix = filename.rsplit(".", 1)[-1] if filename and "." in filename else "bin"
        return StoredFile(
            file_id=f"emu-file-{number}",
            file_unique_id=f"emu-unique-{number}",
            content=content,
            filename=filename,
            mime_type=mime_type,
            file_path=f"{folder}/file_{number}.{suffix}" if content is not None else None,
        )

    def _store_file(self, content: bytes, filename: str, mime_type: str, folder: str) -> StoredFile:
        stored = self._new_file(content, filename, mime_type, folder)
        self._files[stored.file_id] = stored
        return stored

    def _input_file(
        self, params: dict[str, Any], files: dict[str, UploadedFile], name: str
    ) -> StoredFile:
        """The file a send names: an upload (direct or ``attach://``), a URL or a file_id."""
        value = params.get(name)
        upload = files.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad(f"can't find attached file for {name}")
        if upload is not None:
            if not upload.content:
                raise bad("file must be non-empty")
            # Telegram sniffs the type; aiogram labels every upload application/octet-stream.
            mime_type = mimetypes.guess_type(upload.filename)[0] or upload.content_type
            stored = self._new_file(upload.content, upload.filename, mime_type, f"{name}s")
            if name == "photo":
                try:
                    with Image.open(io.BytesIO(upload.content)) as image:
                        stored.width, stored.height = image.size
                except (OSError, ValueError, Image.DecompressionBombError) as exc:
                    raise bad("IMAGE_PROCESS_FAILED") from exc
            return stored
        if isinstance(value, str) and re.match(r"https?://\S+$", value):
            stored = self._new_file(None, None, None, f"{name}s")
            stored.url = value
            return stored
        if isinstance(value, str) and value:
            if value in self._files:
                return self._files[value]
            raise bad("wrong file identifier/HTTP URL specified")
        raise bad(f"there is no {name} in the request")

    async def _send_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._chat_for(params)
        text, entities = format_text(
            params.get("text"),
            params.get("parse_mode"),
            params.get("entities"),
            limit=TEXT_LIMIT,
            empty_error="message text is empty",
            long_error="message is too long",
        )
        markup = self._markup(params, chat)
        self._admit_send(chat)
        message = self._add_bot_message(
            chat, "text", text=text, entities=entities, reply_markup=markup
        )
        return self._message_api(message)

    async def _send_file(
        self, params: dict[str, Any], files: dict[str, UploadedFile], kind: str
    ) -> Any:
        chat = self._chat_for(params)
        stored = self._input_file(params, files, kind)
        caption, entities = self._caption(params)
        markup = self._markup(params, chat)
        self._admit_send(chat)
        message = self._add_bot_message(
            chat, kind, caption=caption, entities=entities, reply_markup=markup, file=stored
        )
        return self._message_api(message)

    async def _send_photo(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return await self._send_file(params, files, "photo")

    async def _send_document(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return await self._send_file(params, files, "document")

    # --- other methods -----------------------------------------------------------------------

    async def _answer_callback_query(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        query = self._callback_queries.pop(str(params.get("callback_query_id") or ""), None)
        if query is None:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad("MESSAGE_TOO_LONG")
        self.callback_answers.append(
            CallbackAnswer(
                query_id=query["id"],
                data=query.get("data"),
                text=text,
                show_alert=bool(params.get("show_alert")),
                time=time.monotonic(),
            )
        )
        return True

    def _editable(self, params: dict[str, Any]) -> tuple[dict[str, Any], BotMessage]:
        if params.get("inline_message_id"):
            raise bad("message to edit not found")
        chat = self._chat_for(params)
        for message in self.messages_to(chat["id"]):
            if message.message_id == params.get("message_id"):
                self._check_reachable(chat)
                return chat, message
        raise bad("message to edit not found")

    def _edit_markup(self, params: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any] | None:
        markup = self._markup(params, chat)
        if markup is not None and "inline_keyboard" not in markup:
            raise bad("inline keyboard expected")
        return markup

    async def _edit_message_text(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        chat, message = self._editable(params)
        if message.kind != "text":
            raise bad("there is no text in the message to edit")
        text, entities = format_text(
            params.get("text"),
            params.get("parse_mode"),
            params.get("entities"),
            limit=TEXT_LIMIT,
            empty_error="message text is empty",
            long_error="MESSAGE_TOO_LONG",
        )
        markup = self._edit_markup(params, chat)
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise bad(_NOT_MODIFIED)
        message.text, message.entities, message.reply_markup = text, entities, markup
        message.edit_date = int(time.time())
        return self._message_api(message)

    async def _edit_message_reply_markup(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        chat, message = self._editable(params)
        markup = self._edit_markup(params, chat)
        if markup == message.reply_markup:
            raise bad(_NOT_MODIFIED)
        message.reply_markup = markup
        message.edit_date = int(time.time())
        return self._message_api(message)

    async def _delete_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._chat_for(params)
        message_id = params.get("message_id")
        for message in self.messages_to(chat["id"]):
            if message.message_id == message_id:
                message.deleted = True
                return True
        if self._user_messages.pop((chat["id"], message_id), None) is not None:
            return True
        raise bad("message to delete not found")

    async def _send_chat_action(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        chat = self._chat_for(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        self._check_reachable(chat)
        return True

    async def _set_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad("commands must be a list of at most 100 BotCommand")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands = list(commands)
        return True

    async def _get_file(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise bad("invalid file_id")
        if stored.content is None:
            raise bad("wrong file_id or the file is temporarily unavailable")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }
