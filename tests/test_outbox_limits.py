"""Bursts through the worker against an emulator that answers 429 above Telegram's limits."""

import asyncio
import itertools
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis
from sqlalchemy import insert, select

from partybot.bot.worker import OutboxWorker
from partybot.dialogs.flow import Registry
from partybot.handlers.ratelimit import LocalRateLimiter, RedisRateLimiter
from partybot.services import outbox
from partybot.storage.db import Database
from partybot.storage.models import ChannelAccount, Member, OutboxStatus, Urgency
from tests.emulators.telegram import TelegramEmulator
from tests.support.delivery import MovingClock, rows, telegram_sender, until
from tests.support.sample_dialog import registry_with_samples
from tests.support.world import build_world

REDIS_URL = "redis://127.0.0.1:6379/0"
CHAT_BASE = 500_000


@pytest.fixture
def registry() -> Registry:
    return registry_with_samples()


async def members_with_rows(db: Database, members: int, per_member: int) -> None:
    """`members` members linked on Telegram (chat CHAT_BASE + n), `per_member` rows each."""
    world = await build_world(db)
    seen = datetime(2026, 11, 1, tzinfo=UTC)
    async with db.transaction() as session:
        await session.execute(
            insert(Member),
            [
                {
                    "card_number": f"L{n:06d}",
                    "full_name": f"Đảng viên {n}",
                    "official_org_id": world.orgs["home"].id,
                }
                for n in range(members)
            ],
        )
        ids = list(
            (
                await session.scalars(
                    select(Member.id).where(Member.card_number.like("L%")).order_by(Member.id)
                )
            ).all()
        )
        await session.execute(
            insert(ChannelAccount),
            [
                {
                    "channel": "telegram",
                    "external_id": str(CHAT_BASE + n),
                    "member_id": member_id,
                    "last_seen_at": seen,
                    "created_at": seen,
                }
                for n, member_id in enumerate(ids)
            ],
        )
        await outbox.enqueue_many(
            session,
            (
                outbox.Notice(member_id, "test.note", {"text": f"tin {k}"}, Urgency.REMINDER)
                for k in range(per_member)
                for member_id in ids
            ),
            MovingClock()(),
        )


def assert_delivered_once_in_order(emu: TelegramEmulator, members: int, per_member: int) -> None:
    got: dict[int, list[str]] = {}
    for message in emu.bot_messages:
        got.setdefault(message.chat_id, []).append(message.text or "")
    expected = [f"tin {k}" for k in range(per_member)]
    assert len(got) == members
    assert all(texts == expected for texts in got.values())


async def sent_count(db: Database) -> int:
    return sum(r.status == OutboxStatus.SENT for r in await rows(db))


async def run_workers(db: Database, workers: list[OutboxWorker], total: int) -> None:
    tasks = [asyncio.create_task(worker.run()) for worker in workers]
    try:
        await until(lambda: sent_count_reached(db, total), within=60, step=0.2)
    finally:
        for worker in workers:
            await worker.stop()
        await asyncio.gather(*tasks)


async def sent_count_reached(db: Database, total: int) -> bool:
    return await sent_count(db) >= total


async def test_a_burst_of_thousands_stays_under_the_limits_without_duplicates(
    db, settings, engine
) -> None:
    """2,000 rows for 1,000 members; global limit scaled to 200/s so the suite stays quick."""
    await members_with_rows(db, 1_000, 2)
    async with TelegramEmulator(global_limit=200, per_chat_rate=1, per_chat_burst=1) as emu:
        async with telegram_sender(emu, LocalRateLimiter(200, 1, 1)) as sender:
            worker = OutboxWorker(
                db, settings, engine.render_notice, {"telegram": sender}, MovingClock()
            )
            await run_workers(db, [worker], 2_000)
        stats = emu.stats
    assert stats.throttled == 0 and stats.max_global_rate <= 200
    assert_delivered_once_in_order(emu, 1_000, 2)
    assert {(r.status, r.attempts) for r in await rows(db)} == {(OutboxStatus.SENT, 0)}


async def test_telegrams_own_limits_are_kept_at_30_per_second_and_1_per_chat(
    db, settings, engine
) -> None:
    await members_with_rows(db, 20, 3)
    async with TelegramEmulator() as emu:  # 30/s per bot, 1/s per chat, as Telegram
        async with telegram_sender(emu, LocalRateLimiter(30, 1, 1)) as sender:
            worker = OutboxWorker(
                db, settings, engine.render_notice, {"telegram": sender}, MovingClock()
            )
            await run_workers(db, [worker], 60)
        sends = [c for c in emu.calls_to("sendMessage")]
    assert emu.stats.throttled == 0 and emu.stats.max_global_rate <= 30
    assert {c.status for c in sends} == {200}
    assert_delivered_once_in_order(emu, 20, 3)
    by_chat: dict[int, list[float]] = {}
    for call in sends:
        by_chat.setdefault(call.params["chat_id"], []).append(call.time)
    gaps = [b - a for times in by_chat.values() for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.95  # the emulator measures arrivals; the limiter keeps headroom


@pytest.fixture
async def redis_namespace() -> AsyncIterator[str]:
    namespace = f"test-outbox:{uuid.uuid4().hex[:8]}"
    yield namespace
    client = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=f"ratelimit:{{{namespace}}}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def test_two_workers_share_one_bots_limit_through_redis(
    db, settings, engine, redis_namespace
) -> None:
    if db.is_sqlite:
        pytest.skip("several workers need PostgreSQL")
    await members_with_rows(db, 300, 1)
    shared = settings.model_copy(update={"redis_url": REDIS_URL})
    databases = [Database(db.url) for _ in range(2)]
    async with TelegramEmulator(global_limit=60, per_chat_rate=100, per_chat_burst=5) as emu:
        limiters = [RedisRateLimiter(REDIS_URL, redis_namespace, 60, 50, 5) for _ in range(2)]
        try:
            async with (
                telegram_sender(emu, limiters[0]) as first,
                telegram_sender(emu, limiters[1]) as second,
            ):
                workers = [
                    OutboxWorker(own, shared, engine.render_notice, {"telegram": s}, MovingClock())
                    for own, s in zip(databases, (first, second), strict=True)
                ]
                await run_workers(db, workers, 300)
        finally:
            for own in databases:
                await own.dispose()
    assert emu.stats.throttled == 0 and emu.stats.max_global_rate <= 60
    assert all(worker.stats.sent for worker in workers)
    assert sum(Counter(m.chat_id for m in emu.bot_messages).values()) == 300
    assert_delivered_once_in_order(emu, 300, 1)
