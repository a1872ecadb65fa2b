"""The outbox delivery worker: takes due rows from the database and sends them through channels.

Each row goes to the member's most recently used reachable account whose channel this process
can send on, falling back to their other accounts when one turns out blocked. Rows of one member
leave one at a time and in order (the claim only offers the head of each member's queue). Sending
is paced by each channel's rate limiter inside its sender; what the channel answers decides what
happens next:

- 429 (`RetryLater`): the channel pauses for the `retry_after` it gave; the row goes back
  uncharged.
- 5xx or network trouble (`Transient`): the channel pauses with a growing, jittered backoff. The
  row is charged a failed attempt only if the channel was healthy when it failed — an outage does
  not use up the attempts of every queued row — and after OUTBOX_MAX_ATTEMPTS charges it is dead.
- blocked (`Unreachable`): the account is marked unreachable and the next account is tried; with
  none left the row is dead and the member's secretary is told, once.
- refused (`Rejected`): dead at once; retrying would not help.

Every outcome is written right after the send (deliveries that finish within a few milliseconds
of each other share one UPDATE); while the database is unreachable an outcome is retried until
it is written, and no new rows are claimed.

Several workers share a bot's rate limit only through Redis (REDIS_URL). Without it, on
PostgreSQL, a worker sends only while it holds an advisory lock, so extra workers wait as
standbys instead of multiplying the rate.
"""

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from partybot.dialogs.engine import Clock, system_clock
from partybot.dialogs.model import Reply
from partybot.handlers.sending import Rejected, RetryLater, Sender, Transient, Unreachable
from partybot.services import outbox, reachability
from partybot.services.outbox import Claimed
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.locks import AdvisoryLock
from partybot.storage.models import ChannelAccount

log = logging.getLogger(__name__)

Render = Callable[[str, dict[str, Any]], Reply]
Accounts = dict[int, list[ChannelAccount]]
T = TypeVar("T")

DEFER = timedelta(minutes=10)  # a member reachable only on channels this process cannot send on
SENT_BATCH_SECONDS = 0.02  # deliveries finishing this close together are recorded in one UPDATE
PROBE_WAIT = 1.0  # seconds a row waits while another send probes a failing channel
DRAIN_CLAIM_RETRIES = 20
DB_RETRY_MAX = 30.0  # seconds between attempts to reach a database that is down
SENDER_LOCK_KEY = 0x7061727470  # held by the one sending worker when there is no shared limiter


@dataclass
class ChannelGate:
    """One channel's health as this worker sees it: paused after a 429 or a failure."""

    pause_max: float
    rng: random.Random
    paused_until: float = 0.0  # time.monotonic()
    failures: int = 0  # consecutive failed sends on this channel
    probing: bool = False  # while failing, one send at a time finds out if it is back

    def remaining(self) -> float:
        return max(0.0, self.paused_until - time.monotonic())

    def throttled(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    def failed(self) -> bool:
        """Pause with jittered exponential backoff; True when the channel had been healthy."""
        self.failures += 1
        ceiling = min(self.pause_max, 2.0 ** (self.failures - 1))
        self.throttled(self.rng.uniform(ceiling / 2, ceiling))
        return self.failures == 1

    def succeeded(self) -> None:
        self.failures = 0


@dataclass
class WorkerStats:
    """What this worker did since it started (for logs and tests)."""

    sent: int = 0
    retried: int = 0
    dead: int = 0
    deferred: int = 0
    db_errors: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)


