"""Outbox figures: enqueueing a month's reminders, and delivering them within Telegram's limits.

1. Enqueue: a reminder sweep queues one row per linked member (61,500: the Hanoi pilot's member
   count) in batches of 5,000 with `outbox.enqueue_many` and dedup keys; run again, it queues
   nothing. Same-run baseline: one `notifications.notify` call per row, for 2,000 members.
2. Delivery: `partybot run --only worker` (a real process: the outbox worker, the
   TelegramSender and its rate limiter at TELEGRAM_GLOBAL_RATE) delivers the first N of those
   rows to the Bot API emulator in this process, which enforces Telegram's limits (30 messages/s
   per bot, 1/s per chat) and answers 429 above them. Reported: messages/s from the first to the
   N-th delivery, as a fraction of the configured limit and of Telegram's; 429s; duplicates.
   Same-run baseline: the same worker with the limits out of the way, i.e. what the pipeline
   itself can do.
3. PostgreSQL only: enqueue time for 1,000,000 members, with the sweep (enqueue_many batches of
   10,000) and with one INSERT ... SELECT (the broadcast path).

    .venv/bin/python bench/outbox.py [--members 61500] [--deliver 3000] [--rate 25 --rate 30]
        [--postgres URL] [--skip-sqlite] [--skip-million]

PostgreSQL runs when --postgres (or TEST_DATABASE_URL) names a server; a database is created
there for the run and dropped afterwards.
"""

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from partybot.services import notifications, outbox  # noqa: E402
from partybot.settings import Settings  # noqa: E402
from partybot.storage.db import Database  # noqa: E402
from partybot.storage.models import (  # noqa: E402
    ChannelAccount,
    Member,
    Organisation,
    OutboxMessage,
    Urgency,
)
from tests.emulators.telegram import TelegramEmulator  # noqa: E402

NOW = datetime.now(UTC)  # the worker runs on real time: rows queued now are due now
EVENT = "broadcast"  # a reminder-class notice the installed dialogs know how to render
PARAMS = {
    "org": "Chi bộ Tổ dân phố số 5",
    "sender": "Nguyễn Văn Hùng",
    "text": "Nhắc Bác: đảng phí tháng 12/2026 chưa đóng. Bác bấm «Menu chính» để nộp nhé.",
}
PARTYBOT = str(Path(sys.executable).parent / "partybot")
CHAT_BASE = 1_000_000
CELL_SIZE = 50
SWEEP_BATCH = 5_000


# -- databases -----------------------------------------------------------------------------------


