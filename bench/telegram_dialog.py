"""Telegram channel throughput and latency, next to a bare aiogram echo bot, same run.

N simulated users (default 200) walk a seven-update dialog: /start, share their contact
(onboarding), open "Thủ tục mẫu", tap an answer, type a date, an amount and a note. Each bot
runs in its own process and talks HTTP to a Bot API emulator of its own
(tests/emulators/telegram.py); the emulators play the users in this process. Latency is
update-to-reply: from queueing an update to the arrival of the message that carries the next
question (for the echo bot: its echo).

Each bot first serves a warm-up crowd of the same size, not measured: a bot runs for weeks, and
what its first updates pay once (pydantic building the schema of each aiogram type on first use,
pools opening their connections, lazy imports) is not its throughput. Then two phases:
- saturation: every user sends the next update as soon as the reply arrives; gives the
  ceiling in updates/s (and the queueing latency that comes with it). A crowd is done in two or
  three seconds, where a busy moment of the machine weighs a lot, so the bots take turns over
  --rounds fresh crowds each (3) and the ratio to the echo bot is taken between medians;
- paced: users think 5-15 s between updates (an elderly member reads the question, then taps;
  --think changes it); gives the latency that crowd sees. One bot at a time.

The emulator's flood limits are off and the bot's own pacing is set out of the way: this
measures the framework and the engine, not Telegram's 30 messages/s quota.

    .venv/bin/python bench/telegram_dialog.py [--users 200] [--rounds 3] [--think 5 15]
        [--postgres URL] [--skip-sqlite]

PostgreSQL runs when --postgres (or TEST_DATABASE_URL) names a server; a database is created
there for the run and dropped afterwards.
"""

import argparse
import asyncio
import gc
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.emulators.telegram import BotMessage, TelegramEmulator  # noqa: E402

TOKEN = "123456789:BENCH-emulator-token"
FIRST_USER_ID = 10_000
STEPS = ["start", "contact", "Thủ tục mẫu", "Nộp đảng phí", "15/03/2026", "7 triệu", "Ghi chú"]


# -- the bots (child processes) ------------------------------------------------------------------


async def serve_echo(api_base: str) -> None:
    """The framework's ceiling: aiogram's own polling, one answer per update, nothing else."""
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "ok")

    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
    await dp.start_polling(bot, handle_signals=False, polling_timeout=10)


async def serve_partybot(api_base: str, db_url: str) -> None:
    from partybot.bot.run import settle_heap
    from partybot.dialogs.engine import Engine
    from partybot.handlers.telegram import TelegramChannel
    from partybot.settings import Settings
    from partybot.storage.db import Database
    from tests.support.sample_dialog import registry_with_samples

    settings = Settings(
        _env_file=None,
        database_url=db_url,
        telegram_bot_token=TOKEN,
        telegram_api_base=api_base,
        telegram_global_rate=1e6,
        telegram_per_chat_rate=1e6,
        telegram_per_chat_burst=1000,
        telegram_poll_timeout=10,
    )
    db = Database(db_url)
    channel = TelegramChannel(settings, Engine(db, settings, registry=registry_with_samples()))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await channel.start()
    settle_heap()  # as `partybot run` does once started
    await stop.wait()
    await channel.stop()
    await db.dispose()


async def serve_forever(coroutine: Callable[[], object]) -> None:
    task = asyncio.ensure_future(coroutine())  # type: ignore[arg-type]
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await asyncio.wait([task, asyncio.ensure_future(stop.wait())], return_when="FIRST_COMPLETED")
    task.cancel()


# -- databases -----------------------------------------------------------------------------------


async def seed(db_url: str, count: int) -> None:
    """A migrated database with one cell and `count` members, phones +8491300xxxxx."""
    from partybot.storage.db import Database
    from partybot.storage.models import OrgKind
    from tests.support.world import add_member, add_org

    db = Database(db_url)
    await db.upgrade()
    async with db.transaction() as session:
        ward = await add_org(session, "DU-B", "Đảng ủy phường Bench", OrgKind.COMMITTEE)
        cell = await add_org(session, "CB-B", "Chi bộ Bench", OrgKind.CELL, ward)
        for n in range(count):
            await add_member(session, f"Đảng viên {n}", phone(n), cell)
    await db.dispose()