class OutboxWorker:
    """Delivers outbox rows until stopped; several may run against one PostgreSQL database."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        render: Render,
        senders: Mapping[str, Sender],
        clock: Clock = system_clock,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.render = render
        self.senders = dict(senders)
        self.clock = clock
        self.rng = rng or random.Random()
        self.gates = {
            name: ChannelGate(settings.outbox_channel_pause_max_seconds, self.rng)
            for name in self.senders
        }
        self.stats = WorkerStats()
        shared = bool(settings.redis_url) or db.is_sqlite
        self.lock = None if shared else AdvisoryLock(db, SENDER_LOCK_KEY, "outbox sender")
        self._lock_checked = 0.0
        self._tasks: set[asyncio.Task[None]] = set()
        self._sent_batch: list[tuple[int, str, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()

    # -- running -------------------------------------------------------------------------------

    async def run(self) -> None:
        """Claim and deliver until `stop()`; cancelling the task instead is a hard kill.

        After a hard kill the rows it had claimed are delivered by any worker once their lease
        (OUTBOX_LEASE_SECONDS) runs out.
        """
        self._stopping.clear()
        try:
            while not self._stopping.is_set():
                if not await self._may_send():
                    await self._idle(self.settings.lock_retry_seconds)
                elif self._room() <= 0:
                    await self._idle(self.settings.outbox_poll_seconds)
                elif not await self._claim_more():
                    await self._idle(self._idle_seconds())
            if self._tasks:
                await asyncio.wait(self._tasks)
            if self.lock is not None:
                await self.lock.release()
        except asyncio.CancelledError:
            for task in [*self._tasks, self._flusher]:
                if task is not None:
                    task.cancel()
            raise

    async def stop(self) -> None:
        """Stop claiming; `run` returns once the sends in flight are done and recorded."""
        self._stopping.set()
        self._wake.set()

    async def drain(self) -> int:
        """Deliver everything deliverable now, then return how many rows were handled."""
        handled = failures = 0
        while True:
            claimed = await self._claim_more() if self._room() > 0 else 0
            if claimed is None:  # the database did not answer: try again, a few times
                failures += 1
                if failures > DRAIN_CLAIM_RETRIES:
                    raise RuntimeError("outbox: the database keeps refusing claims")
                await asyncio.sleep(self.settings.outbox_poll_seconds)
                continue
            handled += claimed
            if not claimed:
                if not self._tasks:
                    return handled
                await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)

    async def _may_send(self) -> bool:
        """Without a shared limiter, only the worker holding the sender lock sends."""
        lock = self.lock
        if lock is None:
            return True
        if lock.held:
            if time.monotonic() - self._lock_checked < self.settings.lock_retry_seconds:
                return True
            self._lock_checked = time.monotonic()
            if await lock.still_held():
                return True
            log.warning("outbox: lost the sender lock; standing by")
        try:
            got = await lock.acquire()
        except Exception:
            self.stats.db_errors += 1
            log.warning("outbox: cannot reach the database for the sender lock", exc_info=True)
            return False
        if got:
            self._lock_checked = time.monotonic()
            log.info("outbox: this worker sends (no REDIS_URL: one sending worker at a time)")
        return got

    def _room(self) -> int:
        return self.settings.outbox_concurrency - len(self._tasks)

    def _idle_seconds(self) -> float:
        pauses = [gate.remaining() for gate in self.gates.values()]
        if pauses and all(pauses):
            return min(pauses)  # every channel is paused: nothing to claim before then
        return self.settings.outbox_poll_seconds

    async def _idle(self, seconds: float) -> None:
        """Wait for the poll interval, a finished send (it may free a member's next row) or stop."""
        if self._stopping.is_set():
            return
        self._wake.clear()
        waiter = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait(
                {waiter, *self._tasks}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            waiter.cancel()

    async def _claim_more(self) -> int | None:
        """Claim as many rows as there is room for and start sending them.

        Returns how many (0: nothing due now), or None when the database could not be asked.
        """
        if self.gates and all(gate.remaining() for gate in self.gates.values()):
            return 0
        now = self.clock()
        limit = min(self._room(), self.settings.outbox_batch_size)
        lease = timedelta(seconds=self.settings.outbox_lease_seconds)
        quiet = outbox.in_quiet_hours(now, self.settings)

        async def take(session: AsyncSession) -> tuple[list[Claimed], Accounts]:
            rows = await outbox.claim(session, now, limit, lease, quiet)
            accounts = await reachability.accounts_by_member(session, {r.member_id for r in rows})
            return rows, accounts

        try:
            rows, accounts = await self._in_transaction(take)
        except Exception:
            self.stats.db_errors += 1
            log.warning("outbox: cannot claim rows, will retry", exc_info=True)
            return None
        for row in rows:
            task = asyncio.create_task(self._deliver(row, accounts[row.member_id]))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(rows)

    # -- one row ---------------------------------------------------------------------------------

    async def _deliver(self, row: Claimed, accounts: list[ChannelAccount]) -> None:
        try:
            reply = self.render(row.event, row.params)
        except Exception as problem:
            log.exception("outbox: cannot render row %s (%s)", row.id, row.event)
            await self._dead(row, f"render: {problem!r}")
            return
        remaining = [a for a in accounts if reachability.is_reachable(a)]
        for account in list(remaining):
            sender = self.senders.get(account.channel)
            if sender is None:
                continue
            if not await self._send(row, account, sender, reply):
                return
            remaining.remove(account)
        if remaining:
            channels = ", ".join(sorted({a.channel for a in remaining}))
            self.stats.deferred += 1
            await self._retry(row, DEFER.total_seconds(), f"no sender for {channels}", False)
            return
        await self._unreachable(row, bool(accounts))

    async def _send(
        self, row: Claimed, account: ChannelAccount, sender: Sender, reply: Reply
    ) -> bool:
        """One attempt on one account, its outcome recorded; True when the account is gone."""
        channel = account.channel
        gate = self.gates[channel]
        wait = gate.remaining() or (PROBE_WAIT if gate.probing else 0.0)
        if wait:
            await self._retry(row, wait, "channel paused", charge=False, channel=channel)
            return False
        probe = gate.failures > 0
        gate.probing = probe
        try:
            async with asyncio.timeout(self.settings.outbox_send_timeout_seconds):
                await sender.send(account.external_id, [reply])
        except RetryLater as slow:
            gate.throttled(slow.seconds)
            await self._retry(row, slow.seconds, f"429: {slow}", charge=False, channel=channel)
            return False
        except (Transient, TimeoutError) as trouble:
            charge = gate.failed()
            if charge and row.attempts + 1 >= self.settings.outbox_max_attempts:
                await self._dead(row, f"failed: {trouble!r}", channel)
            else:
                delay = self._backoff(row.attempts + 1) if charge else gate.remaining()
                await self._retry(row, delay, f"failed: {trouble!r}", charge, channel)
            return False
        except Unreachable as gone:
            reason = str(gone) or "unreachable"
            await self._record(
                lambda s: reachability.mark_unreachable(s, account.id, reason, self.clock())
            )
            log.info("outbox: %s account %s is unreachable: %s", channel, account.id, reason)
            return True
        except Rejected as refused:
            await self._dead(row, f"rejected: {refused}", channel)
            return False
        except Exception as bug:
            log.exception("outbox: sender %s failed on row %s", channel, row.id)
            if row.attempts + 1 >= self.settings.outbox_max_attempts:
                await self._dead(row, f"error: {bug!r}", channel)
            else:
                await self._retry(row, self._backoff(row.attempts + 1), repr(bug), True, channel)
            return False
        finally:
            if probe:
                gate.probing = False
        gate.succeeded()
        await self._record_sent(row.id, channel)
        self.stats.sent += 1
        self.stats.by_channel[channel] = self.stats.by_channel.get(channel, 0) + 1
        return False

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter, capped at OUTBOX_BACKOFF_MAX_SECONDS."""
        base = self.settings.outbox_backoff_base_seconds
        ceiling = min(self.settings.outbox_backoff_max_seconds, base * 2 ** (attempt - 1))
        return self.rng.uniform(ceiling / 2, ceiling)

    async def _retry(
        self, row: Claimed, delay: float, error: str, charge: bool, channel: str | None = None
    ) -> None:
        self.stats.retried += 1

        async def write(session: AsyncSession) -> None:
            now = self.clock()
            at = now + timedelta(seconds=delay)
            await outbox.retry(session, row.id, at, now, error, charge, channel)

        await self._record(write)

    async def _dead(self, row: Claimed, error: str, channel: str | None = None) -> None:
        self.stats.dead += 1
        log.warning("outbox: row %s (%s) is dead: %s", row.id, row.event, error)
        await self._record(lambda s: outbox.dead(s, row.id, self.clock(), error, channel))

    async def _unreachable(self, row: Claimed, had_accounts: bool) -> None:
        """No account left to try: the row is dead, and the secretary hears of it once."""
        self.stats.dead += 1
        error = "unreachable on every channel" if had_accounts else "no linked account"

        async def write(session: AsyncSession) -> None:
            now = self.clock()
            await outbox.dead(session, row.id, now, error, charge=False)
            if had_accounts:
                await reachability.tell_secretary(session, row.member_id, now)

        await self._record(write)

    # -- the database --------------------------------------------------------------------------

    async def _record_sent(self, row_id: int, channel: str) -> None:
        """Record a delivery together with the others that finished within a few milliseconds.

        One UPDATE per batch instead of one transaction per message keeps the database (and the
        connection pool) far from being what limits sending.
        """
        done = asyncio.get_running_loop().create_future()
        self._sent_batch.append((row_id, channel, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_sent())
        await done

    async def _flush_sent(self) -> None:
        while self._sent_batch:
            await asyncio.sleep(SENT_BATCH_SECONDS)
            batch, self._sent_batch = self._sent_batch, []
            by_channel: dict[str, list[int]] = {}
            for row_id, channel, _done in batch:
                by_channel.setdefault(channel, []).append(row_id)

            await self._record(partial(self._write_sent, by_channel))
            for _row_id, _channel, done in batch:
                if not done.done():
                    done.set_result(None)

    async def _write_sent(self, by_channel: dict[str, list[int]], session: AsyncSession) -> None:
        now = self.clock()
        for channel, row_ids in by_channel.items():
            await outbox.sent(session, row_ids, channel, now)

    async def _in_transaction(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self.db.transaction() as session:
            return await work(session)

    async def _record(self, work: Callable[[AsyncSession], Awaitable[Any]]) -> None:
        """Write an outcome, retrying until the database takes it (it may be restarting)."""
        delay = 0.05
        while True:
            try:
                await self._in_transaction(work)
                return
            except Exception:
                self.stats.db_errors += 1
                log.warning("outbox: cannot record an outcome, retrying", exc_info=True)
                await asyncio.sleep(delay)
                delay = min(DB_RETRY_MAX, delay * 2)
