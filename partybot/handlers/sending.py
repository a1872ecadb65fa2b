"""What every channel sender promises, so adapters and the outbox worker share one sending path.

A sender renders neutral replies its channel's way and delivers them, waiting on the shared rate
limiter first. Failures come back as one of four errors, which tell the caller what to do next.
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from partybot.dialogs.model import Reply
from partybot.storage.models import StoredFile


class DeliveryError(Exception):
    """Base of the errors a sender raises; never carries a token or secret in its message."""


class RetryLater(DeliveryError):
    """The channel asked us to slow down (HTTP 429): wait `seconds`, then try again."""

    def __init__(self, seconds: float, message: str = "") -> None:
        super().__init__(message or f"retry after {seconds} s")
        self.seconds = seconds


class Transient(DeliveryError):
    """Network trouble or a 5xx: try again later with backoff."""


class Unreachable(DeliveryError):
    """The person blocked the bot or cannot be reached on this channel: stop using it."""


class Rejected(DeliveryError):
    """The channel refused the message itself (HTTP 400): retrying will not help."""


FileLoader = Callable[[str], Awaitable[StoredFile | None]]


class Sender(Protocol):
    channel: str

    async def send(self, external_id: str, replies: Sequence[Reply]) -> None:
        """Deliver the replies in order to one person on this channel."""
        ...
