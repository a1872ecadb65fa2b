"""The outbox worker against the Telegram and Zalo emulators: channel choice, order, faults."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from partybot.bot.worker import OutboxWorker
from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.dialogs.flow import Registry
from partybot.dialogs.model import Inbound
from partybot.handlers.sending import Sender
from partybot.handlers.telegram import RetryPolicy
from partybot.handlers.zalo.client import ZaloBotClient
from partybot.services import notifications, outbox
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import ChannelAccount, OutboxStatus, Urgency
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.support.clock import FakeClock
from tests.support.delivery import (
    MovingClock,
    ZaloTestSender,
    link,
    rows,
    telegram_sender,
    until,
)
from tests.support.sample_dialog import registry_with_samples
from tests.support.transcript import Person
from tests.support.world import World, build_world

AN, BINH, CUONG = 7001, 7002, 7003  # Telegram chat ids


@pytest.fixture
def registry() -> Registry:
    return registry_with_samples()


@pytest.fixture
def fast(settings: Settings) -> Settings:
    """Short waits so that retries and pauses take milliseconds."""
    return settings.model_copy(
        update={
            "outbox_poll_seconds": 0.02,
            "outbox_backoff_base_seconds": 0.02,
            "outbox_backoff_max_seconds": 0.1,
            "outbox_channel_pause_max_seconds": 0.1,
            "outbox_max_attempts": 3,
        }
    )


@pytest.fixture
async def world(db: Database) -> World:
    return await build_world(db)


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    """Limits well above the sender's pace (250/s, 50/s per chat): no 429 unless injected."""
    async with TelegramEmulator(global_limit=300, per_chat_rate=100, per_chat_burst=5) as emulator:
        yield emulator


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloEmulator]:
    async with ZaloEmulator() as emulator:
        yield emulator


@pytest.fixture
async def telegram(emu: TelegramEmulator) -> AsyncIterator[Sender]:
    async with telegram_sender(emu) as sender:
        yield sender


@pytest.fixture
async def zalo_sender(zalo: ZaloEmulator) -> AsyncIterator[Sender]:
    async with ZaloBotClient(zalo.token, zalo.base_url) as client:
        yield ZaloTestSender(client)


WorkerFactory = Callable[..., OutboxWorker]


@pytest.fixture
def make_worker(db: Database, fast: Settings, engine: Engine) -> WorkerFactory:
    def make(*senders: Sender, clock: Any = None, **overrides: Any) -> OutboxWorker:
        settings = fast.model_copy(update=overrides) if overrides else fast
        return OutboxWorker(
            db,
            settings,
            engine.render_notice,
            {sender.channel: sender for sender in senders},
            clock=clock or MovingClock(),
        )

    return make


async def queue(
    db: Database,
    member_id: int,
    text: str,
    now: datetime,
    urgency: Urgency = Urgency.PROMPT,
    dedup_key: str | None = None,
    at: datetime | None = None,
) -> None:
    async with db.transaction() as session:
        await notifications.notify(
            session, member_id, "test.note", {"text": text}, now, urgency, dedup_key, at
        )


def texts_to(emu: TelegramEmulator, chat_id: int) -> list[str]:
    return [message.text or "" for message in emu.messages_to(chat_id)]


async def test_each_member_gets_their_rows_in_order_on_their_latest_channel(
    db, world, emu, zalo, telegram, zalo_sender, make_worker
) -> None:
    an, binh = world.people["an"].id, world.people["binh"].id
    await link(db, an, "telegram", str(AN), datetime(2026, 11, 1, tzinfo=UTC))
    zalo.user("zalo-an")
    await link(db, an, "zalo", "zalo-an", datetime(2026, 11, 20, tzinfo=UTC))  # used last
    await link(db, binh, "telegram", str(BINH), datetime(2026, 11, 5, tzinfo=UTC))
    clock = MovingClock()
    for n in range(1, 6):
        await queue(db, an, f"An {n}", clock())
        await queue(db, binh, f"Bình {n}", clock())
    worker = make_worker(telegram, zalo_sender, clock=clock)
    assert await worker.drain() == 10
    assert zalo.texts_to("zalo-an") == [f"An {n}" for n in range(1, 6)]
    assert texts_to(emu, BINH) == [f"Bình {n}" for n in range(1, 6)]
    assert texts_to(emu, AN) == []
    stored = await rows(db)
    assert {r.status for r in stored} == {OutboxStatus.SENT}
    assert {r.channel for r in stored if r.member_id == an} == {"zalo"}


