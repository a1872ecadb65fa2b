"""CPU cost of the engine alone, on the Telegram benchmark's seven-update dialog.

The channel benchmark (bench/telegram_dialog.py) measures the whole bot; this isolates the
engine so a change to it can be weighed in seconds, with an optional cProfile listing of where
the time goes. Users walk the dialog against a migrated database, one update at a time through
`Engine.handle`, then (other users) in groups through `Engine.handle_many`, as a crowd's updates
go when they arrive together. The baseline printed next to them is one `SELECT 1` inside a
transaction through the same handle: the least any statement of the engine can cost.

    .venv/bin/python bench/engine_profile.py [--users 200] [--group 32] [--postgres URL]
        [--profile [N]]
"""

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.telegram_dialog import create_postgres, drop_postgres, phone, seed  # noqa: E402
from partybot.dialogs.engine import Engine  # noqa: E402
from partybot.dialogs.model import Inbound, InboundKind  # noqa: E402
from partybot.settings import Settings  # noqa: E402
from partybot.storage.db import Database  # noqa: E402
from tests.support.sample_dialog import registry_with_samples  # noqa: E402

STEPS = ["Thủ tục mẫu", "Nộp đảng phí", "15/03/2026", "7 triệu", "Ghi chú"]


def inbounds(n: int, first_update: int) -> list[Inbound]:
    """User n's seven updates, as the Telegram adapter would hand them over."""
    key, name = str(50_000 + n), f"Người {n}"
    start = Inbound("telegram", key, kind=InboundKind.START, display_name=name)
    contact = Inbound(
        "telegram",
        key,
        kind=InboundKind.CONTACT,
        contact_phone=phone(n),
        contact_is_own=True,
        display_name=name,
    )
    texts = [Inbound("telegram", key, text=text, display_name=name) for text in STEPS]
    steps = [start, contact, *texts]
    return [
        Inbound(**{**vars(inbound), "update_key": str(first_update + i)})
        for i, inbound in enumerate(steps)
    ]


async def walk(engine: Engine, users: range, first_update: int, group: int = 1) -> int:
    """Every user's dialog, update by update, interleaved as a crowd would send them; `group`
    users' updates at a time go to `handle_many`."""
    walks = [inbounds(n, first_update + 10 * n) for n in users]
    count = 0
    for step in range(len(walks[0])):
        for start in range(0, len(walks), group):
            together = [one[step] for one in walks[start : start + group]]
            if group == 1:
                results = [await engine.handle(together[0])]
            else:
                results = await engine.handle_many(together)
            assert all(results), together
            count += len(together)
    return count


async def measure(url: str, users: int, group: int, profile: int) -> None:
    await seed(url, 2 * users + 20)
    settings = Settings(_env_file=None, database_url=url)
    db = Database(url)
    engine = Engine(db, settings, registry=registry_with_samples())
    await walk(engine, range(2 * users, 2 * users + 20), 0)  # warm caches and the pool
    backend = "SQLite" if db.is_sqlite else "PostgreSQL"
    for label, crowd, size in (("one at a time", 0, 1), (f"in groups of {group}", 1, group)):
        profiler = cProfile.Profile() if profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        count = await walk(engine, range(crowd * users, (crowd + 1) * users), 1_000_000, size)
        if profiler is not None:
            profiler.disable()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"{backend}, {label}: {count} updates, {wall / count * 1000:.2f} ms wall, "
            f"{cpu / count * 1000:.2f} ms CPU per update (this process, with the driver)"
        )
        if profiler is not None:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(profile)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(profile)
    floor = await statement_floor(db)
    await db.dispose()
    print(f"{backend}, baseline: {floor * 1000:.3f} ms CPU per `SELECT 1` in a transaction")


async def statement_floor(db: Database, transactions: int = 1000, statements: int = 4) -> float:
    """CPU seconds one trivial statement costs through the same Database (session, driver,
    round trip): what the engine's four or five statements an update cost at the least."""
    select_one = text("SELECT 1")
    started = time.process_time()
    for _ in range(transactions):
        async with db.transaction() as session:
            for _ in range(statements):
                await session.execute(select_one)
    return (time.process_time() - started) / (transactions * statements)


async def main(arguments: argparse.Namespace) -> None:
    if arguments.postgres:
        url = await create_postgres(arguments.postgres)
        try:
            await measure(url, arguments.users, arguments.group, arguments.profile)
        finally:
            await drop_postgres(arguments.postgres, url)
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/engine.db"
        await measure(url, arguments.users, arguments.group, arguments.profile)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--group", type=int, default=32, help="updates per handle_many")
    parser.add_argument("--postgres", default="", help="PostgreSQL server URL (else SQLite)")
    parser.add_argument(
        "--profile", type=int, nargs="?", const=40, default=0, help="print the top N functions"
    )
    asyncio.run(main(parser.parse_args()))
