"""Temporary stays after arrival: extending them and closing them.

An extension is asked at the temporary chi bộ (an approval there) and reported home when agreed;
the stay closes when the member comes back, or by the sweep once its end date has passed.
"""

from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import approvals, directory
from partybot.services.transfer_chain import STEP_ROLES
from partybot.services.transfer_rules import StayProblem, TemporaryReason, stay_problem
from partybot.services.transfers import (
    APPROVAL_EXTENSION,
    AlreadyHandled,
    NotAllowed,
    Refusal,
    Refused,
    membership_of,
    open_step,
    own,
    pending_step,
    record,
    summary,
    tell,
    tell_holders,
)
from partybot.storage.models import (
    ApprovalStatus,
    StepKind,
    StepStatus,
    Transfer,
    TransferStatus,
    TransferStep,
)


async def request_extension(
    session: AsyncSession, transfer_id: int, member_id: int, new_end: date, now: datetime
) -> TransferStep:
    """Ask the temporary chi bộ to extend the stay (the home chi bộ is told when agreed)."""
    transfer = await own(session, transfer_id, member_id)
    if transfer.status != TransferStatus.ACTIVE or transfer.to_org_id is None:
        raise Refused(Refusal.WRONG_STATUS)
    assert transfer.start_date is not None and transfer.end_date is not None
    if await pending_step(session, transfer) is not None:
        raise Refused(Refusal.EXTENSION_PENDING)
    if new_end <= transfer.end_date:
        raise Refused(Refusal.NOT_LONGER)
    problem = stay_problem(TemporaryReason(transfer.reason_code), transfer.start_date, new_end)
    if problem == StayProblem.TOO_LONG:
        raise Refused(Refusal.TOO_LONG)
    last = await session.scalar(
        select(func.max(TransferStep.seq)).where(
            TransferStep.transfer_id == transfer.id, TransferStep.round == transfer.round
        )
    )
    step = TransferStep(
        transfer_id=transfer.id,
        round=transfer.round,
        seq=(last or 0) + 1,
        kind=StepKind.EXTENSION,
        org_id=transfer.to_org_id,
        requested_end=new_end,
        status=StepStatus.WAITING,
    )
    session.add(step)
    await session.flush()
    record(session, transfer, "extension_requested", now, member_id, step, new_end.isoformat())
    await open_step(session, transfer, step, now)
    return step


async def may_end(session: AsyncSession, actor_id: int, transfer: Transfer) -> bool:
    if actor_id == transfer.member_id:
        return True
    return any(
        [
            await directory.holds_role_over(session, actor_id, org_id)
            for org_id in (transfer.from_org_id, transfer.to_org_id)
            if org_id is not None
        ]
    )


async def end_temporary(
    session: AsyncSession,
    transfer_id: int,
    actor_id: int | None,
    now: datetime,
    reason: str = "returned",
) -> Transfer:
    """Close a temporary stay: the member came back (or, from the sweep, its end date passed)."""
    transfer = await session.get(Transfer, transfer_id)
    if transfer is None:
        raise NotAllowed
    if actor_id is not None and not await may_end(session, actor_id, transfer):
        raise NotAllowed
    result = await session.execute(
        update(Transfer)
        .where(Transfer.id == transfer.id, Transfer.status == TransferStatus.ACTIVE)
        .values(status=TransferStatus.CLOSED, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AlreadyHandled
    await session.refresh(transfer)
    membership = await membership_of(session, transfer.id)
    if membership is not None:
        membership.closed_at, membership.closed_reason = now, reason
    extension = await pending_step(session, transfer)
    if extension is not None:
        extension.status, extension.decided_at = StepStatus.CANCELLED, now
        await approvals.close(
            session, APPROVAL_EXTENSION, extension.id, None, now, ApprovalStatus.CANCELLED
        )
    record(session, transfer, "closed", now, actor_id, note=reason)
    params = await summary(session, transfer)
    params["closed_reason"] = reason
    if actor_id != transfer.member_id:
        await tell(session, transfer.member_id, "transfer.temporary_closed", params, now)
    for org_id in (transfer.from_org_id, transfer.to_org_id):
        if org_id is not None:
            await tell_holders(
                session,
                org_id,
                STEP_ROLES[StepKind.CELL],
                "transfer.temporary_closed_cell",
                params,
                now,
                skip=actor_id,
            )
    return transfer
