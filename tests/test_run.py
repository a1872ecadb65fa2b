"""`partybot run` as a real process: Telegram polling, worker and scheduler, then SIGTERM."""

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from typer.testing import CliRunner

from partybot.bot.cli import app
from partybot.services import files, notifications
from partybot.storage.db import Database
from partybot.storage.models import Broadcast, OutboxStatus
from tests.emulators.telegram import TelegramEmulator
from tests.support.delivery import link, rows, until
from tests.support.world import World, build_world

AN, BINH = 7201, 7202
PARTYBOT = str(Path(sys.executable).parent / "partybot")
LISTENING = re.compile(r"web server listening on (http://127\.0\.0\.1:\d+)")


class Process:
    """A `partybot` child process whose log lines the test can wait for."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc.stderr is not None
        async for raw in self.proc.stderr:
            self.lines.append(raw.decode(errors="replace").rstrip())

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    async def stop(self) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.proc.wait(), 30)
        await self.reader
        return code


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator() as emulator:
        yield emulator


async def start(tmp_path: Path, env: dict[str, str], *args: str) -> Process:
    proc = await asyncio.create_subprocess_exec(
        PARTYBOT,
        "run",
        *args,
        cwd=tmp_path,  # no .env from the working tree
        env={"PATH": os.environ.get("PATH", ""), **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    return Process(proc)


def environment(db: Database, emu: TelegramEmulator) -> dict[str, str]:
    return {
        "DATABASE_URL": db.url,
        "TELEGRAM_BOT_TOKEN": emu.token,
        "TELEGRAM_API_BASE": emu.base_url,
        "TELEGRAM_POLL_TIMEOUT": "1",
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": "0",
        "OUTBOX_POLL_SECONDS": "0.1",
        "LOCK_RETRY_SECONDS": "0.2",
    }


async def waiting_work(db: Database) -> World:
    """A notice queued for An; an announcement of Bình's whose report a sweep owes her."""
    world = await build_world(db)
    seen = datetime(2026, 11, 1, tzinfo=UTC)
    await link(db, world.people["an"].id, "telegram", str(AN), seen)
    await link(db, world.people["binh"].id, "telegram", str(BINH), seen)
    now = datetime.now(UTC)
    async with db.transaction() as session:
        await notifications.notify(
            session,
            world.people["an"].id,
            "broadcast",
            {"org": "Chi bộ Tổ dân phố số 5", "sender": "Lê Văn Cường", "text": "Họp chi bộ."},
            now,
        )
        session.add(
            Broadcast(
                org_id=world.orgs["home"].id,
                sender_id=world.people["binh"].id,
                text="Họp chi bộ sáng Chủ nhật.",
                skipped=4,
                created_at=now,
            )
        )
    return world


async def test_one_process_runs_channels_worker_and_scheduler_and_stops_on_sigterm(
    db, emu, tmp_path
) -> None:
    if not db.is_sqlite:
        pytest.skip("one process is the ward's set-up; PostgreSQL runs the parts apart below")
    await waiting_work(db)
    async with db.transaction() as session:
        qr = await files.store(session, b"png", "qr.png", "image/png", datetime.now(UTC))
    env = environment(db, emu) | {"BANK_WEBHOOK_API_KEY": "right"}
    process = await start(tmp_path, env)
    try:
        await until(lambda: LISTENING.search(process.log) is not None, within=60)
        address = LISTENING.search(process.log).group(1)  # type: ignore[union-attr]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{address}/healthz") as answer:
                assert answer.status == 200 and await answer.json() == {"ok": True}
            # the same server takes the bank's notifications and serves the files Zalo fetches
            wrong_key = {"Authorization": "Apikey wrong"}
            async with http.post(f"{address}/bank/sepay", json={}, headers=wrong_key) as answer:
                assert answer.status == 401
            async with http.get(f"{address}/files/{qr.token}") as answer:
                assert answer.status == 200 and await answer.read() == b"png"
        await emu.wait_for_messages(AN, 1, timeout=30)  # the worker delivered the queued notice
        assert "Lê Văn Cường" in (emu.messages_to(AN)[0].text or "")
        await emu.wait_for_messages(BINH, 1, timeout=30)  # the scheduler caught up at start
        await emu.user(AN).send_text("menu")  # and the channel answers people
        await emu.wait_for_messages(AN, 2, timeout=30)
    finally:
        code = await process.stop()
    assert code == 0, process.log
    assert "partybot stopped" in process.log
    assert {r.status for r in await rows(db)} == {OutboxStatus.SENT}


async def test_parts_in_separate_processes_share_the_work(db, emu, tmp_path) -> None:
    if db.is_sqlite:
        pytest.skip("several processes need PostgreSQL")
    await waiting_work(db)
    env = environment(db, emu)
    scheduler = await start(tmp_path, env, "--only", "scheduler")
    standby = await start(tmp_path, env, "--only", "scheduler")
    worker = await start(tmp_path, env, "--only", "worker")
    try:
        await emu.wait_for_messages(AN, 1, timeout=60)
        await emu.wait_for_messages(BINH, 1, timeout=60)
        # The worker can be done before a scheduler is up; stopped while starting, a process
        # dies of the signal instead of stopping cleanly.
        parts, schedulers = (scheduler, standby, worker), (scheduler, standby)
        await until(
            lambda: (
                all("partybot running" in p.log for p in parts)
                and any("catching up on every sweep" in p.log for p in schedulers)
            ),
            within=60,
        )
        ticking = [p for p in schedulers if "catching up on every sweep" in p.log]
        assert len(ticking) == 1  # the advisory lock lets one scheduler tick
        assert "web server" not in worker.log and not emu.calls_to("getUpdates")
    finally:
        codes = [await p.stop() for p in (scheduler, standby, worker)]
    assert codes == [0, 0, 0], "\n".join(p.log for p in (scheduler, standby, worker))


def test_a_malformed_schedule_stops_the_start_with_a_clear_message(db_url: str) -> None:
    result = CliRunner().invoke(
        app,
        ["run", "--db", db_url],
        env={"SWEEP_SCHEDULES": '{"approvals.sla": "every quarter hour"}'},
    )
    assert result.exit_code == 2
    assert "approvals.sla" in result.output and "needs 5 fields" in result.output
