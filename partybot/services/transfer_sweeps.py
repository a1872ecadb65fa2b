"""The transfer deadlines, swept daily: safe to run twice and to catch up after downtime.

- An official letter not yet presented: the member is reminded a few working days before its
  deadline (stored on the letter); past it, the member is asked to explain and the committee
  offices are told.
- A temporary stay: the member is reminded a month before its end date (extend or come back);
  past the end date the stay is closed.

Each pass selects only what is due and marks it done, batch by batch, one transaction per batch.
"""

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import transfer_stays, transfers
from partybot.services.sweeps import sweep
from partybot.services.transfer_chain import STEP_ROLES
from partybot.services.workdays import add_working_days
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import (
    StepKind,
    Transfer,
    TransferKind,
    TransferLetter,
    TransferStatus,
    Urgency,
)

BATCH = 200


async def _letters_due(
    session: AsyncSession, today: date, remind_from: date, after_id: int
) -> list[tuple[Transfer, TransferLetter]]:
    """Official letters not yet presented that are late, or due a reminder not yet sent."""
    rows = await session.execute(
        select(Transfer, TransferLetter)
        .join(TransferLetter, TransferLetter.transfer_id == Transfer.id)
        .where(
            Transfer.id > after_id,
            Transfer.kind == TransferKind.OFFICIAL,
            Transfer.status == TransferStatus.ISSUED,
            Transfer.late_at.is_(None),
            TransferLetter.void_at.is_(None),
            TransferLetter.present_by.is_not(None),
            (TransferLetter.present_by < today)
            | (
                Transfer.deadline_reminded_at.is_(None) & (TransferLetter.present_by <= remind_from)
            ),
        )
        .order_by(Transfer.id)
        .limit(BATCH)
    )
    return [(transfer, letter) for transfer, letter in rows.all()]


async def remind_deadlines(
    session: AsyncSession, now: datetime, settings: Settings, after_id: int = 0
) -> tuple[int, int | None]:
    """One batch; returns how many transfers it touched and where the next batch starts."""
    today = transfers.business_date(now, settings)
    # A deadline is a working day, so "N working days before it" is "within N after today".
    remind_from = add_working_days(today, settings.transfer_remind_working_days)
    batch = await _letters_due(session, today, remind_from, after_id)
    for transfer, letter in batch:
        assert letter.present_by is not None
        params = await transfers.summary(session, transfer)
        params.update(number=letter.number, present_by=letter.present_by.isoformat())
        if letter.present_by < today:
            await _late(session, transfer, params, now)
        else:
            await _remind(session, transfer, letter, params, now)
    more = batch[-1][0].id if len(batch) == BATCH else None
    return len(batch), more


async def _remind(
    session: AsyncSession,
    transfer: Transfer,
    letter: TransferLetter,
    params: dict[str, Any],
    now: datetime,
) -> None:
    transfer.deadline_reminded_at = now
    await transfers.tell(
        session,
        transfer.member_id,
        "transfer.deadline_soon",
        params,
        now,
        Urgency.REMINDER,
        dedup_key=f"transfer.deadline_soon:{letter.id}",
    )
    transfers.record(session, transfer, "reminded", now, None)


async def _late(
    session: AsyncSession, transfer: Transfer, params: dict[str, Any], now: datetime
) -> None:
    transfer.late_at = now
    transfers.record(session, transfer, "late", now, None)
    await transfers.tell(
        session,
        transfer.member_id,
        "transfer.late",
        params,
        now,
        Urgency.REMINDER,
        dedup_key=f"transfer.late:{transfer.id}:{transfer.round}",
    )
    for org_id in await transfers.offices(session, transfer):
        await transfers.tell_holders(
            session, org_id, STEP_ROLES[StepKind.OFFICE], "transfer.late_office", params, now
        )


async def sweep_temporary(
    session: AsyncSession, now: datetime, settings: Settings, after_id: int = 0
) -> tuple[int, int | None]:
    """One batch of stays ending soon (reminded) or ended (closed)."""
    today = transfers.business_date(now, settings)
    horizon = today + timedelta(days=settings.temporary_end_remind_days)
    due = (
        await session.scalars(
            select(Transfer)
            .where(
                Transfer.id > after_id,
                Transfer.status == TransferStatus.ACTIVE,
                (Transfer.end_date < today)
                | (Transfer.end_reminded_at.is_(None) & (Transfer.end_date <= horizon)),
            )
            .order_by(Transfer.id)
            .limit(BATCH)
        )
    ).all()
    for transfer in due:
        assert transfer.end_date is not None
        if transfer.end_date < today:
            await transfer_stays.end_temporary(session, transfer.id, None, now, reason="expired")
            continue
        transfer.end_reminded_at = now
        await transfers.tell(
            session,
            transfer.member_id,
            "transfer.temporary_ending",
            await transfers.summary(session, transfer),
            now,
            Urgency.REMINDER,
            dedup_key=f"transfer.temporary_ending:{transfer.id}:{transfer.end_date.isoformat()}",
        )
        transfers.record(session, transfer, "reminded", now, None)
    more = due[-1].id if len(due) == BATCH else None
    return len(due), more


async def _in_batches(db: Database, now: datetime, settings: Settings, one_batch: Any) -> int:
    total, after = 0, 0
    while True:
        async with db.transaction() as session:
            touched, more = await one_batch(session, now, settings, after)
        total += touched
        if more is None:
            return total
        after = more


@sweep("transfers.deadlines", schedule="0 8 * * *")
async def deadlines_sweep(db: Database, now: datetime, settings: Settings) -> int:
    """Letter deadlines: remind before, ask for an explanation after."""
    return await _in_batches(db, now, settings, remind_deadlines)


@sweep("transfers.temporary", schedule="10 8 * * *")
async def temporary_sweep(db: Database, now: datetime, settings: Settings) -> int:
    """Temporary stays: remind a month before the end date, close after it."""
    return await _in_batches(db, now, settings, sweep_temporary)
