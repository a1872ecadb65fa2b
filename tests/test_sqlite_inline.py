"""SQLite on the event loop's thread: a lock held elsewhere is waited out without blocking the
loop, a wait past the timeout fails as SQLite's own would, and long runs of statements let other
tasks have their turn."""

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from partybot.storage.db import Database
from partybot.storage.models import ProcessedUpdate
from tests.support import databases

INSERT = ProcessedUpdate.__table__.insert()


@pytest.fixture
def db_path(sqlite_template: Path, tmp_path: Path) -> Path:
    return Path(databases.copy_sqlite(sqlite_template, tmp_path).split("///", 1)[1])


@contextmanager
def write_lock_elsewhere(path: Path) -> Iterator[threading.Event]:
    """Another connection (another process, as far as SQLite can tell) holds the write lock
    until the event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        release.wait(30)
        other.execute("ROLLBACK")
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(10)
    try:
        yield release
    finally:
        release.set()
        holder.join(10)


def row(key: str) -> dict[str, object]:
    return {"channel": "test", "update_key": key, "processed_at": func.current_timestamp()}


async def count(db: Database) -> int:
    async with db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(ProcessedUpdate)) or 0


@asynccontextmanager
async def turns_counted(pause: float) -> AsyncIterator[list[int]]:
    """A task that counts the turns the loop gives it, every `pause` seconds at most."""
    turns = [0]

    async def take_turns() -> None:
        while True:
            turns[0] += 1
            await asyncio.sleep(pause)

    task = asyncio.create_task(take_turns())
    await asyncio.sleep(0)
    try:
        yield turns
    finally:
        task.cancel()


async def test_a_locked_database_is_waited_for_while_the_loop_runs_on(db_path: Path) -> None:
    db = Database(databases.sqlite_url(db_path))

    async def write() -> None:
        async with db.transaction() as session:
            await session.execute(INSERT.values(row("waited")))

    try:
        async with turns_counted(0.01) as turns:
            with write_lock_elsewhere(db_path) as release:
                writing = asyncio.create_task(write())
                await asyncio.sleep(0.3)
                assert not writing.done()  # still waiting for the lock…
                assert turns[0] >= 3  # …and the loop went on meanwhile
                release.set()
                await asyncio.wait_for(writing, 10)
        assert await count(db) == 1
    finally:
        await db.dispose()


async def test_a_lock_held_past_the_timeout_fails_like_sqlite(db_path: Path) -> None:
    db = Database(databases.sqlite_url(db_path), connect_args={"timeout": 0.2})
    try:
        with write_lock_elsewhere(db_path), pytest.raises(OperationalError, match="locked"):
            async with db.transaction() as session:
                await session.execute(INSERT.values(row("too late")))
        assert await count(db) == 0
    finally:
        await db.dispose()


async def test_a_long_run_of_statements_lets_other_tasks_in(db_path: Path) -> None:
    db = Database(databases.sqlite_url(db_path))
    try:
        async with db.transaction() as session:
            await session.execute(INSERT.values(row("warm")))  # connection open, tables cached
        async with turns_counted(0) as turns, db.transaction() as session:
            before = turns[0]
            for n in range(3000):
                await session.execute(INSERT.values(row(f"k{n}")))
            assert turns[0] > before + 1  # the loop was handed back while the statements ran
        assert await count(db) == 3001
    finally:
        await db.dispose()