def admin_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_pg(server_url: str) -> str:
    name = f"partybot_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_dsn(server_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def drop_pg(server_url: str, url: str) -> None:
    name = make_url(url).database
    admin = await asyncpg.connect(admin_dsn(server_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def seed(db: Database, members: int) -> None:
    """A city, a ward, cells of 50, and `members` members each linked on Telegram (untimed)."""
    async with db.transaction() as session:
        city = Organisation(code="TU", name="Thành ủy", kind="city")
        session.add(city)
        await session.flush()
        ward = Organisation(code="DU", name="Đảng ủy phường", kind="committee", parent_id=city.id)
        session.add(ward)
        await session.flush()
        cells = [
            {"code": f"CB{n}", "name": f"Chi bộ {n}", "kind": "cell", "parent_id": ward.id}
            for n in range((members + CELL_SIZE - 1) // CELL_SIZE)
        ]
        for start in range(0, len(cells), 5_000):
            await session.execute(insert(Organisation), cells[start : start + 5_000])
        first_cell = ward.id + 1
    if db.is_sqlite:
        await _seed_members_rowwise(db, members, first_cell)
    else:
        await _seed_members_pg(db, members, first_cell)


async def _seed_members_rowwise(db: Database, members: int, first_cell: int) -> None:
    for start in range(0, members, 10_000):
        batch = range(start, min(members, start + 10_000))
        async with db.transaction() as session:
            await session.execute(
                insert(Member),
                [
                    {
                        "card_number": f"B{n:07d}",
                        "full_name": f"Đảng viên {n}",
                        "official_org_id": first_cell + n // CELL_SIZE,
                        "status": "official",
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for n in batch
                ],
            )
    async with db.transaction() as session:
        ids = (await session.scalars(select(Member.id).order_by(Member.id))).all()
    for start in range(0, len(ids), 10_000):
        async with db.transaction() as session:
            await session.execute(
                insert(ChannelAccount),
                [
                    {
                        "channel": "telegram",
                        "external_id": str(CHAT_BASE + member_id),
                        "member_id": member_id,
                        "verified_by": "bench",
                        "last_seen_at": NOW,
                        "created_at": NOW,
                    }
                    for member_id in ids[start : start + 10_000]
                ],
            )


async def _seed_members_pg(db: Database, members: int, first_cell: int) -> None:
    async with db.transaction() as session:
        await session.execute(
            text(
                "INSERT INTO members (card_number, full_name, official_org_id, status, "
                "created_at, updated_at) "
                "SELECT 'B' || lpad(g::text, 7, '0'), 'Đảng viên ' || g, "
                ":first + g / :size, 'official', :now, :now "
                "FROM generate_series(0, :n - 1) AS g"
            ),
            {"first": first_cell, "size": CELL_SIZE, "now": NOW, "n": members},
        )
        await session.execute(
            text(
                "INSERT INTO channel_accounts (channel, external_id, member_id, verified_by, "
                "last_seen_at, created_at) "
                "SELECT 'telegram', (:base + id)::text, id, 'bench', :now, :now FROM members"
            ),
            {"base": CHAT_BASE, "now": NOW},
        )
        await session.execute(text("ANALYZE"))


# -- 1. enqueue ----------------------------------------------------------------------------------


async def reminder_sweep(db: Database, batch: int = SWEEP_BATCH) -> int:
    """What a monthly reminder sweep does: linked members in id order, a batch per transaction."""
    written, last = 0, 0
    while True:
        async with db.transaction() as session:
            ids = list(
                (
                    await session.scalars(
                        select(Member.id)
                        .where(
                            Member.id > last,
                            select(ChannelAccount.id)
                            .where(ChannelAccount.member_id == Member.id)
                            .exists(),
                        )
                        .order_by(Member.id)
                        .limit(batch)
                    )
                ).all()
            )
            if not ids:
                return written
            written += await outbox.enqueue_many(
                session,
                (
                    outbox.Notice(
                        member_id,
                        EVENT,
                        PARAMS,
                        Urgency.REMINDER,
                        f"dues-reminder:2026-12:{member_id}",
                    )
                    for member_id in ids
                ),
                NOW,
            )
            last = ids[-1]


async def one_by_one(db: Database, count: int) -> float:
    """Baseline: one notify() per row, the way a naive sweep would; returns rows/s."""
    async with db.transaction() as session:
        ids = (await session.scalars(select(Member.id).order_by(Member.id).limit(count))).all()
    started = time.perf_counter()
    async with db.transaction() as session:
        for member_id in ids:
            await notifications.notify(
                session,
                member_id,
                EVENT,
                PARAMS,
                NOW,
                Urgency.REMINDER,
                f"baseline:{member_id}",
            )
    elapsed = time.perf_counter() - started
    async with db.transaction() as session:
        await session.execute(
            OutboxMessage.__table__.delete().where(OutboxMessage.dedup_key.like("baseline:%"))
        )
    return len(ids) / elapsed


async def bench_enqueue(db: Database, label: str, members: int) -> None:
    baseline = await one_by_one(db, 2_000)
    started = time.perf_counter()
    written = await reminder_sweep(db)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = await reminder_sweep(db)
    second = time.perf_counter() - started
    print(
        f"[{label}] enqueue {written:,} reminders for {members:,} members: {first:.2f} s "
        f"({written / first:,.0f} rows/s); run again: {again} new rows in {second:.2f} s; "
        f"baseline one notify() per row: {baseline:,.0f} rows/s "
        f"(would take {members / baseline:.1f} s)"
    )


# -- 2. delivery ---------------------------------------------------------------------------------


async def deliver(url: str, count: int, rate: float, limits: bool) -> dict[str, float]:
    """Run `partybot run --only worker` until `count` rows reached the emulator; the figures."""
    async with TelegramEmulator(limits=limits) as emu:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "DATABASE_URL": url,
            "TELEGRAM_BOT_TOKEN": emu.token,
            "TELEGRAM_API_BASE": emu.base_url,
            "TELEGRAM_GLOBAL_RATE": str(rate),
            "TELEGRAM_PER_CHAT_RATE": "1" if limits else "1000",
            "QUIET_HOURS_START": "00:00",  # equal: no quiet hours, whatever the hour of the run
            "QUIET_HOURS_END": "00:00",
        }
        with tempfile.TemporaryDirectory() as folder:
            worker = await asyncio.create_subprocess_exec(
                PARTYBOT,
                "run",
                "--only",
                "worker",
                cwd=folder,
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            try:
                await emu.wait_for(count, timeout=count / min(rate, 500) * 2 + 120)
            finally:
                worker.send_signal(signal.SIGTERM)
                await worker.wait()
        sends = sorted(c.time for c in emu.calls_to("sendMessage") if c.status == 200)[:count]
        delivered = Counter(m.chat_id for m in emu.bot_messages)
        return {
            "rate": (len(sends) - 1) / (sends[-1] - sends[0]),
            "throttled": emu.stats.throttled,
            "max_window": emu.stats.max_global_rate,
            "duplicates": sum(n - 1 for n in delivered.values() if n > 1),
            "delivered": len(sends),
        }


async def bench_delivery(url: str, label: str, count: int, rate: float) -> None:
    limited = await deliver(url, count, rate, limits=True)
    ceiling = await deliver(url, min(count, 2_000), 10_000, limits=False)
    print(
        f"[{label}] deliver {limited['delivered']:,.0f} reminders "
        f"at TELEGRAM_GLOBAL_RATE={rate:g}: "
        f"{limited['rate']:.2f} msg/s = {limited['rate'] / rate:.1%} of the configured limit "
        f"({limited['rate'] / 30:.1%} of Telegram's 30/s); 429s: {limited['throttled']:.0f}; "
        f"most in any 1 s: {limited['max_window']:.0f}; duplicates: {limited['duplicates']:.0f}; "
        f"baseline without limits (pipeline ceiling): {ceiling['rate']:,.0f} msg/s"
    )


# -- 3. a million on PostgreSQL ------------------------------------------------------------------


async def bench_million(server: str) -> None:
    url = await create_pg(server)
    db = Database(url)
    try:
        await db.upgrade()
        started = time.perf_counter()
        await seed(db, 1_000_000)
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        written = await reminder_sweep(db, batch=10_000)
        sweep = time.perf_counter() - started
        async with db.transaction() as session:
            await session.execute(text("TRUNCATE outbox"))
        started = time.perf_counter()
        async with db.transaction() as session:
            result = await session.execute(
                text(
                    "INSERT INTO outbox (member_id, event, params, urgency, dedup_key, status, "
                    "attempts, available_at, created_at) "
                    "SELECT m.id, :event, CAST(:params AS jsonb), 'reminder', "
                    "'dues-reminder:2026-12:' || m.id, 'pending', 0, :now, :now FROM members m "
                    "WHERE EXISTS (SELECT 1 FROM channel_accounts a WHERE a.member_id = m.id)"
                ),
                {"event": EVENT, "params": json.dumps(PARAMS), "now": NOW},
            )
        one_statement = time.perf_counter() - started
        print(
            f"[postgresql] enqueue for 1,000,000 members (seeded in {seeded:.0f} s): "
            f"sweep in batches of 10,000: {written:,} rows in {sweep:.1f} s "
            f"({written / sweep:,.0f} rows/s); one INSERT ... SELECT: {result.rowcount:,} rows "
            f"in {one_statement:.1f} s ({result.rowcount / one_statement:,.0f} rows/s)"
        )
    finally:
        await db.dispose()
        await drop_pg(server, url)


# -- main ----------------------------------------------------------------------------------------


async def run_backend(url: str, label: str, members: int, count: int, rates: list[float]) -> None:
    db = Database(url)
    try:
        await db.upgrade()
        await seed(db, members)
        await bench_enqueue(db, label, members)
        for rate in rates if count else []:
            await bench_delivery(url, label, count, rate)
    finally:
        await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=61_500)
    parser.add_argument("--deliver", type=int, default=3_000, help="rows to deliver (0: skip)")
    parser.add_argument(
        "--rate",
        type=float,
        action="append",
        help="TELEGRAM_GLOBAL_RATE to deliver at (repeatable; default: the setting's default)",
    )
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-million", action="store_true")
    args = parser.parse_args()
    rates = args.rate or [Settings(_env_file=None).telegram_global_rate]
    shown = ", ".join(f"{rate:g}/s" for rate in rates)
    print(f"outbox bench: {args.members:,} members, deliver {args.deliver:,} at {shown}")
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
            await run_backend(url, "sqlite", args.members, args.deliver, rates)
    if args.postgres:
        url = await create_pg(args.postgres)
        try:
            await run_backend(url, "postgresql", args.members, args.deliver, rates)
        finally:
            await drop_pg(args.postgres, url)
        if not args.skip_million:
            await bench_million(args.postgres)


if __name__ == "__main__":
    asyncio.run(main())