def phone(n: int) -> str:
    return f"+849130{n:05d}"


async def create_postgres(server_url: str) -> str:
    import asyncpg
    from sqlalchemy.engine import make_url

    name = f"partybot_bench_{uuid.uuid4().hex[:8]}"
    dsn = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def drop_postgres(server_url: str, url: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    dsn = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await admin.close()


# -- the users (this process) --------------------------------------------------------------------


class Replies:
    """Routes the bot's messages to the user waiting for them (one watcher for everyone)."""

    def __init__(self, emu: TelegramEmulator, complete: Callable[[BotMessage], bool]) -> None:
        self.emu = emu
        self.complete = complete
        self.seen = len(emu.bot_messages)
        self.waiting: dict[int, asyncio.Future[float]] = {}

    def expect(self, chat_id: int) -> "asyncio.Future[float]":
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = future
        return future

    async def run(self) -> None:
        while True:
            await self.emu.wait_for(lambda: len(self.emu.bot_messages) > self.seen, 3600)
            fresh = self.emu.bot_messages[self.seen :]
            self.seen += len(fresh)
            for message in fresh:
                waiter = self.waiting.get(message.chat_id)
                if waiter is not None and self.complete(message):
                    del self.waiting[message.chat_id]
                    waiter.set_result(message.time)


async def walk(
    emu: TelegramEmulator, replies: Replies, n: int, think: tuple[float, float]
) -> list[float]:
    """Seeded member n's dialog, as Telegram user FIRST_USER_ID + n."""
    user = emu.user(FIRST_USER_ID + n, f"Người {n}", phone_number=phone(n))
    latencies = []
    if think[1]:
        await asyncio.sleep(random.uniform(0, think[1]))  # people do not all start at once
    for step in STEPS:
        arrived = replies.expect(user.id)
        sent = time.monotonic()
        if step == "start":
            await user.send_command("/start")
        elif step == "contact":
            await user.share_contact(phone(n))
        else:
            await user.send_text(step)
        latencies.append(await asyncio.wait_for(arrived, 60) - sent)
        if think[1]:
            await asyncio.sleep(random.uniform(*think))
    return latencies


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), robust to a busy machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    bot: str
    phase: str
    updates: int
    seconds: float
    latencies: list[float]
    cpu: float  # seconds of CPU the bot process used during the phase

    @property
    def saturated(self) -> bool:
        return self.phase.startswith("saturation")

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def row(self) -> str:
        return (
            f"| {self.bot} | {self.phase} | {self.updates} | {self.rate:.0f} | "
            f"{self.quantile(0.5):.1f} | {self.quantile(0.99):.1f} | "
            f"{max(self.latencies) * 1000:.1f} | {self.cpu / self.updates * 1000:.2f} |"
        )


def complete_reply(message: BotMessage) -> bool:
    """partybot's answer to a step ends with the next question, which carries the keyboard."""
    return "keyboard" in (message.reply_markup or {})


async def phase(
    emu: TelegramEmulator,
    pid: int,
    bot: str,
    name: str,
    first: int,
    users: int,
    think: tuple[float, float],
) -> Result:
    """Seeded members first … first + users - 1 walk the dialog at once."""
    # The harness's heap so far (emulators' records, earlier crowds) is kept out of the cycle
    # collector: its full collections, 0.15-0.27 s here, would stall the emulator and the users
    # and be counted as the bot's latency.
    gc.collect()
    gc.freeze()
    replies = Replies(emu, complete_reply if bot.startswith("partybot") else lambda _: True)
    watcher = asyncio.create_task(replies.run())
    started, cpu = time.monotonic(), cpu_seconds(pid)
    walks = await asyncio.gather(*(walk(emu, replies, first + n, think) for n in range(users)))
    seconds, cpu = time.monotonic() - started, cpu_seconds(pid) - cpu
    watcher.cancel()
    latencies = [value for one in walks for value in one]
    return Result(bot, name, len(latencies), seconds, latencies, cpu)


