"""`partybot run` and `partybot outbox status | retry-dead`: running and watching delivery."""

import json
import logging
from dataclasses import asdict
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from partybot.bot.app import App
from partybot.bot.cliutil import DbOption, console, run_with_app, settings_for
from partybot.bot.run import ALL_PARTS, Part, serve
from partybot.bot.scheduler import ScheduleError, plan
from partybot.services import outbox

outbox_app = typer.Typer(
    help="Messages waiting to be delivered, and the dead.", no_args_is_help=True
)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def run(
    only: Annotated[
        Part | None,
        typer.Option("--only", help="Run one part only (for deployments with several processes)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Run the channels, the outbox worker and the scheduler until SIGINT or SIGTERM."""
    settings = settings_for(db)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    try:
        from partybot.dialogs import installed  # noqa: F401  (procedures register their sweeps)

        plan(settings)
    except ScheduleError as problem:
        console.print(f"[red]{problem}[/red]")
        raise typer.Exit(2) from None
    parts = frozenset({only}) if only else ALL_PARTS
    code = run_with_app(settings, lambda opened: serve(opened, parts))
    if code:
        raise typer.Exit(code)


def _when(moment: datetime | None, opened: App) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(opened.settings.tz).strftime("%H:%M %d/%m/%Y")


@outbox_app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """What waits, what is held for quiet hours, what was sent, what is dead."""

    async def body(opened: App) -> None:
        now = opened.engine.clock()
        async with opened.db.transaction() as session:
            found = await outbox.report(session, now, opened.settings)
        if as_json:
            print(json.dumps(asdict(found), default=str, ensure_ascii=False, indent=2))
            return
        lines = [
            ("Due now", found.due),
            ("Reminders held for quiet hours", found.quiet_held),
            ("Waiting (scheduled or backing off)", found.waiting),
            ("In flight", found.in_flight),
            ("Sent (last hour)", f"{found.sent} ({found.sent_last_hour})"),
            ("Dead", found.dead),
            ("Oldest due since", _when(found.oldest_due, opened)),
            ("Accounts that blocked the bot", found.unreachable_accounts),
        ]
        table = Table(title="Outbox", show_header=False)
        for label, value in lines:
            table.add_row(label, str(value))
        console.print(table)
        if found.pending_by_event:
            waiting = ", ".join(f"{e}: {n}" for e, n in found.pending_by_event.items())
            console.print(f"Pending by event: {waiting}")
        if found.recent_dead:
            dead = Table(title="Dead rows (newest first; `partybot outbox retry-dead` to retry)")
            for column in ("id", "member", "event", "attempts", "channel", "last error"):
                dead.add_column(column)
            for row in found.recent_dead:
                dead.add_row(
                    str(row.id),
                    str(row.member_id),
                    row.event,
                    str(row.attempts),
                    row.channel or "-",
                    row.last_error or "",
                )
            console.print(dead)

    run_with_app(settings_for(db), body)


@outbox_app.command("retry-dead")
def retry_dead(
    event: Annotated[
        str | None, typer.Option(help="Only dead rows of this event (e.g. approval.prompt).")
    ] = None,
    ids: Annotated[
        list[int] | None, typer.Option("--id", help="Only these row ids (repeatable).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Put dead rows back in the queue with a fresh count of attempts."""

    async def body(opened: App) -> int:
        async with opened.db.transaction() as session:
            return await outbox.retry_dead(session, opened.engine.clock(), event, ids or ())

    count = run_with_app(settings_for(db), body)
    console.print(f"{count} dead row(s) queued again.")
