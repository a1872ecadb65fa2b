"""The real Telegram channel against the Bot API emulator, and people using it on their phones."""

import socket
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from sqlalchemy import select

from partybot.dialogs.engine import Engine
from partybot.handlers.ratelimit import LocalRateLimiter
from partybot.handlers.telegram import TelegramChannel
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import ChannelAccount
from tests.emulators.telegram import BotMessage, SimUser, TelegramEmulator

MODES = ["polling", "webhook"]


def channel_settings(base: Settings, emu: TelegramEmulator, **overrides: Any) -> Settings:
    """Settings pointing at the emulator; pacing loose enough for quick transcripts."""
    values: dict[str, Any] = {
        "telegram_bot_token": emu.token,
        "telegram_api_base": emu.base_url,
        "telegram_global_rate": 1000.0,
        "telegram_per_chat_rate": 100.0,
        "telegram_per_chat_burst": 10,
        "telegram_retry_backoff": 0.01,
        "telegram_poll_timeout": 5,
        **overrides,
    }
    return base.model_copy(update=values)


def bind(port: int = 0) -> socket.socket:
    """A socket on 127.0.0.1, bound before the webhook URL is needed (port 0: ephemeral)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


class Running:
    """A started channel; in webhook mode also the web server that receives the updates."""

    def __init__(self, channel: TelegramChannel, runner: web.AppRunner | None, port: int) -> None:
        self.channel = channel
        self.runner = runner
        self.port = port

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
        await self.channel.stop()


async def start_channel(
    mode: str, settings: Settings, engine: Engine, port: int = 0, stop_grace: float = 5.0
) -> Running:
    """Start the channel as `partybot run` would; webhook mode serves on `port` (0: any)."""
    limiter = LocalRateLimiter(
        settings.telegram_global_rate,
        settings.telegram_per_chat_rate,
        settings.telegram_per_chat_burst,
    )
    if mode == "polling":
        channel = TelegramChannel(settings, engine, limiter=limiter, stop_grace=stop_grace)
        await channel.start()
        return Running(channel, None, 0)
    sock = bind(port)
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    webhook = settings.model_copy(update={"telegram_webhook_url": url})
    channel = TelegramChannel(webhook, engine, limiter=limiter, stop_grace=stop_grace)
    app = web.Application()
    channel.add_routes(app)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    await channel.start()
    return Running(channel, runner, port)


@asynccontextmanager
async def running(
    mode: str, settings: Settings, engine: Engine, **options: Any
) -> AsyncIterator[TelegramChannel]:
    started = await start_channel(mode, settings, engine, **options)
    try:
        yield started.channel
    finally:
        await started.stop()


async def settle(emu: TelegramEmulator, channel: TelegramChannel) -> None:
    """Until every update was processed and acknowledged, and every reply went out."""
    await emu.wait_drained(timeout=10)
    await channel.adapter.updates.drain(10)
    await channel.adapter.outgoing.drain(10)


class Phone:
    """One person's Telegram app: acts as the user, then reads what the bot answered."""

    def __init__(self, emu: TelegramEmulator, channel: TelegramChannel, user: SimUser) -> None:
        self.emu = emu
        self.channel = channel
        self.user = user
        self.seen = 0
        self.messages: list[BotMessage] = []
        self.updates: list[dict[str, Any]] = []

    async def _do(self, action: Awaitable[dict[str, Any]]) -> list[BotMessage]:
        self.updates.append(await action)
        await settle(self.emu, self.channel)
        return self.read()

    def read(self) -> list[BotMessage]:
        """The messages that arrived since the last look."""
        everything = self.emu.messages_to(self.user.id)
        self.messages = everything[self.seen :]
        self.seen = len(everything)
        return self.messages

    async def says(self, text: str) -> list[BotMessage]:
        return await self._do(self.user.send_text(text))

    async def taps(self, label: str) -> list[BotMessage]:
        """A reply-keyboard button: its label comes back as text (or the contact is shared)."""
        return await self._do(self.user.tap(label))

    async def starts(self, args: str | None = None) -> list[BotMessage]:
        return await self._do(self.user.send_command("/start", args))

    async def shares_contact(self, phone: str, **options: Any) -> list[BotMessage]:
        """Own contact by default; `user_id=` someone else's, `user_id=None` one typed in."""
        return await self._do(self.user.share_contact(phone, **options))

    async def presses(self, data: str, **options: Any) -> list[BotMessage]:
        return await self._do(self.user.press(data, **options))

    async def does(self, action: Awaitable[dict[str, Any]]) -> list[BotMessage]:
        """Anything else the simulated user can do (a sticker, an edit…)."""
        return await self._do(action)

    @property
    def text(self) -> str:
        return "\n".join(m.text or m.caption or "" for m in self.messages)

    @property
    def last(self) -> BotMessage:
        return self.messages[-1]

    @property
    def question(self) -> str:
        """The last paragraph of the last message: what the bot asks now."""
        return (self.last.text or "").rsplit("\n\n", 1)[-1]

    @property
    def keyboard(self) -> list[list[str]]:
        """The reply keyboard now on screen."""
        for message in reversed(self.emu.messages_to(self.user.id)):
            if message.reply_markup and "keyboard" in message.reply_markup:
                return message.buttons
        return []


async def account(db: Database, user_id: int) -> ChannelAccount:
    async with db.transaction() as session:
        found = await session.scalar(
            select(ChannelAccount).where(
                ChannelAccount.channel == "telegram", ChannelAccount.external_id == str(user_id)
            )
        )
    assert found is not None
    return found