async def test_reminders_wait_out_quiet_hours_but_prompts_do_not(
    db, world, emu, telegram, make_worker, fast
) -> None:
    an, binh = world.people["an"].id, world.people["binh"].id
    await link(db, an, "telegram", str(AN), datetime(2026, 11, 1, tzinfo=UTC))
    await link(db, binh, "telegram", str(BINH), datetime(2026, 11, 1, tzinfo=UTC))
    clock = FakeClock(datetime(2026, 12, 3, 15, 0, tzinfo=UTC))  # 22:00 in Hà Nội
    await queue(db, an, "nhắc đóng đảng phí", clock(), Urgency.REMINDER)
    await queue(db, an, "yêu cầu cần duyệt", clock(), Urgency.PROMPT)
    await queue(db, an, "đã ghi nhận", clock(), Urgency.REPLY)
    await queue(db, binh, "nhắc Bình", clock(), Urgency.REMINDER)
    worker = make_worker(telegram, clock=clock)
    assert await worker.drain() == 2
    assert texts_to(emu, AN) == ["yêu cầu cần duyệt", "đã ghi nhận"]
    async with db.transaction() as session:
        status = await outbox.report(session, clock(), fast)
    assert status.quiet_now and status.quiet_held == 2 and status.due == 0
    clock.advance(hours=8, minutes=59)  # 06:59: still quiet
    assert await worker.drain() == 0
    clock.advance(minutes=1)  # 07:00
    assert await worker.drain() == 2
    assert texts_to(emu, AN)[-1] == "nhắc đóng đảng phí"
    assert texts_to(emu, BINH) == ["nhắc Bình"]


async def test_quiet_hours_are_configurable(db, world, emu, telegram, make_worker) -> None:
    an = world.people["an"].id
    await link(db, an, "telegram", str(AN), datetime(2026, 11, 1, tzinfo=UTC))
    clock = FakeClock(datetime(2026, 12, 3, 15, 0, tzinfo=UTC))  # 22:00 in Hà Nội
    await queue(db, an, "nhắc", clock(), Urgency.REMINDER)
    from datetime import time

    late = make_worker(
        telegram, clock=clock, quiet_hours_start=time(23, 0), quiet_hours_end=time(6, 0)
    )
    assert await late.drain() == 1
    assert texts_to(emu, AN) == ["nhắc"]


async def test_a_blocked_channel_falls_back_to_the_next(
    db, world, emu, zalo, telegram, zalo_sender, make_worker
) -> None:
    an = world.people["an"].id
    zalo.user("zalo-an")
    await link(db, an, "zalo", "zalo-an", datetime(2026, 11, 1, tzinfo=UTC))
    tg = await link(db, an, "telegram", str(AN), datetime(2026, 11, 20, tzinfo=UTC))
    emu.block(AN)
    clock = MovingClock()
    await queue(db, an, "một", clock())
    await queue(db, an, "hai", clock())
    worker = make_worker(telegram, zalo_sender, clock=clock)
    assert await worker.drain() == 2
    assert zalo.texts_to("zalo-an") == ["một", "hai"]
    assert len(emu.calls_to("sendMessage")) == 1  # the second row went straight to Zalo
    async with db.transaction() as session:
        account = await session.get(ChannelAccount, tg)
        assert account is not None and account.unreachable_at is not None
        assert "blocked" in (account.unreachable_reason or "")
    assert [r.event for r in await rows(db)] == ["test.note", "test.note"]  # nobody told


