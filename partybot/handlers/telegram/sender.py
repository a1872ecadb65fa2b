"""The one Telegram sender, used for immediate replies and by the outbox worker alike.

Every call waits for its slot on the shared rate limiter. A 429 penalises the chat on the
limiter and is retried while the wait is short (longer waits go back to the caller as
RetryLater); network trouble and 5xx are retried a few times with backoff, then reported as
Transient; a blocked bot is Unreachable; a message Telegram refuses is Rejected.
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from aiogram import Bot
from aiogram.client.session.base import Response
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import Message, Update, User

from partybot.dialogs.model import Reply
from partybot.handlers.ratelimit import RateLimiter
from partybot.handlers.sending import FileLoader, Rejected, RetryLater, Transient, Unreachable
from partybot.handlers.telegram.render import Outgoing, joined, render
from partybot.handlers.telegram.unread import call_unread

CHANNEL = "telegram"

log = logging.getLogger(__name__)

# aiogram reads every answer through Response[T], a pydantic generic model that pydantic caches
# only weakly: after a garbage collection it is built again, a 4-5 ms stall of the event loop
# every few dozen sends. Holding the ones this bot receives keeps them built once.
_RESPONSES = (Response[Message], Response[list[Update]], Response[bool], Response[User])

# Bad Requests that mean the person is gone, not that the message is wrong.
_GONE = ("chat not found", "user is deactivated", "peer_id_invalid", "user not found")


@dataclass(frozen=True)
class RetryPolicy:
    """How long a send may wait in place before the caller is told to come back later."""

    max_retry_wait: float = 30.0  # longest 429 retry_after waited out here, in seconds
    attempts: int = 3  # tries for network trouble and 5xx
    backoff: float = 0.5  # first pause between those tries, doubled each time
    max_flood_retries: int = 5  # 429s in a row on one message before giving up


class TelegramSender:
    """Implements `handlers.sending.Sender` for Telegram; `external_id` is the chat id."""

    channel = CHANNEL

    def __init__(
        self,
        bot: Bot,
        limiter: RateLimiter,
        load_file: FileLoader,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.bot = bot
        self.limiter = limiter
        self.load_file = load_file
        self.policy = policy or RetryPolicy()

    async def send(self, external_id: str, replies: Sequence[Reply]) -> None:
        try:
            chat_id = int(external_id)
        except ValueError:
            raise Rejected(f"not a Telegram chat id: {external_id!r}") from None
        for reply in joined(replies):
            for call in await render(chat_id, reply, self.load_file):
                await self.call(external_id, call)

    async def call(self, chat_key: str, method: Outgoing) -> None:
        """One Bot API send, paced and retried as the policy says; raises a DeliveryError."""
        policy = self.policy
        failures = floods = 0
        while True:
            await self.limiter.acquire(chat_key)
            try:
                await call_unread(self.bot, method)
                return
            except TelegramRetryAfter as flood:
                floods += 1
                await self.limiter.penalize(flood.retry_after, chat_key)
                if flood.retry_after > policy.max_retry_wait or floods > policy.max_flood_retries:
                    raise RetryLater(flood.retry_after) from None
                log.info("429 for chat %s: waiting %s s", chat_key, flood.retry_after)
            except TelegramEntityTooLarge as too_big:
                raise Rejected(_describe(too_big)) from None
            except _TRANSIENT as trouble:
                failures += 1
                if failures >= policy.attempts:
                    raise Transient(_describe(trouble)) from None
                await asyncio.sleep(policy.backoff * 2 ** (failures - 1))
            except TelegramAPIError as refused:
                raise _classify(refused) from None


_TRANSIENT = (
    TelegramNetworkError,
    TelegramServerError,
    TelegramUnauthorizedError,  # the token is misconfigured; the message itself is fine
    ClientDecodeError,  # a proxy's HTML error page instead of the API's JSON
    TimeoutError,
)


def _describe(error: BaseException) -> str:
    """A message without the request URL (it carries the bot token)."""
    detail = getattr(error, "message", "") or type(error).__name__
    return f"{type(error).__name__}: {detail}"[:300]


def _classify(error: TelegramAPIError) -> Exception:
    if isinstance(error, TelegramForbiddenError):
        return Unreachable(_describe(error))
    if isinstance(error, TelegramBadRequest | TelegramNotFound) and any(
        marker in error.message.lower() for marker in _GONE
    ):
        return Unreachable(_describe(error))
    if isinstance(error, TelegramMigrateToChat | TelegramBadRequest | TelegramNotFound):
        return Rejected(_describe(error))
    return Transient(_describe(error))
