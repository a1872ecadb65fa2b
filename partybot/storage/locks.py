"""PostgreSQL session advisory locks: "only one process does this" across machines.

The lock lives as long as the connection that took it, so a holder that dies or loses its
connection (a database restart) frees it for whoever tries next; nothing is left to clean up.
"""

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from partybot.storage.db import Database

log = logging.getLogger(__name__)


class AdvisoryLock:
    """One named lock, tried without waiting and held on a connection of its own."""

    def __init__(self, db: Database, key: int, name: str) -> None:
        self.db = db
        self.key = key
        self.name = name
        self._connection: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None

    async def acquire(self) -> bool:
        """Take the lock if it is free; False when another process holds it."""
        connection = await self.db.engine.connect()
        try:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            got = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            )
        except BaseException:
            await connection.close()
            raise
        if not got:
            await connection.close()
            return False
        self._connection = connection
        return True

    async def still_held(self) -> bool:
        """Check the holding connection is alive; a dead one has lost the lock."""
        if self._connection is None:
            return False
        try:
            await self._connection.scalar(text("SELECT 1"))
            return True
        except Exception:
            log.warning("lost the connection holding the %s lock", self.name, exc_info=True)
            await self._drop()
            return False

    async def release(self) -> None:
        if self._connection is None:
            return
        try:
            await self._connection.scalar(
                text("SELECT pg_advisory_unlock(:key)"), {"key": self.key}
            )
        except Exception:
            log.warning("could not unlock %s (the connection is gone)", self.name, exc_info=True)
        await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:
                await connection.invalidate()
