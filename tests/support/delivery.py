"""Pieces for outbox tests: linked accounts, a moving clock, the Telegram sender, a Zalo one."""

import asyncio
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from partybot.dialogs.model import Reply
from partybot.handlers.ratelimit import LocalRateLimiter, RateLimiter
from partybot.handlers.sending import Rejected, RetryLater, Transient, Unreachable
from partybot.handlers.telegram import RetryPolicy, TelegramSender
from partybot.handlers.zalo.client import (
    ZaloApiError,
    ZaloBadRequest,
    ZaloBotClient,
    ZaloForbidden,
    ZaloQuotaExceeded,
)
from partybot.storage.db import Database
from partybot.storage.models import ChannelAccount, OutboxMessage, StoredFile
from tests.emulators.telegram import TelegramEmulator

DAYTIME = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội


class MovingClock:
    """Real time passing from a chosen start, for tests where the worker backs off for real.

    `advance` jumps ahead (past a lease, into quiet hours) without sleeping.
    """

    def __init__(self, start: datetime = DAYTIME) -> None:
        self.start = start
        self.origin = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.origin)

    def advance(self, **delta: float) -> datetime:
        self.start += timedelta(**delta)
        return self()


async def link(db: Database, member_id: int, channel: str, external_id: str, seen: datetime) -> int:
    """A verified account of the member on a channel, last used at `seen`."""
    async with db.transaction() as session:
        account = ChannelAccount(
            channel=channel,
            external_id=external_id,
            member_id=member_id,
            verified_by="test",
            verified_at=seen,
            last_seen_at=seen,
            created_at=seen,
        )
        session.add(account)
        await session.flush()
        return account.id


async def rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        found = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return list(found.all())


class ZaloTestSender:
    """A minimal sender over the real Zalo client, to give members a second channel."""

    channel = "zalo"

    def __init__(self, client: ZaloBotClient) -> None:
        self.client = client

    async def send(self, external_id: str, replies: Sequence[Reply]) -> None:
        for reply in replies:
            try:
                await self.client.send_message(external_id, reply.text)
            except ZaloForbidden as gone:
                raise Unreachable(str(gone)) from None
            except ZaloQuotaExceeded:
                raise RetryLater(1.0) from None
            except ZaloBadRequest as bad:
                raise Rejected(str(bad)) from None
            except ZaloApiError as trouble:
                raise Transient(str(trouble)) from None


async def no_files(_token: str) -> StoredFile | None:
    return None


@asynccontextmanager
async def telegram_sender(
    emu: TelegramEmulator,
    limiter: RateLimiter | None = None,
    policy: RetryPolicy | None = None,
) -> AsyncIterator[TelegramSender]:
    """The real TelegramSender against the emulator, paced loosely unless told otherwise.

    The default policy hands every failure straight back (one try, a 429 longer than 0.5 s goes
    back as RetryLater), so that the worker's own handling is what a test sees.
    """
    bot = emu.make_bot()
    pace = limiter or LocalRateLimiter(250, 50, 5)
    chosen = policy or RetryPolicy(max_retry_wait=0.5, attempts=1, backoff=0.01)
    try:
        yield TelegramSender(bot, pace, no_files, chosen)
    finally:
        await pace.close()
        await bot.session.close()


async def until(
    condition: Callable[[], bool | Awaitable[bool]], within: float = 10.0, step: float = 0.01
) -> None:
    """Wait until `condition()` holds (checked every `step` seconds), or fail after `within`."""
    for _ in range(int(within / step)):
        result = condition()
        if await result if inspect.isawaitable(result) else result:
            return
        await asyncio.sleep(step)
    raise TimeoutError(f"condition not met within {within} s")
