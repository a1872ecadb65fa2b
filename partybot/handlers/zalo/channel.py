"""The Zalo channel: updates in by webhook (normal) or polling (development), text-only replies.

Zalo has no buttons: choices go out as a numbered list, messages are cut under 2000 characters
at line breaks, images are sent by URL from our web server, documents as a link. An update is
processed before the webhook is acknowledged, so a crash lets Zalo deliver it again; duplicates
are recognised by event and message id. Calls for one chat are processed in the order they
arrived, as on Telegram; different chats go concurrently.
"""

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from partybot.dialogs.engine import Engine
from partybot.dialogs.model import Attachment, Inbound, InboundKind, Reply
from partybot.handlers import plaintext
from partybot.handlers.files_web import file_url
from partybot.handlers.ordering import ChatQueues
from partybot.handlers.ratelimit import RateLimiter
from partybot.handlers.sending import Rejected, RetryLater, Transient, Unreachable
from partybot.handlers.zalo.client import (
    MAX_TEXT_LEN,
    ZaloApiError,
    ZaloBadRequest,
    ZaloBotClient,
    ZaloForbidden,
    ZaloQuotaExceeded,
    ZaloServerError,
)
from partybot.handlers.zalo.updates import SECRET_HEADER, ZaloUpdate, dedup_key, parse_update

log = logging.getLogger(__name__)

CHANNEL = "zalo"
WEBHOOK_PATH = "/zalo/webhook"
QUOTA_PAUSE = 60.0  # Zalo publishes no retry-after; back off a minute on "quota exceeded"
DOCUMENT_LINK = "📄 {name}: {url}"


def to_inbound(update: ZaloUpdate) -> Inbound | None:
    """The neutral form of a Zalo update; None for what the bot does not answer (groups)."""
    if update.chat_type != "PRIVATE":
        return None
    kind = InboundKind.TEXT if update.kind == "text" else InboundKind.UNSUPPORTED
    return Inbound(
        CHANNEL,
        update.chat_id,
        kind=kind,
        text=(update.text or "") if kind == InboundKind.TEXT else "",
        update_key=dedup_key(update),
        display_name=update.display_name or None,
    )


class ZaloSender:
    channel = CHANNEL

    def __init__(
        self, client: ZaloBotClient, limiter: RateLimiter, public_base_url: str | None
    ) -> None:
        self.client = client
        self.limiter = limiter
        self.public_base_url = public_base_url

    async def send(self, external_id: str, replies: Sequence[Reply]) -> None:
        for reply in replies:
            for piece in plaintext.split(plaintext.as_text(reply), MAX_TEXT_LEN):
                await self._call(external_id, self.client.send_message, piece)
            for attachment in reply.attachments:
                await self._attachment(external_id, attachment)

    async def _attachment(self, external_id: str, attachment: Attachment) -> None:
        if not self.public_base_url:
            raise Rejected("PUBLIC_BASE_URL is needed to send files on Zalo")
        url = file_url(self.public_base_url, attachment.file_token)
        if attachment.is_image:
            await self._call(external_id, self.client.send_photo, url)
        else:
            text = DOCUMENT_LINK.format(name=attachment.filename, url=url)
            await self._call(external_id, self.client.send_message, text)

    async def _call(
        self, external_id: str, method: Callable[[str, str], Awaitable[str]], content: str
    ) -> None:
        await self.limiter.acquire(external_id)
        try:
            await method(external_id, content)
        except ZaloQuotaExceeded as problem:
            await self.limiter.penalize(QUOTA_PAUSE)
            raise RetryLater(QUOTA_PAUSE, str(problem)) from None
        except ZaloForbidden as problem:
            raise Unreachable(str(problem)) from None
        except ZaloBadRequest as problem:
            raise Rejected(str(problem)) from None
        except ZaloServerError as problem:
            raise Transient(str(problem)) from None
        except ZaloApiError as problem:  # 401 and the like: a configuration problem, not the user's
            raise Transient(str(problem)) from None


class ZaloChannel:
    name = CHANNEL

    def __init__(
        self,
        engine: Engine,
        client: ZaloBotClient,
        sender: ZaloSender,
        webhook_secret: str | None,
        public_base_url: str | None,
        poll_timeout: int = 30,
    ) -> None:
        self.engine = engine
        self.client = client
        self.sender = sender
        self.webhook_secret = webhook_secret
        self.public_base_url = public_base_url
        self.poll_timeout = poll_timeout
        self._polling: asyncio.Task[None] | None = None
        self.chats = ChatQueues()  # webhook calls of one chat, processed in arrival order

    @property
    def uses_webhook(self) -> bool:
        return bool(self.webhook_secret and self.public_base_url)

    def add_routes(self, web_app: web.Application) -> None:
        if self.uses_webhook:
            web_app.router.add_post(WEBHOOK_PATH, self.webhook)

    async def start(self) -> None:
        if self.uses_webhook:
            assert self.public_base_url and self.webhook_secret
            url = self.public_base_url.rstrip("/") + WEBHOOK_PATH
            await self.client.set_webhook(url, self.webhook_secret)
        else:
            await self.client.delete_webhook()
            self._polling = asyncio.create_task(self.poll(), name="zalo-polling")

    async def stop(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
        await self.client.close()

    async def webhook(self, request: web.Request) -> web.Response:
        expected = self.webhook_secret or ""
        given = request.headers.get(SECRET_HEADER, "")
        if not expected or not secrets.compare_digest(given.encode(), expected.encode()):
            log.warning("zalo webhook call with a wrong secret from %s", request.remote)
            return web.json_response({"ok": False}, status=401)
        try:
            payload = await request.json()
            update = parse_update(payload)
        except (ValueError, TypeError):
            log.warning("zalo webhook: malformed body ignored")
            return web.json_response({"ok": True})
        await self.chats.submit(update.chat_id, lambda: self.process(update))
        return web.json_response({"ok": True})

    async def poll(self) -> None:
        delay = 1.0
        while True:
            try:
                update = await self.client.get_update(self.poll_timeout)
                delay = 1.0
            except ZaloApiError as problem:
                log.warning("zalo polling: %s; retrying in %.0f s", problem, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)
                continue
            if update is not None:
                await self.process(update)

    async def process(self, update: ZaloUpdate) -> None:
        inbound = to_inbound(update)
        if inbound is None:
            return
        replies = await self.engine.handle(inbound)
        try:
            await self.sender.send(update.chat_id, replies)
        except Exception:  # the state is saved; the member sees the question again next time
            log.exception("zalo: could not deliver the reply to %s", update.chat_id)
