"""The Telegram channel as `partybot run` sees it: a sender, webhook routes, start and stop.

Long polling by default; a webhook when TELEGRAM_WEBHOOK_URL is set (the route is the URL's
path on the shared web server). TELEGRAM_API_BASE points the bot at any Bot API compatible
server. One rate limiter and one sender per process serve replies and the outbox worker.
"""

import asyncio
import logging
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from partybot.dialogs.engine import Clock, Engine
from partybot.handlers.ratelimit import RateLimiter, make_rate_limiter
from partybot.handlers.sending import FileLoader
from partybot.handlers.telegram.adapter import TelegramAdapter
from partybot.handlers.telegram.polling import Poller
from partybot.handlers.telegram.sender import CHANNEL, RetryPolicy, TelegramSender
from partybot.handlers.telegram.webhook import DEFAULT_PATH, WebhookEndpoint, derived_secret
from partybot.services import files
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import StoredFile

log = logging.getLogger(__name__)


def file_loader(db: Database, clock: Clock) -> FileLoader:
    """Files (QR codes, PDFs) as the sender needs them: by token, while they are kept."""

    async def load(token: str) -> StoredFile | None:
        async with db.transaction() as session:
            return await files.by_token(session, token, clock())

    return load


def make_bot(settings: Settings) -> Bot:
    """A Bot for the configured token, talking to TELEGRAM_API_BASE."""
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    server = TelegramAPIServer.from_base(settings.telegram_api_base.rstrip("/"))
    return Bot(settings.telegram_bot_token, session=AiohttpSession(api=server))


def make_limiter(settings: Settings, bot_id: int) -> RateLimiter:
    """Per-process, or shared through Redis by every worker of this bot when REDIS_URL is set."""
    return make_rate_limiter(
        settings.redis_url,
        f"telegram:{bot_id}",
        settings.telegram_global_rate,
        settings.telegram_per_chat_rate,
        settings.telegram_per_chat_burst,
    )


class TelegramChannel:
    """Implements `bot.channels.Channel`; tests start and stop it directly."""

    name = CHANNEL

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        limiter: RateLimiter | None = None,
        stop_grace: float = 10.0,
    ) -> None:
        self.settings = settings
        self.bot = make_bot(settings)
        self.limiter = limiter or make_limiter(settings, self.bot.id)
        policy = RetryPolicy(
            max_retry_wait=settings.telegram_max_retry_wait,
            attempts=settings.telegram_send_attempts,
            backoff=settings.telegram_retry_backoff,
        )
        loader = file_loader(engine.db, engine.clock)
        self.sender = TelegramSender(self.bot, self.limiter, loader, policy)
        self.adapter = TelegramAdapter(engine, self.sender)
        self.webhook_url = settings.telegram_webhook_url
        self.stop_grace = stop_grace
        self._routes_added = False
        self._poller: Poller | None = None
        self._polling: asyncio.Task[None] | None = None

    @property
    def webhook_path(self) -> str:
        return urlsplit(self.webhook_url or "").path or DEFAULT_PATH

    @property
    def webhook_secret(self) -> str:
        token = self.settings.telegram_bot_token or ""
        return self.settings.telegram_webhook_secret or derived_secret(token)

    def add_routes(self, web_app: web.Application) -> None:
        if not self.webhook_url:
            return
        endpoint = WebhookEndpoint(self.adapter, self.webhook_secret)
        web_app.router.add_post(self.webhook_path, endpoint.handle)
        self._routes_added = True

    async def start(self) -> None:
        if self.webhook_url:
            if not self._routes_added:
                raise RuntimeError("webhook mode: call add_routes(web_app) before start()")
            await self.bot.set_webhook(
                self.webhook_url,
                secret_token=self.webhook_secret,
                allowed_updates=self.adapter.update_types,
            )
            log.info("telegram webhook set at %s", self.webhook_path)
            return
        self._poller = Poller(self.adapter, self.settings.telegram_poll_timeout)
        self._polling = asyncio.create_task(self._poller.run())
        self._polling.add_done_callback(_report_crash)
        log.info("telegram long polling started")

    async def stop(self) -> None:
        """Finish what was received (within the grace period), deliver its replies, close.

        Stop the web server before, and the outbox worker that shares the sender before too.
        """
        if self._poller is not None and self._polling is not None:
            self._poller.stop()
            done, _ = await asyncio.wait([self._polling], timeout=self.stop_grace)
            if not done:
                self._polling.cancel()  # unacknowledged updates come back on the next start
            await asyncio.gather(self._polling, return_exceptions=True)
            self._poller = self._polling = None
        for queues in (self.adapter.updates, self.adapter.outgoing):
            if not await queues.drain(self.stop_grace):
                await queues.cancel()
        await self.limiter.close()
        await self.bot.session.close()


def _report_crash(task: "asyncio.Task[None]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("telegram polling stopped", exc_info=task.exception())