async def test_a_zalo_refusal_falls_back_to_telegram(
    db, world, emu, zalo, telegram, zalo_sender, make_worker
) -> None:
    an = world.people["an"].id
    zalo.user("zalo-an")
    await link(db, an, "telegram", str(AN), datetime(2026, 11, 1, tzinfo=UTC))
    za = await link(db, an, "zalo", "zalo-an", datetime(2026, 11, 20, tzinfo=UTC))
    zalo.block("zalo-an")  # Zalo answers that the user cannot be messaged
    clock = MovingClock()
    await queue(db, an, "một", clock())
    worker = make_worker(telegram, zalo_sender, clock=clock)
    assert await worker.drain() == 1
    assert texts_to(emu, AN) == ["một"]
    async with db.transaction() as session:
        account = await session.get(ChannelAccount, za)
        assert account is not None and account.unreachable_at is not None


async def test_unreachable_everywhere_tells_the_secretary_once(
    db, world, emu, telegram, make_worker, engine, clock
) -> None:
    an, binh = world.people["an"].id, world.people["binh"].id
    await link(db, an, "telegram", str(AN), datetime(2026, 11, 1, tzinfo=UTC))
    await link(db, binh, "telegram", str(BINH), datetime(2026, 11, 1, tzinfo=UTC))
    emu.block(AN)
    for n in range(3):
        await queue(db, an, f"tin {n}", clock())
    worker = make_worker(telegram, clock=clock)
    await worker.drain()
    stored = await rows(db)
    assert [r.status for r in stored[:3]] == [OutboxStatus.DEAD] * 3
    assert stored[0].last_error == "unreachable on every channel"
    [told] = [r for r in stored if r.event == "member.unreachable"]
    assert told.member_id == binh and told.status == OutboxStatus.SENT
    secretary = Person(engine, str(BINH), "telegram")  # her "contact in person" list
    await secretary.says(texts.CONTACT_TITLE)
    assert secretary.text.startswith(
        "\n".join(
            [
                texts.CONTACT_HEAD.format(count=3),
                "1. Nguyễn Văn An — 0912 000 001 — " + texts.CONTACT_BLOCKED,  # by given name
                "2. Lê Văn Cường — 0912 000 003 — " + texts.CONTACT_NEVER_JOINED,  # by residence
                "3. Hoàng Văn Em — 0912 000 005 — " + texts.CONTACT_NEVER_JOINED,
            ]
        )
    )
    assert texts_to(emu, BINH) == [
        texts.MEMBER_UNREACHABLE.format(
            name="Nguyễn Văn An", phone="+84912000001", cell="Chi bộ Tổ dân phố số 5"
        )
    ]
    # An unblocks the bot and writes to it: reachable again, and a later block is news again.
    emu.unblock(AN)
    clock.advance(days=1)
    await engine.handle(Inbound("telegram", str(AN), text="chào", update_key="u1"))
    await queue(db, an, "đã quay lại", clock())
    await worker.drain()
    assert texts_to(emu, AN)[0] == "đã quay lại"
    emu.block(AN)
    clock.advance(days=1)
    await queue(db, an, "lại chặn", clock())
    await worker.drain()
    assert len(texts_to(emu, BINH)) == 2


async def test_no_linked_account_is_dead_without_alarm(db, world, telegram, make_worker) -> None:
    await queue(db, world.people["cuong"].id, "chưa liên kết", MovingClock()())
    await make_worker(telegram).drain()
    [row] = await rows(db)
    assert row.status == OutboxStatus.DEAD and row.last_error == "no linked account"


async def test_a_channel_without_sender_here_defers(db, world, emu, telegram, make_worker) -> None:
    an = world.people["an"].id
    await link(db, an, "zalo", "zalo-an", datetime(2026, 11, 1, tzinfo=UTC))
    clock = MovingClock()
    await queue(db, an, "chờ Zalo", clock())
    await make_worker(telegram, clock=clock).drain()
    [row] = await rows(db)
    assert row.status == OutboxStatus.PENDING and row.attempts == 0
    assert row.available_at > clock() and "no sender for zalo" in (row.last_error or "")


