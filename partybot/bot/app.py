"""Wiring: settings -> database -> engine. Every runner and command starts here."""

from dataclasses import dataclass

from partybot.dialogs.engine import Clock, Engine, system_clock
from partybot.settings import Settings
from partybot.storage.db import Database


@dataclass
class App:
    settings: Settings
    db: Database
    engine: Engine

    async def close(self) -> None:
        await self.db.dispose()


async def open_app(settings: Settings, clock: Clock = system_clock, migrate: bool = False) -> App:
    """Connect and check the schema; refuses an unmigrated database unless asked to migrate."""
    db = Database(settings.database_url)
    try:
        if migrate:
            await db.upgrade()
        else:
            await db.require_migrated()
    except BaseException:
        await db.dispose()
        raise
    return App(settings, db, Engine(db, settings, clock))
