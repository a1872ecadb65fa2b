"""`partybot outbox status` and `partybot outbox retry-dead`, as an operator runs them."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from partybot.bot.cli import app
from partybot.services import notifications, outbox
from partybot.storage.db import Database
from partybot.storage.models import OutboxStatus, Urgency
from tests.support import databases
from tests.support.delivery import rows
from tests.support.world import build_world


async def prepare(url: str) -> None:
    """Two rows due now, one scheduled for tomorrow, one dead after three failures."""
    db = Database(url)
    try:
        if not db.is_sqlite:
            await databases.empty_postgres(db)
        world = await build_world(db)
        now = datetime.now(UTC)
        async with db.transaction() as session:
            for who in ("an", "binh"):
                await notifications.notify(
                    session, world.people[who].id, "help.requested", {}, now - timedelta(hours=2)
                )
            await notifications.notify(
                session,
                world.people["em"].id,
                "approval.reminder",
                {},
                now,
                Urgency.REMINDER,
                available_at=now + timedelta(days=1),
            )
            await notifications.notify(session, world.people["cuong"].id, "broadcast", {}, now)
        dead_id = (await rows(db))[-1].id
        async with db.transaction() as session:
            await outbox.dead(session, dead_id, now, "rejected: Bad Request: chat not found")
    finally:
        await db.dispose()


def test_status_shows_the_queue_and_the_dead_and_retry_dead_requeues(db_url: str) -> None:
    asyncio.run(prepare(db_url))
    runner = CliRunner()
    shown = runner.invoke(app, ["outbox", "status", "--json", "--db", db_url])
    assert shown.exit_code == 0, shown.output
    figures = json.loads(shown.output)
    assert (figures["due"] + figures["quiet_held"], figures["waiting"], figures["dead"]) == (
        2,
        1,
        1,
    )
    assert figures["pending_by_event"] == {"help.requested": 2, "approval.reminder": 1}
    assert figures["dead_by_event"] == {"broadcast": 1}
    [dead] = figures["recent_dead"]
    assert dead["event"] == "broadcast" and "chat not found" in dead["last_error"]

    table = runner.invoke(app, ["outbox", "status", "--db", db_url])
    assert table.exit_code == 0 and "Dead" in table.output and "broadcast" in table.output

    none = runner.invoke(app, ["outbox", "retry-dead", "--event", "help.requested", "--db", db_url])
    assert "0 dead row(s) queued again." in none.output
    again = runner.invoke(app, ["outbox", "retry-dead", "--db", db_url])
    assert again.exit_code == 0 and "1 dead row(s) queued again." in again.output
    after = json.loads(runner.invoke(app, ["outbox", "status", "--json", "--db", db_url]).output)
    assert after["dead"] == 0 and after["pending_by_event"]["broadcast"] == 1

    async def check() -> None:
        db = Database(db_url)
        try:
            [row] = [r for r in await rows(db) if r.event == "broadcast"]
            assert row.status == OutboxStatus.PENDING and row.attempts == 0
        finally:
            await db.dispose()

    asyncio.run(check())