class BotRun:
    """One bot in its own process, on an emulator of its own; each crowd is new to it."""

    def __init__(self, name: str, emu: TelegramEmulator, command: list[str], users: int) -> None:
        self.name = name
        self.emu = emu
        self.command = command
        self.users = users
        self.crowds = 0
        self.child: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        self.child = subprocess.Popen(self.command, cwd=ROOT)  # noqa: ASYNC220 - not awaited
        await self.emu.wait_for(lambda: bool(self.emu.calls_to("getUpdates")), 60)

    async def crowd(self, name: str, pace: tuple[float, float]) -> Result:
        assert self.child is not None
        n, self.crowds = self.crowds * self.users, self.crowds + 1
        return await phase(self.emu, self.child.pid, self.name, name, n, self.users, pace)

    def stop(self) -> None:
        if self.child is not None:
            self.child.send_signal(signal.SIGTERM)
            self.child.wait(30)


def child_command(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", *args]


async def main(arguments: argparse.Namespace) -> None:
    users, rounds, think = arguments.users, arguments.rounds, tuple(arguments.think)
    population = (rounds + 2) * users
    postgres_server = arguments.postgres or os.environ.get("TEST_DATABASE_URL", "")
    bots: list[BotRun] = []
    results: list[Result] = []
    async with AsyncExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())

        async def add(name: str, *args: str) -> None:
            emu = await stack.enter_async_context(TelegramEmulator(TOKEN, limits=False))
            bots.append(BotRun(name, emu, child_command(args[0], emu.base_url, *args[1:]), users))

        await add("echo (aiogram)", "echo")
        if not arguments.skip_sqlite:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
            await seed(url, population)
            await add("partybot, SQLite", "partybot", url)
        if postgres_server:
            url = await create_postgres(postgres_server)
            stack.push_async_callback(drop_postgres, postgres_server, url)
            await seed(url, population)
            await add("partybot, PostgreSQL", "partybot", url)
        for bot in bots:
            stack.callback(bot.stop)
            await bot.start()
        for bot in bots:
            await bot.crowd("warm-up", (0, 0))
        for r in range(rounds):  # taken in turns, so a slow moment of the machine hits all bots
            for bot in bots:
                results.append(await bot.crowd(f"saturation {r + 1}/{rounds}", (0, 0)))
        for bot in bots:
            results.append(await bot.crowd(f"paced {think[0]:g}-{think[1]:g} s", think))
    print(
        f"\n{users} users x {len(STEPS)} updates, bot in its own process, cores: {os.cpu_count()}"
    )
    print("| bot | phase | updates | updates/s | p50 ms | p99 ms | max ms | bot CPU ms/update |")
    print("|---|---|---|---|---|---|---|---|")
    for bot in bots:
        for result in results:
            if result.bot == bot.name:
                print(result.row())
    ceilings = {
        bot.name: statistics.median(r.rate for r in results if r.bot == bot.name and r.saturated)
        for bot in bots
    }
    echo = ceilings.pop("echo (aiogram)")
    print(f"echo (aiogram): median {echo:.0f} updates/s saturated")
    for name, rate in ceilings.items():
        print(f"{name}: median {rate:.0f} updates/s saturated, {rate / echo:.2f} x the echo bot")


def child(argv: list[str]) -> None:
    logging.basicConfig(level=logging.WARNING)
    if argv[0] == "echo":
        asyncio.run(serve_forever(lambda: serve_echo(argv[1])))
    else:
        asyncio.run(serve_partybot(argv[1], argv[2]))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
    else:
        parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
        parser.add_argument("--users", type=int, default=200)
        parser.add_argument("--rounds", type=int, default=3, help="saturated crowds per bot")
        parser.add_argument("--think", type=float, nargs=2, default=[5.0, 15.0])
        parser.add_argument("--postgres", default="", help="PostgreSQL server URL")
        parser.add_argument("--skip-sqlite", action="store_true")
        asyncio.run(main(parser.parse_args()))
