"""The scheduler: ticks every registered sweep on its crontab schedule, and only one ticks.

Sweeps hold the logic ("who should have been reminded by now and was not") and are safe to run
twice, so the scheduler stays dumb: an APScheduler `AsyncIOScheduler` with one cron job per sweep,
in the business time zone. Schedules come from each sweep's registration and may be overridden
with SWEEP_SCHEDULES; every schedule is checked before anything starts.

One scheduler per database: on PostgreSQL the one that holds a session advisory lock ticks, and
any other waits as a standby and takes over when the holder's connection goes away. On SQLite
there is one process anyway. Whoever becomes the ticking scheduler first runs every sweep once,
which is how reminders missed during downtime go out.
"""

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from partybot.dialogs.engine import Clock, system_clock
from partybot.services.sweeps import SWEEPS, Sweep
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.locks import AdvisoryLock

log = logging.getLogger(__name__)

OFF = "off"
LOCK_KEY = 0x7061727479  # "party": the advisory lock only the ticking scheduler holds
FORMAT = "minute hour day month day-of-week, e.g. '*/15 * * * *' or '30 8 5,20 * *'"


class ScheduleError(ValueError):
    """A schedule cannot be used; the message names the sweep, the schedule and the fix."""


@dataclass(frozen=True)
class Planned:
    sweep: Sweep
    schedule: str
    trigger: CronTrigger


def parse_schedule(name: str, schedule: str, tz: ZoneInfo) -> CronTrigger:
    """A crontab line as a trigger in `tz`; the day of week must be written as names.

    APScheduler 3 counts weekdays from Monday = 0 while cron counts from Sunday = 0, so a
    number there would silently mean another day; names (mon-fri, sun) mean the same to both.
    """
    where = f"Schedule {schedule!r} of sweep {name!r}"
    fields = schedule.split()
    if len(fields) != 5:
        raise ScheduleError(f"{where} needs 5 fields ({FORMAT}) or {OFF!r}.")
    if any(ch.isdigit() for ch in fields[4]):
        raise ScheduleError(
            f"{where}: write the day of week as names (mon, tue, …, sun; e.g. mon-fri), "
            "not numbers."
        )
    try:
        return CronTrigger.from_crontab(schedule, timezone=tz)
    except ValueError as problem:
        raise ScheduleError(f"{where} is not valid: {problem} ({FORMAT}).") from None


def plan(settings: Settings, sweeps: Mapping[str, Sweep] = SWEEPS) -> list[Planned]:
    """Every sweep with the schedule it will run on; raises ScheduleError on any bad one."""
    unknown = sorted(set(settings.sweep_schedules) - set(sweeps))
    if unknown:
        raise ScheduleError(
            f"SWEEP_SCHEDULES names unknown sweeps: {', '.join(unknown)}. "
            f"Known sweeps: {', '.join(sorted(sweeps)) or 'none'}."
        )
    planned = []
    for name, sweep in sorted(sweeps.items()):
        schedule = " ".join(settings.sweep_schedules.get(name, sweep.schedule).split())
        if schedule.lower() == OFF:
            continue
        planned.append(Planned(sweep, schedule, parse_schedule(name, schedule, settings.tz)))
    return planned


class SweepScheduler:
    """Runs the sweeps on their schedules while this process is the ticking scheduler."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock = system_clock,
        sweeps: Mapping[str, Sweep] | None = None,
    ) -> None:
        if sweeps is None:
            from partybot.dialogs import installed  # noqa: F401  (each procedure adds its sweeps)

            sweeps = SWEEPS
        self.db = db
        self.settings = settings
        self.clock = clock
        self.planned = plan(settings, sweeps)
        self.aps = AsyncIOScheduler(timezone=settings.tz)
        self.lock = None if db.is_sqlite else AdvisoryLock(db, LOCK_KEY, "scheduler")
        self.runs: dict[str, int] = {}  # completed runs per sweep, for logs and tests
        self._running = {planned.sweep.name: asyncio.Lock() for planned in self.planned}
        self._leading = asyncio.Event()
        self._stopping = asyncio.Event()
        self._watch: asyncio.Task[None] | None = None

    @property
    def leading(self) -> bool:
        return self._leading.is_set()

    async def start(self) -> None:
        for planned in self.planned:
            self.aps.add_job(
                self.tick,
                planned.trigger,
                args=[planned.sweep.name],
                id=planned.sweep.name,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
            )
        self.aps.start()
        for name, when in self.next_runs().items():
            log.info("scheduler: sweep %s next at %s", name, when)
        self._watch = asyncio.create_task(self._keep_leading())

    async def stop(self) -> None:
        self._stopping.set()
        if self.aps.running:
            self.aps.shutdown(wait=False)
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
        for lock in self._running.values():  # let a sweep in progress finish its batch
            async with lock:
                pass
        if self.lock is not None:
            await self.lock.release()
        self._leading.clear()

    def next_runs(self) -> dict[str, datetime]:
        return {job.id: job.next_run_time for job in self.aps.get_jobs()}

    async def wait_leading(self) -> None:
        await self._leading.wait()

    async def tick(self, name: str) -> int | None:
        """Run one sweep now (if this scheduler is the ticking one); None when skipped."""
        if not self.leading:
            return None
        planned = next(p for p in self.planned if p.sweep.name == name)
        async with self._running[name]:
            now = self.clock()
            try:
                queued = await planned.sweep.run(self.db, now, self.settings)
            except Exception:
                log.exception("scheduler: sweep %s failed; it runs again at its next tick", name)
                return None
        self.runs[name] = self.runs.get(name, 0) + 1
        log.info("scheduler: sweep %s queued %s", name, queued)
        return queued

    async def _keep_leading(self) -> None:
        """Take the lead when free (then catch up), keep checking it, stand by otherwise."""
        log.info("scheduler: started; ticking only while holding the lead")
        while not self._stopping.is_set():
            if await self._check_lead():
                if not self.leading:
                    self._leading.set()
                    log.info("scheduler: ticking; catching up on every sweep")
                    for planned in self.planned:
                        await self.tick(planned.sweep.name)
            elif self.leading:
                self._leading.clear()
                log.warning("scheduler: no longer the ticking scheduler")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.settings.lock_retry_seconds)

    async def _check_lead(self) -> bool:
        if self.lock is None:
            return True
        if self.lock.held:
            return await self.lock.still_held()
        try:
            got = await self.lock.acquire()
        except Exception:
            log.warning("scheduler: cannot reach the database for the lock", exc_info=True)
            return False
        return got
