"""Throw-away databases: a migrated SQLite file per test, or a PostgreSQL database per run.

PostgreSQL tests run when TEST_DATABASE_URL names a server (CI sets it); each run creates its own
database there, migrates it once, and empties every table between tests.
"""

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from partybot.storage.db import Database
from partybot.storage.models import Base

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def migrated_sqlite_template(folder: Path) -> Path:
    path = folder / "template.db"
    db = Database(sqlite_url(path))
    await db.upgrade()
    await db.dispose()
    return path


def copy_sqlite(template: Path, folder: Path) -> str:
    target = folder / f"{uuid.uuid4().hex}.db"
    shutil.copyfile(template, target)
    return sqlite_url(target)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_postgres_database() -> str:
    """A new empty database on the TEST_DATABASE_URL server; returns its SQLAlchemy URL."""
    name = f"partybot_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_dsn(POSTGRES_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    admin = await asyncpg.connect(_dsn(POSTGRES_URL))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def empty_postgres(db: Database) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with db.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@contextmanager
def events(db: Database, name: str) -> Iterator[list[tuple[Any, ...]]]:
    """The arguments of every `name` engine event ("commit", "before_cursor_execute", …) the
    database handle fires while the block runs, one entry each."""
    seen: list[tuple[Any, ...]] = []

    def fired(*arguments: Any) -> None:
        seen.append(arguments)

    event.listen(db.engine.sync_engine, name, fired)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, name, fired)
