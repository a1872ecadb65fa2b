"""Work for one chat runs in arrival order; work for different chats runs concurrently."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


class ChatQueues:
    """A chain of tasks per chat key: each task starts when the previous one of its chat ended.

    The order is fixed at `submit` time, before any await, so it is the order updates arrived
    in, whatever the event loop does next. A chain that runs dry leaves nothing behind. Callers
    own the outcome of the tasks they submit (await them, or catch inside the work).
    """

    def __init__(self) -> None:
        self._tails: dict[str, asyncio.Task[Any]] = {}
        self._running: set[asyncio.Task[Any]] = set()

    def submit(self, chat_key: str, work: Callable[[], Awaitable[T]]) -> asyncio.Task[T]:
        task = asyncio.create_task(self._after(self._tails.get(chat_key), work))
        self._tails[chat_key] = task
        self._running.add(task)
        task.add_done_callback(lambda done: self._forget(chat_key, done))
        return task

    @staticmethod
    async def _after(previous: asyncio.Task[Any] | None, work: Callable[[], Awaitable[T]]) -> T:
        if previous is not None:
            await asyncio.wait([previous])  # its failure is its own; the chat goes on
        return await work()

    def _forget(self, chat_key: str, done: asyncio.Task[Any]) -> None:
        self._running.discard(done)
        if self._tails.get(chat_key) is done:
            del self._tails[chat_key]

    async def drain(self, timeout: float) -> bool:  # noqa: ASYNC109 - a grace period, by design
        """Wait for everything submitted so far; False if some work was still running."""
        if not self._running:
            return True
        _done, pending = await asyncio.wait(set(self._running), timeout=timeout)
        return not pending

    async def cancel(self) -> None:
        """Abandon whatever is still queued or running (a stop after the grace period)."""
        tasks = set(self._running)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
