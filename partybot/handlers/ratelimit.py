"""Pacing of outbound sends, shared by every channel sender and the outbox worker.

Telegram answers 429 when one bot sends more than about 30 messages per second overall or
more than about one per second to one chat, and Zalo throttles without publishing numbers.
A sender calls ``await limiter.acquire(chat_key)`` right before each send and
``await limiter.penalize(retry_after, ...)`` when the channel still answers 429.

Both limits are GCRA schedules (a virtual "theoretical arrival time" per key): every send gets
the next free slot, so waiters are served in arrival order and sleep exactly until their slot,
never polling. The pace is kept ``headroom`` below the configured limits because the channel
measures arrival times, which jitter by a few milliseconds after our clock said "go"; and a
waiter that wakes late (a busy event loop, a descheduled process) does not send late into
someone else's slot but moves the schedule back, so stalls cost throughput, never a 429.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError

DEFAULT_HEADROOM = 0.04
"""Fraction of each limit left unused: about 40 ms of arrival jitter per second of sending."""

LATE_TOLERANCE = 0.010
"""Seconds a send may start after its slot; a later waker reschedules instead of crowding."""

_RESUBSCRIBE_DELAY = 0.5
"""Pause before listening again for penalties after the Redis connection failed."""

_FORGET_SCAN = 4
"""Chat states inspected for eviction per acquire; more than the one each acquire can add."""


class RateLimiter(Protocol):
    """What a sender needs: wait for a slot, back off after a 429, release resources."""

    async def acquire(self, chat_key: str) -> None:
        """Wait until one send to ``chat_key`` fits both the global and the per-chat limit."""
        ...

    async def penalize(self, seconds: float, chat_key: str | None = None) -> None:
        """Hold back every send (or only those to ``chat_key``) for ``seconds`` from now."""
        ...

    async def close(self) -> None:
        """Release connections; the limiter must not be used afterwards."""
        ...


@dataclass(frozen=True)
class _Pace:
    """Limits turned into GCRA parameters, in seconds."""

    global_interval: float
    chat_interval: float
    chat_tolerance: float

    @classmethod
    def of(
        cls, global_rate: float, per_chat_rate: float, per_chat_burst: int, headroom: float
    ) -> _Pace:
        if global_rate <= 0 or per_chat_rate <= 0:
            raise ValueError("rates must be positive")
        if per_chat_burst < 1:
            raise ValueError("per_chat_burst must be at least 1")
        if not 0 <= headroom < 1:
            raise ValueError("headroom must be in [0, 1)")
        chat_interval = 1 / (per_chat_rate * (1 - headroom))
        return cls(
            global_interval=1 / (global_rate * (1 - headroom)),
            chat_interval=chat_interval,
            chat_tolerance=(per_chat_burst - 1) * chat_interval,
        )


@dataclass
class _ChatState:
    """Per-chat schedule; ``lock`` keeps one acquirer per chat in flight, in FIFO order."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    tat: float = -math.inf
    blocked_until: float = -math.inf
    epoch: int = 0
    users: int = 0

    def idle(self, now: float) -> bool:
        return self.users == 0 and self.tat <= now and self.blocked_until <= now