async def test_rejected_is_dead_at_once_and_can_be_retried(
    db, world, emu, telegram, make_worker
) -> None:
    an = world.people["an"].id
    await link(db, an, "telegram", str(AN), datetime(2026, 11, 1, tzinfo=UTC))
    clock = MovingClock()
    await queue(db, an, "bị từ chối", clock())
    emu.fail_next("sendMessage", 400, description="Bad Request: message is too long")
    worker = make_worker(telegram, clock=clock)
    await worker.drain()
    [row] = await rows(db)
    assert row.status == OutboxStatus.DEAD and row.attempts == 1
    assert "too long" in (row.last_error or "")
    async with db.transaction() as session:
        assert await outbox.retry_dead(session, clock()) == 1
    await worker.drain()
    [row] = await rows(db)
    assert row.status == OutboxStatus.SENT and texts_to(emu, AN) == ["bị từ chối"]


async def test_a_row_failing_on_a_healthy_channel_dies_after_max_attempts(
    db, world, emu, telegram, make_worker, clock
) -> None:
    an, binh = world.people["an"].id, world.people["binh"].id
    await link(db, an, "telegram", str(AN), datetime(2026, 11, 1, tzinfo=UTC))
    await link(db, binh, "telegram", str(BINH), datetime(2026, 11, 1, tzinfo=UTC))
    await queue(db, an, "luôn lỗi", clock(), at=clock() + timedelta(seconds=1))
    worker = make_worker(telegram, clock=clock)
    for attempt in range(3):
        await asyncio.sleep(0.15)  # the channel's pause after the last failure (at most 0.1 s)
        await queue(db, binh, f"bình thường {attempt}", clock())
        await worker.drain()  # Bình's row goes through: the channel works
        clock.advance(seconds=1)  # An's row is due again
        emu.fail_next("sendMessage", 500)
        await worker.drain()
        assert (await rows(db))[0].attempts == attempt + 1
    stored = await rows(db)
    assert stored[0].status == OutboxStatus.DEAD and "Server Error" in (stored[0].last_error or "")
    assert texts_to(emu, AN) == [] and len(texts_to(emu, BINH)) == 3


async def test_429_pauses_the_channel_for_retry_after(
    db, world, emu, telegram, make_worker
) -> None:
    an = world.people["an"].id
    await link(db, an, "telegram", str(AN), datetime(2026, 11, 1, tzinfo=UTC))
    clock = MovingClock()
    await queue(db, an, "sau khi chờ", clock())
    emu.fail_next("sendMessage", 429, retry_after=1)
    worker = make_worker(telegram, clock=clock)
    task = asyncio.create_task(worker.run())
    await emu.wait_for(lambda: len(texts_to(emu, AN)) == 1)
    await worker.stop()
    await task
    first, second = emu.calls_to("sendMessage")
    assert first.status == 429 and second.status == 200
    assert second.time - first.time >= 1.0
    [row] = await rows(db)
    assert row.attempts == 0 and row.status == OutboxStatus.SENT


async def test_an_outage_loses_nothing_and_costs_no_attempts(
    db, world, emu, telegram, make_worker
) -> None:
    members = [world.people[name].id for name in ("an", "binh", "cuong", "dung", "em")]
    for n, member in enumerate(members):
        await link(db, member, "telegram", str(8000 + n), datetime(2026, 11, 1, tzinfo=UTC))
    clock = MovingClock()
    for round_ in range(4):
        for member in members:
            await queue(db, member, f"tin {round_}", clock())
    worker = make_worker(telegram, clock=clock, outbox_max_attempts=2)
    task = asyncio.create_task(worker.run())
    await emu.wait_for(3)
    emu.outage(502)
    await emu.wait_for(lambda: Counter(c.status for c in emu.calls)[502] >= 6)
    await emu.go_offline()
    await asyncio.sleep(0.3)  # the worker keeps probing a server that is gone
    await emu.go_online()
    emu.restore()
    await emu.wait_for(20, timeout=10)
    await worker.stop()
    await task
    stored = await rows(db)
    assert {r.status for r in stored} == {OutboxStatus.SENT}
    assert max(r.attempts for r in stored) <= 1
    for n in range(len(members)):
        assert texts_to(emu, 8000 + n) == [f"tin {r}" for r in range(4)]


