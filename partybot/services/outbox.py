"""The outbox as the delivery worker and operators see it: claims, outcomes, bulk queueing, status.

A worker claims due rows by setting a lease (`lease_until`); on PostgreSQL the candidate rows are
locked `FOR UPDATE SKIP LOCKED`, so several workers never claim the same row, and a worker that dies
leaves its rows claimable again once the lease runs out. `lease_until` stays set after the first
claim: it marks a row as started, which holds back the member's later rows (order per recipient).

Only the head of each member's queue is claimable: a row waits while an earlier row of the same
member is in flight, retrying, or due. Reminders are not claimed during quiet hours, and then they
do not hold back the prompts queued after them.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from partybot.services import reachability
from partybot.settings import Settings
from partybot.storage.models import ChannelAccount, OutboxMessage, OutboxStatus, Urgency

INSERT_CHUNK = 1000  # rows per INSERT statement: well under SQLite's bound-parameter limit
ANALYZE_MIN_ROWS = 1000


def in_quiet_hours(moment: datetime, settings: Settings) -> bool:
    """True between QUIET_HOURS_START and QUIET_HOURS_END in the business time zone."""
    start, end = settings.quiet_hours_start, settings.quiet_hours_end
    local = moment.astimezone(settings.tz).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


@dataclass(frozen=True)
class Claimed:
    """A claimed row, detached from the session: what the worker needs to deliver it."""

    id: int
    member_id: int
    event: str
    params: dict[str, Any]
    urgency: str
    attempts: int


def _not_held(urgency: Any, quiet: bool) -> ColumnElement[bool]:
    """During quiet hours a reminder is held back; otherwise nothing is."""
    return urgency != Urgency.REMINDER if quiet else true()


def _head_of_queue(row: Any, now: datetime, quiet: bool) -> ColumnElement[bool]:
    """No earlier row of the same member is in flight, retrying or due (quiet reminders aside)."""
    earlier = aliased(OutboxMessage)
    started_or_due = or_(earlier.available_at <= now, earlier.lease_until.is_not(None))
    return ~exists().where(
        earlier.member_id == row.member_id,
        earlier.id < row.id,
        earlier.status == OutboxStatus.PENDING,
        or_(earlier.lease_until > now, and_(_not_held(earlier.urgency, quiet), started_or_due)),
    )


async def claim(
    session: AsyncSession, now: datetime, limit: int, lease: timedelta, quiet: bool
) -> list[Claimed]:
    """Lease up to `limit` deliverable rows to the caller, the longest due first.

    One UPDATE … WHERE id IN (SELECT … LIMIT n) … RETURNING: a single write statement, so that on
    SQLite it takes the write lock up front (a read-then-write transaction could fail at once
    when another connection wrote in between), and on PostgreSQL the inner SELECT locks its rows
    FOR UPDATE SKIP LOCKED, so concurrent workers pick different rows.
    """
    candidate = aliased(OutboxMessage)
    candidates = (
        select(candidate.id)
        .where(
            candidate.status == OutboxStatus.PENDING,
            candidate.available_at <= now,
            or_(candidate.lease_until.is_(None), candidate.lease_until <= now),
            _not_held(candidate.urgency, quiet),
            _head_of_queue(candidate, now, quiet),
        )
        .order_by(candidate.available_at)  # exactly ix_outbox_due's order: the scan stops early
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates))
        .values(lease_until=now + lease)
        .returning(
            OutboxMessage.id,
            OutboxMessage.member_id,
            OutboxMessage.event,
            OutboxMessage.params,
            OutboxMessage.urgency,
            OutboxMessage.attempts,
        )
    )
    rows = [Claimed(*row) for row in claimed.all()]
    return sorted(rows, key=lambda row: row.id)


async def sent(session: AsyncSession, row_ids: Sequence[int], channel: str, now: datetime) -> None:
    """Record rows delivered on `channel` (one statement for a batch of them)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(row_ids)))
        .values(
            status=OutboxStatus.SENT, channel=channel, sent_at=now, lease_until=now, last_error=None
        )
    )


async def retry(
    session: AsyncSession,
    row_id: int,
    at: datetime,
    now: datetime,
    error: str,
    charge: bool,
    channel: str | None = None,
) -> None:
    """Give the row back to be tried again at `at`; `charge` counts it as a failed attempt."""
    values: dict[str, Any] = {"available_at": at, "lease_until": now, "last_error": error[:500]}
    if charge:
        values["attempts"] = OutboxMessage.attempts + 1
    if channel is not None:
        values["channel"] = channel
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(values))


async def dead(
    session: AsyncSession,
    row_id: int,
    now: datetime,
    error: str,
    channel: str | None = None,
    charge: bool = True,
) -> None:
    """Stop trying; the row stays visible to operators (`partybot outbox status`)."""
    values: dict[str, Any] = {
        "status": OutboxStatus.DEAD,
        "lease_until": now,
        "last_error": error[:500],
    }
    if charge:
        values["attempts"] = OutboxMessage.attempts + 1
    if channel is not None:
        values["channel"] = channel
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(values))


async def retry_dead(
    session: AsyncSession, now: datetime, event: str | None = None, ids: Sequence[int] = ()
) -> int:
    """Put dead rows back in the queue with a fresh count of attempts; returns how many."""
    query = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.DEAD)
    if event is not None:
        query = query.where(OutboxMessage.event == event)
    if ids:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    result = await session.execute(
        query.values(status=OutboxStatus.PENDING, attempts=0, available_at=now, last_error=None)
    )
    return int(result.rowcount)


