"""The `partybot` command: demo, console chat, migrations, roster import, invite codes.

Each procedure keeps its commands in its own module and adds them here with one line.
"""

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from partybot.bot import (
    commands_dues,
    commands_nlu,
    commands_notify,
    commands_review,
    commands_transfers,
    commands_zalo,
)
from partybot.bot.app import App
from partybot.bot.cliutil import DbOption, console, run_with_app, settings_for
from partybot.storage.db import Database

app = typer.Typer(help="Trợ lý Đảng viên — partybot.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
export_app = typer.Typer(help="Excel exports for the ward office.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(export_app, name="export")
app.add_typer(commands_nlu.app, name="nlu")
app.add_typer(commands_zalo.app, name="zalo")
export_app.command("reviews")(commands_review.export)
export_app.command("transfers")(commands_transfers.export)
app.add_typer(commands_dues.rates_app, name="rates")
app.add_typer(commands_dues.payments_app, name="payments")
export_app.command("dues")(commands_dues.export)
app.add_typer(commands_notify.outbox_app, name="outbox")
app.command("run")(commands_notify.run)


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


@app.command("import-roster")
def import_roster_command(
    orgs: Annotated[str, typer.Argument(help="Organisations, CSV or XLSX ('-' to skip).")],
    members: Annotated[str, typer.Argument(help="Members, CSV or XLSX ('-' to skip).")] = "-",
    partial: Annotated[
        bool, typer.Option(help="Write the good rows even when some rows are bad.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Import the roster; every bad row is reported and, by default, nothing is written."""
    from partybot.bot.reports import print_roster_report
    from partybot.services.roster import import_roster

    def source(name: str) -> Path | None:
        return None if name == "-" else Path(name)

    async def body(opened: App) -> bool:
        async with opened.db.transaction() as session:
            report = await import_roster(session, source(orgs), source(members), partial=partial)
        print_roster_report(console, report)
        return report.written and not report.problems

    if not run_with_app(settings_for(db), body):
        raise typer.Exit(1)


@app.command()
def invite(phone: str, db: DbOption = None) -> None:
    """Print a one-time code (and the invite token) that links this member's account."""
    from partybot.dialogs import texts
    from partybot.services import identity
    from partybot.services.directory import member_by_phone
    from partybot.services.phones import InvalidPhone, normalise_phone

    settings = settings_for(db)

    async def body(opened: App) -> None:
        try:
            normalised = normalise_phone(phone)
        except InvalidPhone:
            console.print(texts.BAD_PHONE)
            raise typer.Exit(2) from None
        async with opened.db.transaction() as session:
            member = await member_by_phone(session, normalised)
            if member is None:
                console.print(texts.INVITE_NOT_FOUND.format(phone=phone))
                raise typer.Exit(1)
            issued = await identity.issue_invite(
                session, member, None, opened.engine.clock(), settings.invite_ttl_hours
            )
        expires = issued.expires_at.astimezone(settings.tz).strftime("%H:%M %d/%m/%Y")
        console.print(
            texts.INVITE_DONE.format(
                name=member.full_name, code=issued.code, expires=expires, token=issued.token
            )
        )

    run_with_app(settings, body)


@app.command()
def demo(
    seed_only: Annotated[
        bool, typer.Option("--seed-only", help="Write the demo database and exit.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the accounts as JSON.")] = False,
    files: Annotated[Path, typer.Option(help="Where QR codes and PDFs are written.")] = Path(
        "partybot-files"
    ),
    db: DbOption = None,
) -> None:
    """Seed a demo ward into a local SQLite file and open a console chat (no token needed)."""
    import json

    from partybot.bot.chat import run_chat
    from partybot.bot.demo import seed
    from partybot.bot.reports import print_demo_intro

    settings = settings_for(db)
    if "database_url" not in settings.model_fields_set:
        settings = settings.model_copy(update={"database_url": DEMO_DATABASE})

    async def body(opened: App) -> None:
        accounts = await seed(opened.db, opened.engine.clock(), settings.invite_ttl_hours)
        if as_json:
            print(json.dumps([a.as_dict() for a in accounts], ensure_ascii=False, indent=2))
        else:
            print_demo_intro(console, opened.db.safe_url, accounts, interactive=not seed_only)
        if not seed_only:
            await run_chat(opened, files, None, None)

    run_with_app(settings, body, migrate=True)


DEMO_DATABASE = "sqlite+aiosqlite:///./partybot-demo.db"
