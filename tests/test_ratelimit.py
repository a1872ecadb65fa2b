"""The outbound rate limiters against the Telegram emulator with its limits on.

Correctness only: no 429, every send delivered, per-chat spacing as the emulator measured it,
penalties honoured. The achieved fraction of the global limit is printed (see it with -s).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.exceptions import RedisError

from partybot.handlers.ratelimit import (
    LocalRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    make_rate_limiter,
)
from tests.emulators.telegram import TelegramEmulator

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

GLOBAL_RATE = 100  # test scale; production is Telegram's 30/s
SENDS = 600
CHATS = 300

LimiterFactory = Callable[[float, float, int], Awaitable[RateLimiter]]


@pytest.fixture
def redis_url() -> str:
    client = SyncRedis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except (RedisError, OSError):
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (set TEST_REDIS_URL)")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def namespace(redis_url: str) -> Iterator[str]:
    """A namespace no other test shares; its keys are removed afterwards."""
    name = f"test-{uuid.uuid4().hex}"
    yield name
    client = SyncRedis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"ratelimit:{{{name}}}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture(params=["local", "redis"])
async def make_limiter(request: pytest.FixtureRequest) -> AsyncIterator[LimiterFactory]:
    """Builds limiters of one kind; every one built is closed after the test."""
    built: list[RateLimiter] = []
    namespace = request.getfixturevalue("namespace") if request.param == "redis" else ""

    async def factory(global_rate: float, per_chat_rate: float, burst: int) -> RateLimiter:
        limiter: RateLimiter
        if request.param == "redis":
            limiter = RedisRateLimiter(REDIS_URL, namespace, global_rate, per_chat_rate, burst)
        else:
            limiter = LocalRateLimiter(global_rate, per_chat_rate, burst)
        built.append(limiter)
        return limiter

    yield factory
    for limiter in built:
        await limiter.close()


async def paced_send(limiter: RateLimiter, bot: Bot, chat_id: int, text: str) -> None:
    await limiter.acquire(str(chat_id))
    await bot.send_message(chat_id, text)


async def burst(emu: TelegramEmulator, limiters: list[RateLimiter]) -> None:
    """SENDS messages, two per chat back to back, spread over the given limiters (each with
    its own Bot, like separate processes); asserts Telegram refused none."""
    bots = [emu.make_bot() for _ in limiters]
    try:
        results = await asyncio.gather(
            *(
                paced_send(limiters[i % len(limiters)], bots[i % len(bots)], i // 2 + 1, f"m{i}")
                for i in range(SENDS)
            ),
            return_exceptions=True,
        )
    finally:
        for bot in bots:
            await bot.session.close()
    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures == []
    stats = emu.stats
    assert stats.throttled == 0
    assert stats.sends == SENDS
    assert stats.max_global_rate <= GLOBAL_RATE
    assert all(len(emu.messages_to(chat)) == 2 for chat in range(1, CHATS + 1))
    times = [m.time for m in emu.bot_messages]
    fraction = (len(times) - 1) / (max(times) - min(times)) / GLOBAL_RATE
    print(f"\n{len(limiters)} limiter(s): {fraction:.1%} of the global limit, zero 429")


async def test_local_limiter_burst_has_no_429() -> None:
    async with TelegramEmulator(global_limit=GLOBAL_RATE) as emu:
        limiter = LocalRateLimiter(GLOBAL_RATE, per_chat_rate=1.0)
        await burst(emu, [limiter])
        await limiter.close()


async def test_two_redis_limiters_share_the_limit(redis_url: str, namespace: str) -> None:
    limiters = [RedisRateLimiter(redis_url, namespace, GLOBAL_RATE, 1.0) for _ in range(2)]
    try:
        async with TelegramEmulator(global_limit=GLOBAL_RATE) as emu:
            await burst(emu, list(limiters))
    finally:
        for limiter in limiters:
            await limiter.close()


async def test_per_chat_sends_are_spaced(make_limiter: LimiterFactory) -> None:
    rate = 2.0
    limiter = await make_limiter(1000, rate, 1)
    async with TelegramEmulator(per_chat_rate=rate) as emu:
        bot = emu.make_bot()
        try:
            await asyncio.gather(*(paced_send(limiter, bot, 7, f"m{i}") for i in range(5)))
        finally:
            await bot.session.close()
        times = [m.time for m in emu.messages_to(7)]
    assert emu.stats.throttled == 0 and len(times) == 5
    assert all(later - earlier >= 1 / rate for earlier, later in itertools.pairwise(times))


async def test_per_chat_burst_passes_then_paces(make_limiter: LimiterFactory) -> None:
    limiter = await make_limiter(1000, 2.0, 3)
    async with TelegramEmulator(per_chat_rate=2.0, per_chat_burst=3) as emu:
        bot = emu.make_bot()
        try:
            await asyncio.gather(*(paced_send(limiter, bot, 7, f"m{i}") for i in range(6)))
        finally:
            await bot.session.close()
    assert emu.stats.throttled == 0 and emu.stats.sends == 6


async def test_penalize_holds_back_everyone(make_limiter: LimiterFactory) -> None:
    """A global penalty also voids slots already handed to waiting senders."""
    limiter = await make_limiter(5, 1000, 1)  # slots 0.2 s apart: all six are still waiting
    async with TelegramEmulator(global_limit=5, per_chat_rate=1000) as emu:
        bot = emu.make_bot()
        try:
            await limiter.acquire("0")
            waiting = [asyncio.create_task(paced_send(limiter, bot, c, "x")) for c in range(1, 7)]
            await asyncio.sleep(0)  # let them queue
            penalized_at = time.monotonic()
            await limiter.penalize(0.5)
            await asyncio.gather(*waiting)
        finally:
            await bot.session.close()
    sent = [m.time for m in emu.bot_messages]
    assert len(sent) == 6 and emu.stats.throttled == 0
    assert min(sent) >= penalized_at + 0.5


async def test_redis_penalty_reaches_other_processes(redis_url: str, namespace: str) -> None:
    """A penalty given through one limiter holds back the waiters of another, also after
    the other's subscription connection was cut."""
    # Named connections, so the test can cut exactly this limiter's subscription.
    named = f"{redis_url}?client_name={namespace}"
    waiter = RedisRateLimiter(named, namespace, 5, 1000)
    penalizer = RedisRateLimiter(redis_url, namespace, 5, 1000)
    admin = Redis.from_url(redis_url)
    try:
        await waiter.acquire("0")
        await cut_subscription(admin, namespace)
        async with TelegramEmulator(global_limit=5, per_chat_rate=1000) as emu:
            bot = emu.make_bot()
            try:
                await waiter.acquire("0")
                waiting = [asyncio.create_task(paced_send(waiter, bot, c, "x")) for c in (1, 2)]
                await asyncio.sleep(0)
                penalized_at = time.monotonic()
                await penalizer.penalize(0.5)
                await asyncio.gather(*waiting)
            finally:
                await bot.session.close()
        assert min(m.time for m in emu.bot_messages) >= penalized_at + 0.5
    finally:
        await admin.aclose()
        await waiter.close()
        await penalizer.close()


