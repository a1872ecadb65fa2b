"""Small statements that differ between SQLite and PostgreSQL, written once."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


async def insert_ignoring_conflict(
    session: AsyncSession, model: type[DeclarativeBase], values: dict[str, Any]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when a row was written.

    A plain INSERT that hits a unique key would abort the whole PostgreSQL transaction,
    and the transaction is the user's action: it must survive a duplicate.
    """
    dialect = session.bind.dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(model).values(**values).on_conflict_do_nothing()
    result = await session.execute(statement)
    return bool(result.rowcount)
