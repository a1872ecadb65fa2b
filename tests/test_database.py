"""The database handle's own rules: what a pooled connection carries from one use to the next."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from partybot.storage.db import PING_AFTER_IDLE_SECONDS, Database
from partybot.storage.models import ProcessedUpdate
from tests.support import databases

INSERT = "INSERT INTO processed_updates (channel, update_key, processed_at) VALUES (?, ?, ?)"


async def test_sqlite_connection_returned_mid_transaction_is_rolled_back(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """The pool skips its rollback after a commit, but never leaves a transaction (and the
    SQLite write lock with it) open on a connection handed to the next user."""
    db = Database(databases.copy_sqlite(sqlite_template, tmp_path), pool_size=1)
    try:
        async with db.engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None
            await raw.execute(INSERT, ("test", "left-open", "2026-01-01 00:00:00"))
            assert raw.in_transaction
        async with db.transaction() as session:
            await session.execute(
                ProcessedUpdate.__table__.insert().values(
                    channel="test", update_key="next", processed_at=func.current_timestamp()
                )
            )
        async with db.transaction() as session:
            keys = (await session.scalars(select(ProcessedUpdate.update_key))).all()
        assert keys == ["next"]
    finally:
        await db.dispose()


async def test_a_pooled_connection_cut_while_idle_is_replaced_before_use(db: Database) -> None:
    """The ping that guards against a server restart still runs on connections that sat idle."""
    if db.is_sqlite:
        pytest.skip("server connections are PostgreSQL's")
    async with db.transaction() as session:  # one connection, now idle in the pool
        backend = await session.scalar(text("SELECT pg_backend_pid()"))
    admin = Database(db.url)  # its own pool: the idle connection must not be the one used here
    try:
        async with admin.transaction() as session:
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    finally:
        await admin.dispose()
    await asyncio.sleep(PING_AFTER_IDLE_SECONDS + 0.2)
    async with db.transaction() as session:
        assert await session.scalar(text("SELECT pg_backend_pid()")) != backend