async def link_many(db: Database, world: World, count: int, first_chat: int = 9000) -> list[int]:
    """`count` extra members of the home cell, each linked on Telegram as chat first_chat + n."""
    from tests.support.world import add_member

    ids = []
    async with db.transaction() as session:
        for n in range(count):
            member = await add_member(
                session, f"Đảng viên {n}", f"+8491300{n:04d}", world.orgs["home"]
            )
            ids.append(member.id)
    for n, member_id in enumerate(ids):
        await link(
            db, member_id, "telegram", str(first_chat + n), datetime(2026, 11, 1, tzinfo=UTC)
        )
    return ids


def assert_each_once_in_order(emu: TelegramEmulator, chats: int, per_chat: int) -> None:
    for n in range(chats):
        assert texts_to(emu, 9000 + n) == [f"tin {k}" for k in range(per_chat)], n


async def queue_rounds(db: Database, members: list[int], per_member: int, now: datetime) -> None:
    for k in range(per_member):
        for member in members:
            await queue(db, member, f"tin {k}", now)


async def sent_rows(db: Database) -> int:
    return sum(r.status == OutboxStatus.SENT for r in await rows(db))


async def has_sent(db: Database, total: int) -> bool:
    return await sent_rows(db) >= total


async def run_until_sent(worker: OutboxWorker, db: Database, total: int) -> None:
    """Run the worker (through any 429 pauses) until `total` rows are recorded as sent."""
    task = asyncio.create_task(worker.run())
    try:
        await until(lambda: has_sent(db, total), within=20)
    finally:
        await worker.stop()
        await task


async def test_a_killed_worker_leaves_its_claims_to_the_next_after_the_lease(
    db, world, emu, telegram, make_worker
) -> None:
    members = await link_many(db, world, 40)
    clock = MovingClock()
    await queue_rounds(db, members, 2, clock())
    patient = RetryPolicy(max_retry_wait=30, attempts=1, backoff=0.01, max_flood_retries=1000)
    async with telegram_sender(emu, policy=patient) as waiting_sender:
        first = make_worker(
            waiting_sender, clock=clock, outbox_concurrency=10, outbox_lease_seconds=60
        )
        task = asyncio.create_task(first.run())
        await emu.wait_for(15)
        emu.outage(429)  # every send now waits in the sender: claimed, in flight, undelivered
        await until(lambda: has_sent(db, emu.stats.sends))
        task.cancel()  # a hard kill: no clean-up runs
        with pytest.raises(asyncio.CancelledError):
            await task
    if first.lock is not None:  # a dead process's connections close, and its lock goes with them
        await first.lock.release()
    emu.restore()
    leased = {r.id for r in await rows(db) if r.lease_until and r.lease_until > clock()}
    assert leased
    second = make_worker(telegram, clock=clock)
    await second.drain()
    assert not leased & {r.id for r in await rows(db) if r.status == OutboxStatus.SENT}
    clock.advance(seconds=61)  # the dead worker's leases run out
    await run_until_sent(second, db, 80)
    assert_each_once_in_order(emu, 40, 2)
    assert {r.status for r in await rows(db)} == {OutboxStatus.SENT}


async def test_a_stopped_worker_finishes_what_it_sent_and_the_next_goes_on(
    db, world, emu, telegram, make_worker
) -> None:
    members = await link_many(db, world, 30)
    clock = MovingClock()
    await queue_rounds(db, members, 2, clock())
    first = make_worker(telegram, clock=clock, outbox_concurrency=8)
    task = asyncio.create_task(first.run())
    await emu.wait_for(12)
    await first.stop()
    await task
    assert first.stats.sent == await sent_rows(db) == emu.stats.sends
    assert not [r for r in await rows(db) if r.lease_until and r.lease_until > clock()]
    await run_until_sent(make_worker(telegram, clock=clock), db, 60)
    assert_each_once_in_order(emu, 30, 2)


