"""The database handle: engine, sessions, one transaction per user action, migrations."""

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import PoolResetState

from partybot.storage.sqlite_inline import InlineDBAPI

MIGRATIONS = Path(__file__).parent / "migrations"
PING_AFTER_IDLE_SECONDS = 1.0


class NotMigrated(RuntimeError):
    """The database schema is behind the code."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_reset(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
    """Roll back a connection that comes back to the pool with a transaction open, and only then.

    The pool's own reset rolls back every returned connection, also those whose transaction was
    just committed: one more statement for every transaction.
    """
    if state.terminate_only or not state.asyncio_safe:
        return  # the connection is being thrown away, or cannot be awaited here
    if dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled server connection before use only when it sat in the pool a while.

    Pinging at every checkout (pool_pre_ping) cost a round trip a transaction, about a tenth of
    the CPU the engine spends on an update. A connection handed back under a second ago was
    working then; one that sat longer may have been cut by a server restart or a firewall and is
    pinged first. A failed ping invalidates the pool and the checkout takes a new connection, as
    with pool_pre_ping.
    """
    dialect = engine.dialect

    def returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    def borrowed(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at < PING_AFTER_IDLE_SECONDS:
            return  # just opened, or busy a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise InvalidatePoolError(f"pooled connection is gone: {error!r}") from error

    event.listen(engine, "checkin", returned)
    event.listen(engine, "checkout", borrowed)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Database:
    """Owns the engine; hands out sessions whose transaction commits or rolls back as a whole."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        if url.startswith("sqlite"):
            # Statements run on the loop's thread; a lock held elsewhere is waited for (30 s at
            # most) without blocking it. See storage/sqlite_inline.py.
            engine_options.setdefault("module", InlineDBAPI())
            engine_options.setdefault("connect_args", {"timeout": 30})
            engine_options.setdefault("pool_reset_on_return", None)  # see _sqlite_reset
        else:
            engine_options.setdefault("pool_size", 10)
        self.engine: AsyncEngine = create_async_engine(url, **engine_options)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self.engine.sync_engine, "reset", _sqlite_reset)
        else:
            _ping_when_idle(self.engine.sync_engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: everything done in the block commits together or not at all."""
        async with self.sessions() as session, session.begin():
            yield session

    async def upgrade(self, revision: str = "head") -> None:
        """Apply the Alembic migrations (the same scripts on SQLite and PostgreSQL)."""

        def run(connection: Connection) -> None:
            config = alembic_config(self.url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

        async with self.engine.begin() as connection:
            await connection.run_sync(run)

    async def revisions(self) -> tuple[str | None, str | None]:
        """(current revision of the database, head revision of the code)."""

        def current(connection: Connection) -> str | None:
            return MigrationContext.configure(connection).get_current_revision()

        async with self.engine.connect() as connection:
            now = await connection.run_sync(current)
        head = ScriptDirectory.from_config(alembic_config(self.url)).get_current_head()
        return now, head

    async def require_migrated(self) -> None:
        now, head = await self.revisions()
        if now != head:
            raise NotMigrated(
                f"The database at {self.safe_url} is not migrated "
                f"(at {now or 'nothing'}, code needs {head}). Run: partybot db upgrade"
            )

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    async def dispose(self) -> None:
        await self.engine.dispose()
