"""Shared pieces of the `partybot` command modules: options, settings, opening the app."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from partybot.bot.app import App, open_app
from partybot.settings import Settings
from partybot.storage.db import NotMigrated

console = Console()
T = TypeVar("T")

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: DATABASE_URL).")]


def settings_for(db: str | None) -> Settings:
    return Settings(database_url=db) if db else Settings()


def run_with_app(
    settings: Settings, body: Callable[[App], Awaitable[T]], migrate: bool = False
) -> T:
    """Open the app, run the body, close; an unmigrated database stops with the fix to run."""

    async def main() -> T:
        try:
            opened = await open_app(settings, migrate=migrate)
        except NotMigrated as problem:
            console.print(f"[red]{problem}[/red]")
            raise typer.Exit(2) from None
        try:
            return await body(opened)
        finally:
            await opened.close()

    return asyncio.run(main())