async def test_the_worker_survives_its_connections_being_dropped(
    db, world, emu, telegram, make_worker
) -> None:
    members = await link_many(db, world, 20)
    clock = MovingClock()
    await queue_rounds(db, members, 3, clock())
    worker = make_worker(telegram, clock=clock, outbox_concurrency=5)
    task = asyncio.create_task(worker.run())
    for sends in (10, 25, 40):
        await emu.wait_for(sends)
        await worker.db.engine.dispose()
    await emu.wait_for(60)
    await worker.stop()
    await task
    assert_each_once_in_order(emu, 20, 3)
    assert {r.status for r in await rows(db)} == {OutboxStatus.SENT}


async def test_the_worker_reconnects_after_a_postgresql_restart(
    db, world, emu, telegram, make_worker
) -> None:
    if db.is_sqlite:
        pytest.skip("restarting a server is a PostgreSQL matter")
    import asyncpg
    from sqlalchemy.engine import make_url

    from tests.support.databases import POSTGRES_URL, _dsn

    members = await link_many(db, world, 20)
    clock = MovingClock()
    await queue_rounds(db, members, 3, clock())
    worker = make_worker(telegram, clock=clock, outbox_concurrency=5)
    task = asyncio.create_task(worker.run())
    name = make_url(db.url).database
    admin = await asyncpg.connect(_dsn(POSTGRES_URL))
    try:
        await emu.wait_for(10)
        await admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        await until(lambda: worker.stats.db_errors >= 3)
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        await admin.close()
    await until(lambda: has_sent(db, 60), within=20)
    await worker.stop()
    await task
    assert_each_once_in_order(emu, 20, 3)


async def test_several_workers_share_the_queue_without_duplicates(
    db, world, telegram, emu, fast, engine
) -> None:
    if db.is_sqlite:
        pytest.skip("several workers need PostgreSQL (SKIP LOCKED)")
    emu.limits_enabled = False
    members = await link_many(db, world, 40)
    clock = MovingClock()
    await queue_rounds(db, members, 3, clock())
    databases = [Database(db.url) for _ in range(3)]
    settings = fast.model_copy(
        update={
            "outbox_concurrency": 8,
            "outbox_batch_size": 8,
            "redis_url": "redis://127.0.0.1:6379/0",  # a shared limiter: every worker sends
        }
    )
    workers = [
        OutboxWorker(own, settings, engine.render_notice, {"telegram": telegram}, clock)
        for own in databases
    ]
    tasks = [asyncio.create_task(worker.run()) for worker in workers]
    try:
        await emu.wait_for(120, timeout=30)
        await until(lambda: has_sent(db, 120))
    finally:
        for worker in workers:
            await worker.stop()
        await asyncio.gather(*tasks)
        for own in databases:
            await own.dispose()
    assert_each_once_in_order(emu, 40, 3)
    assert sum(worker.stats.sent for worker in workers) == 120
    assert all(worker.stats.sent for worker in workers)


async def test_without_a_shared_limiter_one_worker_sends_and_another_stands_by(
    db, world, telegram, emu, fast, engine
) -> None:
    if db.is_sqlite:
        pytest.skip("several workers need PostgreSQL")
    emu.limits_enabled = False
    members = await link_many(db, world, 10)
    clock = MovingClock()
    await queue_rounds(db, members, 2, clock())
    other_db = Database(db.url)
    settings = fast.model_copy(update={"lock_retry_seconds": 0.05})
    first, second = (
        OutboxWorker(own, settings, engine.render_notice, {"telegram": telegram}, clock)
        for own in (db, other_db)
    )
    tasks = [asyncio.create_task(first.run())]
    try:
        await until(lambda: has_sent(db, 20))
        tasks.append(asyncio.create_task(second.run()))
        await asyncio.sleep(0.2)
        await queue_rounds(db, members, 1, clock())
        await until(lambda: has_sent(db, 30))
        assert (first.stats.sent, second.stats.sent) == (30, 0)
        await first.stop()
        await tasks[0]
        await queue_rounds(db, members[:1], 1, clock())
        await until(lambda: has_sent(db, 31))
        assert second.stats.sent == 1
    finally:
        await first.stop()
        await second.stop()
        await asyncio.gather(*tasks)
        await other_db.dispose()
