"""`partybot run`: the channels (on one web server), the outbox worker and the scheduler.

All three run in one process by default; `--only` runs one part, so that a city can run several
channel processes behind a load balancer, several workers, and one scheduler (plus a standby).
A worker-only process still builds the channels, for their senders, but does not start them.

Stopping (SIGINT or SIGTERM) goes in the order that loses nothing: the web server stops taking
webhooks, the worker finishes the sends in flight, the scheduler lets a running sweep finish,
then the channels stop receiving and close their connections.
"""

import asyncio
import gc
import logging
import signal
from collections.abc import Sequence
from enum import StrEnum

from aiohttp import web

from partybot.bot.app import App
from partybot.bot.channels import Channel, build_channels
from partybot.bot.scheduler import SweepScheduler
from partybot.bot.worker import OutboxWorker
from partybot.handlers import bank_webhook
from partybot.handlers.files_web import add_file_routes

log = logging.getLogger(__name__)


class Part(StrEnum):
    CHANNELS = "channels"
    WORKER = "worker"
    SCHEDULER = "scheduler"


ALL_PARTS = frozenset(Part)


async def health(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def build_web_app(app: App, channels: Sequence[Channel]) -> web.Application:
    """The one web server of a channels process.

    It carries every channel's webhook routes, /healthz, the bank's payment notifications
    (answering 503 until a key is set) and the files Zalo fetches by URL (unguessable, expiring).
    """
    web_app = web.Application()
    web_app.router.add_get("/healthz", health)
    for channel in channels:
        channel.add_routes(web_app)
    bank_webhook.add_routes(web_app, app)
    add_file_routes(web_app, app.db, app.engine.clock)
    return web_app


class Runner:
    """The parts of `partybot run` this process runs, started and stopped in a safe order."""

    def __init__(self, app: App, parts: frozenset[Part] = ALL_PARTS) -> None:
        self.app = app
        self.parts = parts
        # Built first: a malformed schedule stops the start before anything is running.
        self.scheduler = (
            SweepScheduler(app.db, app.settings, app.engine.clock)
            if Part.SCHEDULER in parts
            else None
        )
        self.channels: list[Channel] = (
            build_channels(app) if parts & {Part.CHANNELS, Part.WORKER} else []
        )
        self.worker: OutboxWorker | None = None
        self.web: web.AppRunner | None = None
        self.address: str | None = None
        self._worker_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        settings = self.app.settings
        if Part.CHANNELS in self.parts:
            if not self.channels:
                log.warning("no channel configured (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN)")
            self.web = web.AppRunner(build_web_app(self.app, self.channels), access_log=None)
            await self.web.setup()
            await web.TCPSite(self.web, settings.web_host, settings.web_port).start()
            host, port = self.web.addresses[0][:2]
            self.address = f"http://{host}:{port}"
            log.info("web server listening on %s", self.address)
            for channel in self.channels:
                await channel.start()
                log.info("channel %s started", channel.name)
        if Part.WORKER in self.parts:
            if self.channels:
                senders = {channel.name: channel.sender for channel in self.channels}
                self.worker = OutboxWorker(
                    self.app.db,
                    settings,
                    self.app.engine.render_notice,
                    senders,
                    self.app.engine.clock,
                )
                self._worker_task = asyncio.create_task(self.worker.run())
                log.info("outbox worker started for %s", ", ".join(sorted(senders)))
            else:
                log.warning("outbox worker not started: no channel to send through")
        if self.scheduler is not None:
            await self.scheduler.start()

    async def worker_crashed(self) -> BaseException:
        """Wait until the worker ends on its own, which only a bug makes it do; never if none."""
        if self._worker_task is None:
            await asyncio.Event().wait()
        assert self._worker_task is not None
        await asyncio.wait([self._worker_task])
        if self._worker_task.cancelled():
            return asyncio.CancelledError()
        return self._worker_task.exception() or RuntimeError("the outbox worker stopped")

    async def stop(self) -> None:
        if self.web is not None:
            await self.web.cleanup()
        if self.worker is not None and self._worker_task is not None:
            await self.worker.stop()
            await asyncio.gather(self._worker_task, return_exceptions=True)
        if self.scheduler is not None:
            await self.scheduler.stop()
        for channel in self.channels:
            try:
                await channel.stop()
            except Exception:
                log.exception("channel %s did not stop cleanly", channel.name)


def settle_heap() -> None:
    """Keep what start-up built out of the cycle collector's reach from now on.

    Modules, the matcher's tables, aiogram's and SQLAlchemy's schemas: some 340,000 objects that
    live as long as the process. Each full collection walked them all, 0.12-0.21 s with every
    update in flight waiting (docs/benchmarks.md); frozen, a full collection walks only what
    came after, 3-9 ms. Garbage is collected first, so none of it is kept.
    """
    gc.collect()
    gc.freeze()


async def serve(app: App, parts: frozenset[Part] = ALL_PARTS) -> int:
    """Run until SIGINT or SIGTERM (returns 0), or until the worker crashes (returns 1)."""
    runner = Runner(app, parts)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    crash: asyncio.Task[BaseException] | None = None
    try:
        await runner.start()
        settle_heap()
        log.info("partybot running: %s", ", ".join(sorted(parts)))
        stopping = asyncio.create_task(stop.wait())
        crash = asyncio.create_task(runner.worker_crashed())
        await asyncio.wait([stopping, crash], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        log.info("partybot stopping")
        crashed = crash is not None and crash.done() and not crash.cancelled()
        if crash is not None and not crash.done():
            crash.cancel()
        await runner.stop()
    if crashed:
        assert crash is not None
        log.error("outbox worker crashed", exc_info=crash.result())
        return 1
    log.info("partybot stopped")
    return 0
