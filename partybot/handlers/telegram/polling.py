"""Long polling that acknowledges an update only after it was processed.

getUpdates confirms everything below the `offset` it is called with. aiogram's own polling
moves the offset on while handlers still run, so a crash loses those updates; here a batch is
processed (concurrently across chats, in order within a chat) before the next call confirms it.
A crash therefore means redelivery, and `processed_updates` makes redelivery harmless.
"""

import asyncio
import logging

from aiogram.exceptions import ClientDecodeError, TelegramAPIError
from aiogram.methods import GetUpdates
from aiogram.types import Update

from partybot.handlers.telegram.adapter import TelegramAdapter

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0


class Poller:
    """Runs `getUpdates` in a loop until `stop` is called."""

    def __init__(self, adapter: TelegramAdapter, timeout: int, backoff: float = 1.0) -> None:
        self.adapter = adapter
        self.bot = adapter.bot
        self.timeout = timeout
        self.backoff = backoff
        self.offset: int | None = None
        self._fetching: asyncio.Task[list[Update]] | None = None
        self._stopping = False
        self._webhook_cleared = False

    async def run(self) -> None:
        request = GetUpdates(timeout=self.timeout, allowed_updates=self.adapter.update_types)
        delay = self.backoff
        while not self._stopping:
            self._fetching = asyncio.create_task(self._fetch(request))
            try:
                updates = await self._fetching
            except asyncio.CancelledError:
                if self._stopping:
                    return
                raise
            except (TelegramAPIError, ClientDecodeError, TimeoutError) as trouble:
                log.warning("getUpdates failed (%s); retrying in %.1f s", trouble, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)
                continue
            finally:
                self._fetching = None
            delay = self.backoff
            if updates:
                await self._process(updates)
                self.offset = updates[-1].update_id + 1

    async def _fetch(self, request: GetUpdates) -> list[Update]:
        if not self._webhook_cleared:
            await self.bot.delete_webhook(drop_pending_updates=False)  # it would block polling
            self._webhook_cleared = True
        request.offset = self.offset
        return await self.bot(request, request_timeout=self.timeout + 15)

    async def _process(self, updates: list[Update]) -> None:
        outcomes = await asyncio.gather(
            *(self.adapter.submit(update) for update in updates), return_exceptions=True
        )
        for update, outcome in zip(updates, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                log.error("update %s failed", update.update_id, exc_info=outcome)

    def stop(self) -> None:
        """Stop asking for updates; a batch being processed is left to finish."""
        self._stopping = True
        if self._fetching is not None:
            self._fetching.cancel()