async def cut_subscription(admin: Redis, client_name: str) -> None:
    """Kill the named pub/sub connection and wait until the limiter has subscribed again."""
    channel = f"ratelimit:{{{client_name}}}:penalties"
    for client in await admin.client_list(_type="pubsub"):
        if client["name"] == client_name:
            await admin.client_kill_filter(_id=client["id"])
    deadline = time.monotonic() + 5
    while (await admin.pubsub_numsub(channel))[0][1] != 1:
        assert time.monotonic() < deadline, "the limiter did not subscribe again"
        await asyncio.sleep(0.05)


async def test_penalize_one_chat_leaves_others_alone(make_limiter: LimiterFactory) -> None:
    limiter = await make_limiter(1000, 1000, 1)
    async with TelegramEmulator(limits=False) as emu:
        bot = emu.make_bot()
        try:
            penalized_at = time.monotonic()
            await limiter.penalize(0.5, chat_key="1")
            await asyncio.gather(
                paced_send(limiter, bot, 1, "held"), paced_send(limiter, bot, 2, "free")
            )
        finally:
            await bot.session.close()
    free, held = emu.bot_messages
    assert (free.chat_id, held.chat_id) == (2, 1)
    assert held.time >= penalized_at + 0.5


async def test_retry_after_from_telegram_is_honoured(make_limiter: LimiterFactory) -> None:
    """The sender's loop: on 429, penalize by retry_after and try again."""
    limiter = await make_limiter(1000, 1000, 1)
    async with TelegramEmulator(limits=False) as emu:
        emu.fail_next("sendMessage", 429, retry_after=1)
        bot = emu.make_bot()
        try:
            for _ in range(2):
                try:
                    await paced_send(limiter, bot, 5, "xin chào")
                    break
                except TelegramRetryAfter as exc:
                    await limiter.penalize(exc.retry_after)
        finally:
            await bot.session.close()
        refused, delivered = emu.calls_to("sendMessage")
    assert (refused.status, delivered.status) == (429, 200)
    assert delivered.time >= refused.time + 1


async def test_local_limiter_forgets_idle_chats() -> None:
    now = [0.0]
    limiter = LocalRateLimiter(1000, 1.0, clock=lambda: now[0])
    for chat in range(1000):
        await limiter.acquire(str(chat))
        now[0] += 2.0  # each chat's schedule is in the past before the next acquire
    assert limiter.tracked_chats <= 4
    await limiter.close()
    with pytest.raises(RuntimeError):
        await limiter.acquire("1")


async def test_redis_chat_keys_expire(redis_url: str, namespace: str) -> None:
    limiter = RedisRateLimiter(redis_url, namespace, 1000, 1.0)
    client = Redis.from_url(redis_url)
    try:
        await limiter.acquire("42")
        ttl = await client.pttl(f"{limiter.namespace_prefix}:chat:42")
    finally:
        await client.aclose()
        await limiter.close()
    assert 0 < ttl <= 3000


async def test_make_rate_limiter_picks_the_backend(redis_url: str) -> None:
    local = make_rate_limiter(None, "bot", 30, 1.0, 1)
    shared = make_rate_limiter(redis_url, "bot", 30, 1.0, 1)
    assert isinstance(local, LocalRateLimiter)
    assert isinstance(shared, RedisRateLimiter)
    await local.close()
    await shared.close()