@dataclass(frozen=True)
class Notice:
    """One row for `enqueue_many`: the same fields `notifications.notify` takes."""

    member_id: int
    event: str
    params: dict[str, Any]
    urgency: Urgency = Urgency.REMINDER
    dedup_key: str | None = None
    available_at: datetime | None = None


async def enqueue_many(session: AsyncSession, notices: Iterable[Notice], now: datetime) -> int:
    """Queue many notices with multi-row INSERTs, skipping used dedup keys; returns rows written.

    For sweeps that queue a batch at a time: one statement per thousand rows instead of one per
    row, in the caller's transaction.
    """
    module = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    written = 0
    chunk: list[dict[str, Any]] = []

    async def flush() -> int:
        statement = module.insert(OutboxMessage).values(chunk).on_conflict_do_nothing()
        result = await session.execute(statement)
        chunk.clear()
        return int(result.rowcount)

    for notice in notices:
        chunk.append(
            {
                "member_id": notice.member_id,
                "event": notice.event,
                "params": notice.params,
                "urgency": notice.urgency,
                "dedup_key": notice.dedup_key,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "available_at": notice.available_at or now,
                "created_at": now,
            }
        )
        if len(chunk) >= INSERT_CHUNK:
            written += await flush()
    if chunk:
        written += await flush()
    await refresh_statistics(session, written)
    return written


async def refresh_statistics(session: AsyncSession, written: int) -> None:
    """After a bulk insert on PostgreSQL, tell the planner that the outbox grew.

    Autovacuum notices only a minute or so later; until then the planner may think the table
    nearly empty and check each candidate row against every pending one, which makes a claim
    slow exactly when a big sweep has just queued its rows. ANALYZE runs in the caller's
    transaction (it counts the rows just written) when they are a tenth of the table or more.
    """
    if session.bind.dialect.name != "postgresql" or written < ANALYZE_MIN_ROWS:
        return
    known = await session.scalar(
        text("SELECT reltuples FROM pg_class WHERE oid = 'outbox'::regclass")
    )
    if known is None or known < 0 or written * 10 >= known:
        await session.execute(text("ANALYZE outbox"))


@dataclass(frozen=True)
class DeadRow:
    id: int
    member_id: int
    event: str
    attempts: int
    channel: str | None
    last_error: str | None
    created_at: datetime


@dataclass
class Report:
    """What an operator watches: the queue by state, the oldest wait, the dead, the unreachable."""

    due: int = 0  # pending and deliverable now
    quiet_held: int = 0  # reminders waiting for the end of quiet hours
    waiting: int = 0  # pending, due later (scheduled, or backing off after a failure)
    in_flight: int = 0  # claimed by a worker right now
    sent: int = 0
    sent_last_hour: int = 0
    dead: int = 0
    oldest_due: datetime | None = None
    pending_by_event: dict[str, int] = field(default_factory=dict)
    dead_by_event: dict[str, int] = field(default_factory=dict)
    recent_dead: list[DeadRow] = field(default_factory=list)
    unreachable_accounts: int = 0
    quiet_now: bool = False


async def report(session: AsyncSession, now: datetime, settings: Settings) -> Report:
    quiet = in_quiet_hours(now, settings)
    result = Report(quiet_now=quiet)
    pending = OutboxMessage.status == OutboxStatus.PENDING
    leased = and_(OutboxMessage.lease_until.is_not(None), OutboxMessage.lease_until > now)
    due = and_(pending, OutboxMessage.available_at <= now, not_(leased))
    held = and_(due, OutboxMessage.urgency == Urgency.REMINDER) if quiet else false()
    sent = OutboxMessage.status == OutboxStatus.SENT
    counts = (
        await session.execute(
            select(
                func.count().filter(and_(due, not_(held))),
                func.count().filter(held),
                func.count().filter(and_(pending, OutboxMessage.available_at > now, not_(leased))),
                func.count().filter(and_(pending, leased)),
                func.count().filter(sent),
                func.count().filter(and_(sent, OutboxMessage.sent_at > now - timedelta(hours=1))),
                func.count().filter(OutboxMessage.status == OutboxStatus.DEAD),
                func.min(OutboxMessage.available_at).filter(and_(due, not_(held))),
            )
        )
    ).one()
    (
        result.due,
        result.quiet_held,
        result.waiting,
        result.in_flight,
        result.sent,
        result.sent_last_hour,
        result.dead,
    ) = (int(value or 0) for value in counts[:7])
    result.oldest_due = counts[7]
    for status, target in (
        (OutboxStatus.PENDING, result.pending_by_event),
        (OutboxStatus.DEAD, result.dead_by_event),
    ):
        rows = await session.execute(
            select(OutboxMessage.event, func.count())
            .where(OutboxMessage.status == status)
            .group_by(OutboxMessage.event)
            .order_by(func.count().desc())
        )
        target.update({event: int(n) for event, n in rows})
    dead_rows = await session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.member_id,
            OutboxMessage.event,
            OutboxMessage.attempts,
            OutboxMessage.channel,
            OutboxMessage.last_error,
            OutboxMessage.created_at,
        )
        .where(OutboxMessage.status == OutboxStatus.DEAD)
        .order_by(OutboxMessage.id.desc())
        .limit(20)
    )
    result.recent_dead = [DeadRow(*values) for values in dead_rows]
    unreachable = await session.scalar(
        select(func.count())
        .select_from(ChannelAccount)
        .where(ChannelAccount.member_id.is_not(None), not_(reachability.reachable_clause()))
    )
    result.unreachable_accounts = int(unreachable or 0)
    return result
