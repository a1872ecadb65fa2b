"""SQLite for SQLAlchemy's async engine, run on the event loop's own thread.

aiosqlite runs every call on a thread of its own connection and wakes the loop when it is done:
three or four thread hand-offs a statement, which on this kind of machine cost ten times the
statement itself (a whole update's transaction takes about 30 µs in sqlite3, and was over a
millisecond through the hand-offs). A ward's database is a local file whose statements take
microseconds, so they run here directly, behind the same SQLAlchemy aiosqlite dialect (it is
handed this module through `create_async_engine(module=...)`).

Two things the thread gave for free are kept:
- Waiting for a lock never blocks the loop. The connection's own busy timeout is zero; a
  statement that finds the database locked by another process is tried again after an
  asynchronous sleep, for as long as the `timeout` connect argument allows.
- Other tasks keep their turn: after a few milliseconds of statements in a row (a sweep's
  batches), the next statement first yields to the loop.
A single statement that itself runs long (a large export) does hold the loop while it runs.
"""

import asyncio
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    AsyncAdapt_aiosqlite_ss_cursor,
)

T = TypeVar("T")

DEFAULT_LOCK_WAIT = 30.0  # seconds a statement may wait for another process's lock
TURN = 0.005  # seconds of statements in a row before other tasks get the loop
_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
_BUSY_SNAPSHOT = 517  # a read snapshot went stale: retrying cannot help, the transaction must
_last_yield = 0.0


async def _take_turn() -> None:
    global _last_yield
    now = time.monotonic()
    if now - _last_yield > TURN:
        _last_yield = now
        await asyncio.sleep(0)
        _last_yield = time.monotonic()


async def _run(call: Callable[[], T], lock_wait: float) -> T:
    """`call()`, tried again while another connection holds the lock it needs."""
    await _take_turn()
    deadline = delay = 0.0
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            code = getattr(error, "sqlite_errorcode", None)
            if code == _BUSY_SNAPSHOT or code is None or code & 0xFF not in _BUSY:
                raise
            now = time.monotonic()
            deadline = deadline or now + lock_wait
            if now >= deadline:
                raise
            delay = min(max(delay * 2, 0.001), 0.05)
            await asyncio.sleep(delay)


class InlineCursor:
    """The coroutine cursor interface SQLAlchemy expects of an asyncio driver."""

    def __init__(self, cursor: sqlite3.Cursor, lock_wait: float) -> None:
        self._cursor = cursor
        self._lock_wait = lock_wait

    async def __aenter__(self) -> "InlineCursor":
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, operation: str, parameters: Any = ()) -> Any:
        return await _run(lambda: self._cursor.execute(operation, parameters), self._lock_wait)

    async def executemany(self, operation: str, parameters: Sequence[Any]) -> Any:
        return await _run(lambda: self._cursor.executemany(operation, parameters), self._lock_wait)

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    """A sqlite3 connection behind coroutine methods that do their work at once."""

    def __init__(self, connection: sqlite3.Connection, lock_wait: float) -> None:
        self.raw = connection
        self._lock_wait = lock_wait

    def cursor(self) -> InlineCursor:
        return InlineCursor(self.raw.cursor(), self._lock_wait)

    async def execute(self, operation: str, parameters: Any = ()) -> InlineCursor:
        cursor = self.cursor()
        await cursor.execute(operation, parameters)
        return cursor

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    async def commit(self) -> None:
        await _run(self.raw.commit, self._lock_wait)

    async def rollback(self) -> None:
        self.raw.rollback()

    async def close(self) -> None:
        self.raw.close()


class _AdaptedConnection(AsyncAdapt_dbapi_connection):
    """SQLAlchemy's side of an InlineConnection (the aiosqlite adapter, minus its thread)."""

    __slots__ = ()
    _cursor_cls = AsyncAdapt_aiosqlite_cursor
    _ss_cursor_cls = AsyncAdapt_aiosqlite_ss_cursor
    _connection: InlineConnection

    @property
    def isolation_level(self) -> str | None:
        return self._connection.raw.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._connection.raw.isolation_level = value

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._connection.raw.create_function(*args, **kwargs)


class InlineDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """What `create_async_engine(..., module=InlineDBAPI())` hands the aiosqlite dialect."""

    def __init__(self) -> None:
        super().__init__(sqlite3, sqlite3)
        self.has_stop = False  # nothing to stop: no thread

    def connect(self, *args: Any, **kwargs: Any) -> _AdaptedConnection:
        lock_wait = float(kwargs.pop("timeout", DEFAULT_LOCK_WAIT))
        kwargs.pop("async_creator_fn", None)
        kwargs["check_same_thread"] = False  # the pool may close it from a finaliser
        raw = sqlite3.connect(*args, timeout=0, **kwargs)
        return _AdaptedConnection(self, InlineConnection(raw, lock_wait))
