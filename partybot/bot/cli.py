"""The `partybot` command: demo, console chat, migrations, roster import, invite codes."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from partybot.bot.app import App, open_app
from partybot.settings import Settings
from partybot.storage.db import Database, NotMigrated

app = typer.Typer(help="Trợ lý Đảng viên — partybot.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
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


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Apply the migrations up to the newest schema."""
    settings = settings_for(db)

    async def main() -> None:
        database = Database(settings.database_url)
        try:
            await database.upgrade()
            now, _head = await database.revisions()
        finally:
            await database.dispose()
        console.print(f"Database {database.safe_url} is at revision {now}.")

    asyncio.run(main())


@app.command()
def chat(
    as_phone: Annotated[
        str | None, typer.Option("--as", help="Chat as the roster member with this phone.")
    ] = None,
    guest: Annotated[
        str | None, typer.Option("--guest", help="Chat as a new, unlinked user with this name.")
    ] = None,
    files: Annotated[Path, typer.Option(help="Where QR codes and PDFs are written.")] = Path(
        "partybot-files"
    ),
    db: DbOption = None,
) -> None:
    """Console chat; reads one message per line from a pipe and prints every reply."""
    from partybot.bot.chat import run_chat

    run_with_app(settings_for(db), lambda opened: run_chat(opened, files, as_phone, guest))
