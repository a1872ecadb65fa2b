"""Fixtures: a migrated database on each backend, an injected clock, the engine."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from partybot.dialogs.engine import Engine
from partybot.dialogs.flow import REGISTRY, Registry
from partybot.settings import Settings
from partybot.storage.db import Database
from tests.support import databases
from tests.support.clock import FakeClock

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not databases.POSTGRES_URL,
                reason="PostgreSQL tests need TEST_DATABASE_URL (CI sets it)",
            ),
        ],
    ),
]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import asyncio

    folder = tmp_path_factory.mktemp("sqlite")
    return asyncio.run(databases.migrated_sqlite_template(folder))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    import asyncio

    url = asyncio.run(databases.create_postgres_database())
    asyncio.run(_migrate(url))
    yield url
    asyncio.run(databases.drop_postgres_database(url))


async def _migrate(url: str) -> None:
    db = Database(url)
    await db.upgrade()
    await db.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return databases.copy_sqlite(sqlite_template, tmp_path)
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    if not database.is_sqlite:
        await databases.empty_postgres(database)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(db_url: str) -> Settings:
    # Transcripts send many messages at one frozen instant: no flood control unless a test asks.
    return Settings(_env_file=None, database_url=db_url, flood_messages=10_000)


@pytest.fixture
def registry() -> Registry:
    """The dialogs the engine knows; a test module overrides it to add the sample dialogs."""
    import partybot.dialogs.installed  # noqa: F401  (each module registers itself)

    return REGISTRY


@pytest.fixture
def engine(db: Database, settings: Settings, clock: FakeClock, registry: Registry) -> Engine:
    return Engine(db, settings, clock, registry=registry)
