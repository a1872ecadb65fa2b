"""Messages from many chats that arrive together are committed together.

A crowd's updates come in bunches: a getUpdates answer holds up to a hundred, webhooks arrive
side by side. Each in a transaction of its own pays for beginning, committing and closing one,
which costs more than most turns' statements. Here a caller queues its message, and whoever gets
a database slot takes everything queued so far (up to `limit`, oldest first) into one
`Engine.handle_many`. A message at a quiet moment still goes alone and at once; in a rush the
crowd shares commits, and each caller gets back its own message's replies.
"""

import asyncio
from collections import deque
from dataclasses import dataclass, field

from partybot.dialogs.engine import Engine
from partybot.dialogs.model import Inbound, Reply

GROUP_LIMIT = 32  # messages in one transaction at most: its replies wait for all of them


@dataclass(eq=False)
class _Queued:
    inbound: Inbound
    replies: "asyncio.Future[list[Reply]]" = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    taken: bool = False  # in a group being handled (by this caller or another)


class GroupCommit:
    """`Engine.handle`, shared out over transactions that several chats' messages fill."""

    def __init__(self, engine: Engine, slots: asyncio.Semaphore, limit: int = GROUP_LIMIT) -> None:
        self.engine = engine
        self.slots = slots  # transactions at once, shared with the caller's other database work
        self.limit = limit
        self._queued: deque[_Queued] = deque()

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """The replies to this message, once it (and whatever went with it) is committed."""
        queued = _Queued(inbound)
        self._queued.append(queued)
        try:
            await asyncio.sleep(0)  # the rest of a bunch being handed over queues up meanwhile
            async with self.slots:
                while not queued.taken:
                    await self._commit_group()
            return await queued.replies
        except BaseException:
            if not queued.taken:
                self._queued.remove(queued)  # nobody would deliver its replies
            raise

    async def _commit_group(self) -> None:
        group = [self._queued.popleft() for _ in range(min(self.limit, len(self._queued)))]
        for queued in group:
            queued.taken = True
        try:
            results = await self.engine.handle_many([queued.inbound for queued in group])
        except BaseException:  # cancelled: nothing of it kept; the others' callers go on
            for queued in group:
                queued.taken = False
            self._queued.extendleft(reversed(group))
            raise
        for queued, replies in zip(group, results, strict=True):
            if not queued.replies.done():
                queued.replies.set_result(replies)