class LocalRateLimiter:
    """In-process limiter for a single sending process.

    A chat's state is forgotten once its schedule lies in the past (a fresh state behaves the
    same), so memory follows the number of recently active chats, not all chats ever seen.
    """

    def __init__(
        self,
        global_rate: float,
        per_chat_rate: float,
        per_chat_burst: int = 1,
        *,
        headroom: float = DEFAULT_HEADROOM,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pace = _Pace.of(global_rate, per_chat_rate, per_chat_burst, headroom)
        self._clock = clock
        self._global_tat = -math.inf
        self._global_epoch = 0
        self._global_shift = 0.0
        self._chats: OrderedDict[str, _ChatState] = OrderedDict()
        self._closed = False

    @property
    def tracked_chats(self) -> int:
        """Chats whose state is currently kept (for memory checks)."""
        return len(self._chats)

    async def acquire(self, chat_key: str) -> None:
        if self._closed:
            raise RuntimeError("rate limiter is closed")
        chat = self._chat(chat_key)
        chat.users += 1
        try:
            async with chat.lock:
                while True:
                    epoch = chat.epoch
                    await self._sleep_until(
                        max(chat.tat - self._pace.chat_tolerance, chat.blocked_until)
                    )
                    await self._global_slot()
                    if chat.epoch == epoch:
                        chat.tat = max(chat.tat, self._clock()) + self._pace.chat_interval
                        return
        finally:
            chat.users -= 1
            self._forget_idle()

    async def penalize(self, seconds: float, chat_key: str | None = None) -> None:
        now = self._clock()
        if chat_key is None:
            # Slots already handed out are void: their holders wake, see the new epoch and
            # queue again behind the pause, in the order of their old slots.
            self._global_tat = now + max(seconds, self._pace.global_interval)
            self._global_epoch += 1
            return
        chat = self._chat(chat_key)
        chat.blocked_until = max(chat.blocked_until, now + seconds)
        chat.epoch += 1

    async def close(self) -> None:
        """Nothing to release in-process; later acquires fail loudly instead of pacing."""
        self._closed = True

    def _chat(self, chat_key: str) -> _ChatState:
        chat = self._chats.get(chat_key)
        if chat is None:
            chat = self._chats[chat_key] = _ChatState()
        else:
            self._chats.move_to_end(chat_key)
        return chat

    async def _global_slot(self) -> None:
        """Take the next global slot and sleep until it; queue again if a penalty voided it.

        A waiter that wakes late (a stalled loop or process) would crowd the slots after it,
        so it pushes the whole schedule back by its lateness beyond ``LATE_TOLERANCE``:
        ``_global_shift`` grows and every slot handed out earlier is due that much later.
        """
        while True:
            epoch, shift = self._global_epoch, self._global_shift
            slot = max(self._clock(), self._global_tat)
            self._global_tat = slot + self._pace.global_interval
            while epoch == self._global_epoch:
                due = slot + self._global_shift - shift
                now = self._clock()
                if now < due:
                    await self._sleep_until(due)
                    continue
                excess = now - due - LATE_TOLERANCE
                if excess > 0:
                    self._global_shift += excess
                    self._global_tat += excess
                return

    async def _sleep_until(self, moment: float) -> None:
        # The event loop never wakes a timer early (epoll rounds its timeout up), so one
        # sleep is exact enough.
        delay = moment - self._clock()
        if delay > 0:
            await asyncio.sleep(delay)

    def _forget_idle(self) -> None:
        now = self._clock()
        for _ in range(min(_FORGET_SCAN, len(self._chats))):
            key, chat = next(iter(self._chats.items()))
            if chat.idle(now):
                del self._chats[key]
            else:
                self._chats.move_to_end(key)


# GCRA over Redis. Times are integer microseconds from the Redis clock, so every process
# shares one time base. A caller that is not allowed yet gets the moment it may try again and
# reserves nothing; one that is gets the next global slot (possibly in the future) and the chat
# is charged for that slot. Returns {reserved, now, moment, global epoch, chat epoch}.
# ARGV[4] = 1 means the caller's chat charge survives from an earlier reservation
# that a penalty voided: only the chat's block is checked, and the charge moves to the new slot.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local g_int, c_int, c_tol = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local held = ARGV[4] == '1'
local g = redis.call('HMGET', KEYS[1], 'tat', 'epoch')
local c = redis.call('HMGET', KEYS[2], 'tat', 'block', 'epoch')
local g_tat, g_epoch = tonumber(g[1] or 0), tonumber(g[2] or 0)
local c_tat, c_block, c_epoch = tonumber(c[1] or 0), tonumber(c[2] or 0), tonumber(c[3] or 0)
local ready = c_block
if not held then ready = math.max(ready, c_tat - c_tol) end
if ready > now then return {0, now, ready, g_epoch, c_epoch} end
local slot = math.max(now, g_tat)
redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', slot + g_int))
if held then c_tat = math.max(c_tat, slot + c_int) else c_tat = math.max(c_tat, slot) + c_int end
redis.call('HSET', KEYS[2], 'tat', string.format('%.0f', c_tat))
redis.call('PEXPIRE', KEYS[2], math.ceil((math.max(c_tat, c_block) - now) / 1000) + 1000)
return {1, now, slot, g_epoch, c_epoch}
"""

# ARGV[1] = pause in microseconds, ARGV[2] = global interval, ARGV[3] = channel told of every
# penalty. Empty KEYS[2] = global penalty.
_PENALIZE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pause = tonumber(ARGV[1])
if KEYS[2] == nil then
  local until_ = now + math.max(pause, tonumber(ARGV[2]))
  redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', until_))
  redis.call('HINCRBY', KEYS[1], 'epoch', 1)
  redis.call('PUBLISH', ARGV[3], 'global')
  return 1
end
local block = math.max(tonumber(redis.call('HGET', KEYS[2], 'block') or 0), now + pause)
local tat = tonumber(redis.call('HGET', KEYS[2], 'tat') or 0)
redis.call('HSET', KEYS[2], 'block', string.format('%.0f', block))
redis.call('HINCRBY', KEYS[2], 'epoch', 1)
redis.call('PEXPIRE', KEYS[2], math.ceil((math.max(tat, block) - now) / 1000) + 1000)
redis.call('PUBLISH', ARGV[3], 'chat')
return 1
"""


def _micros(seconds: float) -> int:
    return math.ceil(seconds * 1_000_000)


class _ClockMap:
    """Maps Redis clock readings onto the local monotonic clock.

    Sleeping "slot - now" from when a reply is read would start late whenever the reply sat
    in a busy event loop, and a late send crowds the next one. Instead each reply bounds the
    offset between the clocks from above (the reading happened before we got it), and the
    smallest bound of the last few seconds is used: off by one quick round trip at most,
    while a step of either clock is forgotten after ``WINDOW`` seconds.
    """

    WINDOW = 10.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._samples: deque[tuple[float, float]] = deque()  # (received, bound), bound rising

    def observe(self, redis_micros: int) -> None:
        received = self._clock()
        bound = received - redis_micros / 1_000_000
        while self._samples and self._samples[-1][1] >= bound:
            self._samples.pop()
        self._samples.append((received, bound))
        while self._samples[0][0] < received - self.WINDOW:
            self._samples.popleft()

    def local(self, redis_micros: int) -> float:
        return redis_micros / 1_000_000 + self._samples[0][1]

    def lateness(self, redis_micros: int) -> float:
        """Seconds since that Redis moment (negative if still ahead)."""
        return self._clock() - self.local(redis_micros)

    async def sleep_until(self, redis_micros: int) -> bool:
        """Sleep until that Redis moment; False if it had already passed."""
        delay = self.local(redis_micros) - self._clock()
        if delay <= 0:
            return False
        await asyncio.sleep(delay)
        return True


class RedisRateLimiter:
    """Limiter shared by every process that uses the same Redis and ``namespace``.

    Use one namespace per bot (e.g. ``"telegram:<bot id>"``): N worker processes then stay
    together under the bot's limits. Waiting happens locally and Redis is asked once per
    send. Penalties are announced on a pub/sub channel, so a waiter learns without a round
    trip that its slot may be void, and asks Redis only then.
    """

    def __init__(
        self,
        redis_url: str,
        namespace: str,
        global_rate: float,
        per_chat_rate: float,
        per_chat_burst: int = 1,
        *,
        headroom: float = DEFAULT_HEADROOM,
        max_connections: int = 16,
    ) -> None:
        pace = _Pace.of(global_rate, per_chat_rate, per_chat_burst, headroom)
        self._args = (
            _micros(pace.global_interval),
            _micros(pace.chat_interval),
            _micros(pace.chat_tolerance),
        )
        # The hash tag keeps all keys of a namespace in one cluster slot, as scripts need.
        self._prefix = f"ratelimit:{{{namespace}}}"
        pool = BlockingConnectionPool.from_url(redis_url, max_connections=max_connections)
        self._redis = Redis(connection_pool=pool)
        self._reserve = self._redis.register_script(_RESERVE)
        self._penalize = self._redis.register_script(_PENALIZE)
        self._clock = _ClockMap()
        self._channel = f"{self._prefix}:penalties"
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._subscribing = asyncio.Lock()
        self._listener: asyncio.Task[None] | None = None
        self._penalties = 0  # penalties announced so far; a change makes waiters re-check
        self._deaf = False  # subscription lost: waiters must ask Redis themselves

    @property
    def namespace_prefix(self) -> str:
        """Prefix of every key this limiter writes (for cleanup in tests and operations)."""
        return self._prefix

    async def acquire(self, chat_key: str) -> None:
        keys = [f"{self._prefix}:global", f"{self._prefix}:chat:{chat_key}"]
        await self._listen_for_penalties()
        held = 0
        while True:
            penalties = self._penalties  # before the call: a penalty may overtake its reply
            reserved, now, moment, g_epoch, c_epoch = await self._reserve(
                keys=keys, args=[*self._args, held]
            )
            self._clock.observe(now)
            await self._clock.sleep_until(moment)
            if not reserved:
                continue
            # Queue again, keeping the chat's charge, when a penalty voided the slot or when
            # too late for it (sending then would crowd the slots of other senders).
            held = 1
            heard = penalties != self._penalties or self._deaf
            if heard and await self._epochs(keys) != (g_epoch, c_epoch):
                continue
            if self._clock.lateness(moment) <= LATE_TOLERANCE:
                return

    async def penalize(self, seconds: float, chat_key: str | None = None) -> None:
        keys = [f"{self._prefix}:global"]
        if chat_key is not None:
            keys.append(f"{self._prefix}:chat:{chat_key}")
        await self._penalize(keys=keys, args=[_micros(seconds), self._args[0], self._channel])

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
        await self._pubsub.aclose()
        await self._redis.aclose()

    async def _listen_for_penalties(self) -> None:
        """Subscribe once, before the first reservation, so no penalty goes unnoticed."""
        if self._listener is not None:
            return
        async with self._subscribing:
            if self._listener is None:
                await self._pubsub.subscribe(self._channel)
                self._listener = asyncio.create_task(self._count_penalties())

    async def _count_penalties(self) -> None:
        while True:
            try:
                async for message in self._pubsub.listen():
                    if message["type"] == "message":
                        self._penalties += 1
                return  # unsubscribed: the limiter is closing
            except (RedisError, OSError):
                # Penalties may pass unheard until we listen again: meanwhile every waiter
                # asks Redis, and the bumps make those that reserved before or during the
                # gap ask once more.
                self._deaf = True
                self._penalties += 1
                while self._deaf:
                    await asyncio.sleep(_RESUBSCRIBE_DELAY)
                    with contextlib.suppress(RedisError, OSError):
                        await self._pubsub.subscribe(self._channel)
                        self._deaf = False
                self._penalties += 1

    async def _epochs(self, keys: list[str]) -> tuple[int, int]:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hget(keys[0], "epoch")
            pipe.hget(keys[1], "epoch")
            g_epoch, c_epoch = await pipe.execute()
        return int(g_epoch or 0), int(c_epoch or 0)


def make_rate_limiter(
    redis_url: str | None,
    namespace: str,
    global_rate: float,
    per_chat_rate: float,
    per_chat_burst: int,
) -> RateLimiter:
    """Redis-backed when several processes send for one bot, in-process otherwise."""
    if redis_url:
        return RedisRateLimiter(redis_url, namespace, global_rate, per_chat_rate, per_chat_burst)
    return LocalRateLimiter(global_rate, per_chat_rate, per_chat_burst)
