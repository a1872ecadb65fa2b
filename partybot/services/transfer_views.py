"""What secretaries, offices and members see of transfers, and what other slices read.

`official_cell_for_month` is how the dues ledger learns that obligations follow the new chi bộ
from the month after the receipt.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import directory
from partybot.services import transfer_letters as letters
from partybot.services.phones import InvalidPhone, normalise_phone
from partybot.services.transfer_rules import first_of_month
from partybot.services.transfers import membership_of, org_name, pending_step, steps_of
from partybot.storage.models import (
    OPEN_STATUSES,
    Member,
    StepKind,
    TemporaryMembership,
    Transfer,
    TransferEvent,
    TransferKind,
    TransferLetter,
    TransferStatus,
    TransferStep,
)

RECENT_LIMIT = 40


@dataclass
class Standing:
    """Where a transfer stands, for the member's and the secretaries' views."""

    transfer: Transfer
    waiting: TransferStep | None
    waiting_org: str | None
    letter: TransferLetter | None
    to_name: str
    from_name: str
    membership: TemporaryMembership | None = None
    extension: TransferStep | None = None
    returned_by: str | None = None
    receiving: str | None = None  # where the letter is to be handed in
    history: list[TransferEvent] = field(default_factory=list)


async def standing(session: AsyncSession, transfer: Transfer) -> Standing:
    waiting = await pending_step(session, transfer)
    extension = waiting if waiting is not None and waiting.kind == StepKind.EXTENSION else None
    events = await history(session, transfer.id)
    returned = [e for e in events if e.action == "returned"]
    arrival = [s for s in await steps_of(session, transfer) if s.after_arrival][:1]
    return Standing(
        transfer=transfer,
        waiting=waiting,
        waiting_org=await org_name(session, waiting.org_id) if waiting else None,
        letter=await letters.current(session, transfer.id),
        to_name=await org_name(session, transfer.to_org_id) or transfer.to_text or "",
        from_name=await org_name(session, transfer.from_org_id) or "",
        membership=await membership_of(session, transfer.id),
        extension=extension,
        returned_by=await org_name(session, returned[-1].org_id) if returned else None,
        receiving=await org_name(session, arrival[0].org_id) if arrival else None,
        history=events,
    )


async def history(session: AsyncSession, transfer_id: int) -> list[TransferEvent]:
    return list(
        (
            await session.scalars(
                select(TransferEvent)
                .where(TransferEvent.transfer_id == transfer_id)
                .order_by(TransferEvent.id)
            )
        ).all()
    )


async def last_closed(session: AsyncSession, member_id: int) -> Transfer | None:
    return await session.scalar(
        select(Transfer)
        .where(Transfer.member_id == member_id, Transfer.status.not_in(list(OPEN_STATUSES)))
        .order_by(Transfer.updated_at.desc(), Transfer.id.desc())
        .limit(1)
    )


async def managed_orgs(session: AsyncSession, actor_id: int) -> list[int]:
    """Every organisation the actor manages (a role covers everything below it)."""
    held = await directory.roles_of(session, actor_id)
    found: set[int] = set()
    for role in held:
        if role.role in directory.MANAGER_ROLES:
            found.update(await directory.descendants(session, role.org_id))
    return sorted(found)


async def for_manager(
    session: AsyncSession, actor_id: int, direction: str, limit: int = RECENT_LIMIT
) -> list[Transfer]:
    """Outgoing ("out") or incoming ("in") transfers of the actor's organisations, open first."""
    orgs = await managed_orgs(session, actor_id)
    if not orgs:
        return []
    column = Transfer.from_org_id if direction == "out" else Transfer.to_org_id
    is_open = Transfer.status.in_(list(OPEN_STATUSES))
    rows = await session.scalars(
        select(Transfer)
        .where(column.in_(orgs))
        .order_by(is_open.desc(), Transfer.updated_at.desc(), Transfer.id.desc())
        .limit(limit)
    )
    return list(rows.all())


async def may_view(session: AsyncSession, actor_id: int, transfer: Transfer) -> bool:
    if actor_id == transfer.member_id:
        return True
    for org_id in (transfer.from_org_id, transfer.to_org_id):
        if org_id is not None and await directory.holds_role_over(session, actor_id, org_id):
            return True
    return any(
        [
            await directory.holds_role_over(session, actor_id, step.org_id)
            for step in await steps_of(session, transfer)
        ]
    )


async def in_period(
    session: AsyncSession, org_id: int, start: datetime, end: datetime
) -> list[Transfer]:
    """Transfers leaving or entering the organisation's tree, sent or changed in [start, end)."""
    orgs = await directory.descendants(session, org_id)
    rows = await session.scalars(
        select(Transfer)
        .where(
            or_(Transfer.from_org_id.in_(orgs), Transfer.to_org_id.in_(orgs)),
            or_(
                (Transfer.submitted_at >= start) & (Transfer.submitted_at < end),
                (Transfer.updated_at >= start) & (Transfer.updated_at < end),
            ),
        )
        .order_by(Transfer.submitted_at, Transfer.id)
    )
    return list(rows.all())


async def official_cell_for_month(session: AsyncSession, member_id: int, month: date) -> int:
    """The chi bộ the member owes dues to for `month`: the new cell from the month after receipt."""
    member = await directory.member(session, member_id)
    cell = member.official_org_id
    received = (
        await session.scalars(
            select(Transfer)
            .where(
                Transfer.member_id == member_id,
                Transfer.kind == TransferKind.OFFICIAL,
                Transfer.status == TransferStatus.RECEIVED,
            )
            .order_by(Transfer.received_at.desc(), Transfer.id.desc())
        )
    ).all()
    for transfer in received:
        assert transfer.received_on is not None
        if first_of_month(month) > first_of_month(transfer.received_on):
            break
        cell = transfer.from_org_id
    return cell


async def temporary_members(session: AsyncSession, org_id: int) -> list[TemporaryMembership]:
    """The chi bộ's list of members here temporarily (no voting rights), current only."""
    return list(
        (
            await session.scalars(
                select(TemporaryMembership)
                .where(
                    TemporaryMembership.org_id == org_id, TemporaryMembership.closed_at.is_(None)
                )
                .order_by(TemporaryMembership.start_date)
            )
        ).all()
    )


async def member_by_phone_or_card(session: AsyncSession, typed: str) -> Member | None:
    """A member by the phone number or the party card number an officer typed."""
    try:
        return await directory.member_by_phone(session, normalise_phone(typed))
    except InvalidPhone:
        card = typed.replace(" ", "")
        return await session.scalar(select(Member).where(Member.card_number == card))
