"""Transfers of party activity, official and temporary: the workflow and its rules.

A request is checked (destination, dates, open flags, unpaid dues), its chain planned and stored,
and each step opened as an approval for the right organisation and roles. Every approval, return,
cancellation, letter and arrival is written to the transfer's history in the same transaction as
the change. Steps are decided with a guarded update, so a second press (or a second approver at
the same moment) changes nothing. Services hold no wording: notices carry names and dates only.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import approvals, audit, directory, dues, member_flags, notifications
from partybot.services import transfer_letters as letters
from partybot.services.dues_rules import AmountUnknown, load_rules
from partybot.services.transfer_chain import STEP_ROLES, PlannedStep, base_committee, plan
from partybot.services.transfer_rules import (
    OfficialReason,
    TemporaryReason,
    next_month,
    present_by,
    start_check,
    stay_problem,
)
from partybot.settings import Settings
from partybot.storage.models import (
    OPEN_STATUSES,
    ApprovalStatus,
    DuesObligation,
    Member,
    ObligationStatus,
    OrgKind,
    StepKind,
    StepStatus,
    StoredFile,
    TemporaryMembership,
    Transfer,
    TransferEvent,
    TransferKind,
    TransferLetter,
    TransferStatus,
    TransferStep,
    Urgency,
)

# Approval kinds: one per set of buttons (the inbox shows every action of a kind).
APPROVAL_STEP = "transfer"  # Đồng ý / Trả lại
APPROVAL_ARRIVAL = "transfer_arrival"  # Đã tiếp nhận / Trả lại
APPROVAL_EXTENSION = "transfer_extension"  # Đồng ý / Không đồng ý
APPROVAL_KINDS = (APPROVAL_STEP, APPROVAL_ARRIVAL, APPROVAL_EXTENSION)
CANCELLABLE = (
    TransferStatus.PENDING,
    TransferStatus.RETURNED,
    TransferStatus.ISSUED,
    TransferStatus.ARRIVING,
)


class Refusal(StrEnum):
    """Why a request or an action cannot go ahead (the dialog words it)."""

    OPEN_TRANSFER = "open_transfer"
    SAME_CELL = "same_cell"
    NOT_A_CELL = "not_a_cell"
    NO_DESTINATION = "no_destination"
    NO_DATE = "no_date"
    DECISION_TOO_FAR = "decision_too_far"
    LATE_WITHOUT_NOTE = "late_without_note"
    END_BEFORE_START = "end_before_start"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NOT_LONGER = "not_longer"
    WRONG_STATUS = "wrong_status"
    EXTENSION_PENDING = "extension_pending"


class TransferError(Exception):
    """Base of the workflow's refusals; none of them changes anything."""


class Refused(TransferError):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


class NotAllowed(TransferError):
    """The actor may not act on this step or transfer."""


class AlreadyHandled(TransferError):
    """The step was decided already (a second press, a stale button) or withdrawn."""


class NeedsRoute(TransferError):
    """The destination was typed as free text: the committee office must route it first."""


@dataclass(frozen=True)
class Blocker:
    """Something that stops a transfer until it is resolved."""

    kind: str  # "flag", "dues", or "dues_unknown" (the ledger cannot compute them)
    flags: tuple[str, ...] = ()
    months: tuple[date, ...] = ()


class Blocked(TransferError):
    def __init__(self, blockers: Sequence[Blocker]) -> None:
        super().__init__(", ".join(b.kind for b in blockers))
        self.blockers = list(blockers)


OUTSIDE = "outside"  # the route chosen for a destination not in the roster


@dataclass
class Draft:
    """What the member asked for; the dialog collects it, `validate` checks it."""

    kind: TransferKind
    reason_code: str
    reason: str
    to_org_id: int | None = None
    to_text: str | None = None
    decision_date: date | None = None
    late_start_note: str | None = None
    start_date: date | None = None
    end_date: date | None = None


@dataclass
class Decision:
    """What a decided step led to, for the approver's reply."""

    transfer: Transfer
    step: TransferStep
    letter: TransferLetter | None = None
    letter_file: StoredFile | None = None  # the letter's PDF, as handed to the member
    opened: TransferStep | None = None


def approval_kind_of(step: TransferStep) -> str:
    if step.kind == StepKind.RECEIVING_CELL:
        return APPROVAL_ARRIVAL
    if step.kind == StepKind.EXTENSION:
        return APPROVAL_EXTENSION
    return APPROVAL_STEP


def business_date(now: datetime, settings: Settings) -> date:
    return now.astimezone(ZoneInfo(settings.timezone)).date()


# -- checks ---------------------------------------------------------------------------------


async def open_transfer(session: AsyncSession, member_id: int) -> Transfer | None:
    return await session.scalar(
        select(Transfer)
        .where(Transfer.member_id == member_id, Transfer.status.in_(list(OPEN_STATUSES)))
        .order_by(Transfer.id.desc())
        .limit(1)
    )


async def unpaid_dues(session: AsyncSession, member_id: int, up_to: date) -> list[date] | None:
    """Months not paid up to and including `up_to`'s month, from the dues ledger; None when the
    ledger cannot tell (a fact such as the dues category is missing from the roster)."""
    try:
        return list(await dues.unpaid_months(session, member_id, up_to))
    except AmountUnknown:
        return None


async def blockers(session: AsyncSession, member_id: int, today: date) -> list[Blocker]:
    """Open inspection/complaint flags and unpaid dues up to the current month.

    Dues the ledger cannot compute do not stop a request (the member cannot fix the roster);
    they stop the letter, where the office sees why.
    """
    found: list[Blocker] = []
    flags = await member_flags.open_flags(session, member_id)
    if flags:
        found.append(Blocker("flag", flags=tuple(f.kind for f in flags)))
    months = await unpaid_dues(session, member_id, today)
    if months:
        found.append(Blocker("dues", months=tuple(months)))
    return found


async def check_destination(session: AsyncSession, member: Member, org_id: int) -> None:
    org = await directory.organisation(session, org_id)
    if org.kind != OrgKind.CELL:
        raise Refused(Refusal.NOT_A_CELL)
    if org.id == member.official_org_id:
        raise Refused(Refusal.SAME_CELL)


async def validate(
    session: AsyncSession, member: Member, draft: Draft, today: date, settings: Settings
) -> None:
    """Raise Refused for a request that cannot be sent as it is."""
    if draft.to_org_id is not None:
        await check_destination(session, member, draft.to_org_id)
    elif not (draft.to_text or "").strip():
        raise Refused(Refusal.NO_DESTINATION)
    if draft.kind == TransferKind.OFFICIAL:
        OfficialReason(draft.reason_code)
        if draft.decision_date is None:
            raise Refused(Refusal.NO_DATE)
        check = start_check(draft.decision_date, today, settings.transfer_start_working_days)
        if check.too_far_ahead:
            raise Refused(Refusal.DECISION_TOO_FAR)
        if check.late and not (draft.late_start_note or "").strip():
            raise Refused(Refusal.LATE_WITHOUT_NOTE)
        return
    reason = TemporaryReason(draft.reason_code)
    if draft.start_date is None or draft.end_date is None:
        raise Refused(Refusal.NO_DATE)
    problem = stay_problem(reason, draft.start_date, draft.end_date)
    if problem is not None:
        raise Refused(Refusal(problem.value))


# -- history and notices --------------------------------------------------------------------


def record(
    session: AsyncSession,
    transfer: Transfer,
    action: str,
    now: datetime,
    actor_id: int | None,
    step: TransferStep | None = None,
    note: str | None = None,
) -> None:
    session.add(
        TransferEvent(
            transfer_id=transfer.id,
            at=now,
            actor_id=actor_id,
            action=action,
            step_kind=step.kind if step else None,
            org_id=step.org_id if step else None,
            status=transfer.status,
            note=note,
        )
    )
    transfer.updated_at = now
    audit.record(
        session, f"transfer.{action}", f"transfer:{transfer.id}", actor_id, {"note": note or ""}
    )


async def org_name(session: AsyncSession, org_id: int | None) -> str | None:
    return (await directory.organisation(session, org_id)).name if org_id else None


async def summary(session: AsyncSession, transfer: Transfer) -> dict[str, Any]:
    """The request as data for prompts and notices (names and ISO dates, no wording)."""
    member = await directory.member(session, transfer.member_id)
    return {
        "transfer_id": transfer.id,
        "transfer_kind": transfer.kind,
        "name": member.full_name,
        "card": member.card_number,
        "from": await org_name(session, transfer.from_org_id),
        "to": await org_name(session, transfer.to_org_id) or transfer.to_text,
        "outside": transfer.to_org_id is None,
        "reason_code": transfer.reason_code,
        "reason": transfer.reason,
        "decision_date": _iso(transfer.decision_date),
        "late_note": transfer.late_start_note,
        "start": _iso(transfer.start_date),
        "end": _iso(transfer.end_date),
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


async def tell(
    session: AsyncSession,
    member_id: int,
    event: str,
    params: dict[str, Any],
    now: datetime,
    urgency: Urgency = Urgency.PROMPT,
    dedup_key: str | None = None,
) -> bool:
    return await notifications.notify(
        session, member_id, event, params, now, urgency, dedup_key=dedup_key
    )


async def tell_holders(
    session: AsyncSession,
    org_id: int,
    roles: Sequence[str],
    event: str,
    params: dict[str, Any],
    now: datetime,
    skip: int | None = None,
) -> list[Member]:
    """Notify whoever holds `roles` at `org_id` (or the nearest level above that has them)."""
    people = [p for p in await directory.nearest_holders(session, org_id, roles) if p.id != skip]
    for person in people:
        await tell(session, person.id, event, params, now)
    return people


# -- submitting -----------------------------------------------------------------------------


def _apply(transfer: Transfer, draft: Draft) -> None:
    transfer.kind = draft.kind
    transfer.reason_code = draft.reason_code
    transfer.reason = draft.reason.strip()
    transfer.to_org_id = draft.to_org_id
    transfer.to_text = (draft.to_text or "").strip() or None if draft.to_org_id is None else None
    transfer.decision_date = draft.decision_date
    transfer.late_start_note = draft.late_start_note
    transfer.start_date = draft.start_date
    transfer.end_date = draft.end_date


async def _lay_out(
    session: AsyncSession, transfer: Transfer, planned: list[PlannedStep], first_seq: int = 1
) -> list[TransferStep]:
    steps = [
        TransferStep(
            transfer_id=transfer.id,
            round=transfer.round,
            seq=seq,
            kind=p.kind,
            org_id=p.org_id,
            issues_letter=p.issues_letter,
            after_arrival=p.after_arrival,
            status=StepStatus.WAITING,
        )
        for seq, p in enumerate(planned, start=first_seq)
    ]
    session.add_all(steps)
    await session.flush()
    return steps


async def open_step(
    session: AsyncSession, transfer: Transfer, step: TransferStep, now: datetime
) -> None:
    """Make the step the one waiting, and prompt its approvers."""
    step.status, step.opened_at = StepStatus.PENDING, now
    params = await summary(session, transfer)
    params.update(
        step_id=step.id,
        step=step.kind,
        org=await org_name(session, step.org_id),
        issues_letter=step.issues_letter,
        requested_end=_iso(step.requested_end),
    )
    actions = (
        ["approve", "return"] if step.kind != StepKind.RECEIVING_CELL else ["receive", "return"]
    )
    await approvals.request(
        session,
        kind=approval_kind_of(step),
        subject_id=step.id,
        org_id=step.org_id,
        params=params,
        now=now,
        actions=actions,
        roles=STEP_ROLES[step.kind],
    )


async def submit(
    session: AsyncSession, member: Member, draft: Draft, now: datetime, settings: Settings
) -> Transfer:
    """Send a new request up its chain; raises Refused or Blocked and then changes nothing."""
    today = business_date(now, settings)
    if await open_transfer(session, member.id) is not None:
        raise Refused(Refusal.OPEN_TRANSFER)
    await validate(session, member, draft, today, settings)
    found = await blockers(session, member.id, today)
    if found:
        raise Blocked(found)
    transfer = Transfer(
        member_id=member.id,
        from_org_id=member.official_org_id,
        status=TransferStatus.PENDING,
        submitted_at=now,
        updated_at=now,
    )
    _apply(transfer, draft)
    session.add(transfer)
    await session.flush()
    planned = await plan(session, draft.kind, member.official_org_id, draft.to_org_id, settings)
    steps = await _lay_out(session, transfer, planned)
    record(session, transfer, "submitted", now, member.id, note=transfer.late_start_note)
    await open_step(session, transfer, steps[0], now)
    return transfer


async def resubmit(
    session: AsyncSession,
    transfer_id: int,
    member: Member,
    draft: Draft,
    now: datetime,
    settings: Settings,
) -> Transfer:
    """Send a returned request again, fixed; its chain starts over from the chi bộ."""
    transfer = await own(session, transfer_id, member.id)
    if transfer.status != TransferStatus.RETURNED:
        raise Refused(Refusal.WRONG_STATUS)
    today = business_date(now, settings)
    await validate(session, member, draft, today, settings)
    found = await blockers(session, member.id, today)
    if found:
        raise Blocked(found)
    _apply(transfer, draft)
    transfer.round += 1
    transfer.status = TransferStatus.PENDING
    transfer.return_reason = None
    planned = await plan(session, draft.kind, transfer.from_org_id, draft.to_org_id, settings)
    steps = await _lay_out(session, transfer, planned)
    record(session, transfer, "resubmitted", now, member.id)
    await open_step(session, transfer, steps[0], now)
    return transfer


async def own(session: AsyncSession, transfer_id: int, member_id: int) -> Transfer:
    transfer = await session.get(Transfer, transfer_id)
    if transfer is None or transfer.member_id != member_id:
        raise NotAllowed
    return transfer


# -- deciding a step ------------------------------------------------------------------------


async def steps_of(session: AsyncSession, transfer: Transfer) -> list[TransferStep]:
    """The current round's steps in order (extension steps included, at the end)."""
    return list(
        (
            await session.scalars(
                select(TransferStep)
                .where(
                    TransferStep.transfer_id == transfer.id, TransferStep.round == transfer.round
                )
                .order_by(TransferStep.seq)
            )
        ).all()
    )


async def pending_step(session: AsyncSession, transfer: Transfer) -> TransferStep | None:
    for step in await steps_of(session, transfer):
        if step.status == StepStatus.PENDING:
            return step
    return None


async def actionable(
    session: AsyncSession, step_id: int, actor_id: int
) -> tuple[TransferStep, Transfer]:
    """The step and its transfer, if it is pending and the actor may decide it."""
    step = await session.get(TransferStep, step_id)
    if step is None or step.status != StepStatus.PENDING:
        raise AlreadyHandled
    transfer = await session.get(Transfer, step.transfer_id)
    approval = await approvals.pending(session, approval_kind_of(step), step.id)
    if transfer is None or approval is None:
        raise AlreadyHandled
    if actor_id == transfer.member_id or not await approvals.can_act(session, actor_id, approval):
        raise NotAllowed
    return step, transfer


def needs_route(transfer: Transfer, step: TransferStep) -> bool:
    return step.kind == StepKind.OFFICE and transfer.to_org_id is None


async def _claim(
    session: AsyncSession, step: TransferStep, status: StepStatus, actor_id: int, now: datetime
) -> None:
    """Decide the step only if it is still pending: the one guard against double presses."""
    result = await session.execute(
        update(TransferStep)
        .where(TransferStep.id == step.id, TransferStep.status == StepStatus.PENDING)
        .values(status=status, decided_at=now, decided_by_id=actor_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AlreadyHandled
    await session.refresh(step)
    await approvals.close(session, approval_kind_of(step), step.id, actor_id, now)


async def _route(
    session: AsyncSession,
    transfer: Transfer,
    step: TransferStep,
    route: int | str,
    settings: Settings,
    actor_id: int,
    now: datetime,
) -> None:
    """Settle a free-text destination: a chi bộ in the roster, or outside it."""
    if route == OUTSIDE:
        record(session, transfer, "routed_outside", now, actor_id, step, transfer.to_text)
        return
    transfer.to_org_id = int(route)
    kind = TransferKind(transfer.kind)
    planned = await plan(session, kind, transfer.from_org_id, transfer.to_org_id, settings)
    later = [s for s in await steps_of(session, transfer) if s.seq > step.seq]
    for stale in later:
        await session.delete(stale)
    step.issues_letter = planned[step.seq - 1].issues_letter
    await _lay_out(session, transfer, planned[step.seq :], first_seq=step.seq + 1)
    record(session, transfer, "routed", now, actor_id, step, await org_name(session, int(route)))


async def approve(
    session: AsyncSession,
    step_id: int,
    actor_id: int,
    now: datetime,
    settings: Settings,
    route: int | str | None = None,
) -> Decision:
    """Agree to a step ("Đồng ý", or "Đã tiếp nhận" at the receiving chi bộ)."""
    step, transfer = await actionable(session, step_id, actor_id)
    today = business_date(now, settings)
    if step.kind != StepKind.EXTENSION:
        flags = await member_flags.open_flags(session, transfer.member_id)
        if flags:
            raise Blocked([Blocker("flag", flags=tuple(f.kind for f in flags))])
    if needs_route(transfer, step):
        if route is None:
            raise NeedsRoute
        if route != OUTSIDE:
            member = await directory.member(session, transfer.member_id)
            await check_destination(session, member, int(route))
    if step.issues_letter:
        months = await unpaid_dues(session, transfer.member_id, today)
        if months is None:
            raise Blocked([Blocker("dues_unknown")])
        if months:
            await tell(
                session,
                transfer.member_id,
                "transfer.dues_due",
                {"months": [m.isoformat() for m in months]},
                now,
                dedup_key=f"transfer.dues_due:{step.id}:{today.isoformat()}",
            )
            raise Blocked([Blocker("dues", months=tuple(months))])
    await _claim(session, step, StepStatus.APPROVED, actor_id, now)
    if route is not None and needs_route(transfer, step):
        await _route(session, transfer, step, route, settings, actor_id, now)
    decision = Decision(transfer, step)
    if step.kind == StepKind.RECEIVING_CELL:
        await _arrive(session, transfer, step, actor_id, now, today)
    elif step.kind == StepKind.EXTENSION:
        await _extend(session, transfer, step, actor_id, now)
    else:
        record(session, transfer, "approved", now, actor_id, step)
        if step.issues_letter:
            decision.letter, decision.letter_file = await _issue(
                session, transfer, step, actor_id, now, today, settings
            )
        decision.opened = await _advance(session, transfer, step, now)
    return decision


async def _advance(
    session: AsyncSession, transfer: Transfer, done: TransferStep, now: datetime
) -> TransferStep | None:
    """Open the next step unless it waits for the letter to be presented."""
    following = [s for s in await steps_of(session, transfer) if s.seq > done.seq]
    nxt = following[0] if following else None
    if nxt is not None and (not nxt.after_arrival or transfer.status == TransferStatus.ARRIVING):
        await open_step(session, transfer, nxt, now)
        await tell(
            session,
            transfer.member_id,
            "transfer.progress",
            {
                "by": await org_name(session, done.org_id),
                "next": await org_name(session, nxt.org_id),
                "transfer_kind": transfer.kind,
            },
            now,
        )
        return nxt
    return None


async def _issue(
    session: AsyncSession,
    transfer: Transfer,
    step: TransferStep,
    actor_id: int,
    now: datetime,
    today: date,
    settings: Settings,
) -> tuple[TransferLetter, StoredFile]:
    issuer = await directory.organisation(session, step.org_id)
    signer = await directory.member(session, actor_id)
    deadline = None
    if transfer.kind == TransferKind.OFFICIAL:
        deadline = present_by(today, settings.transfer_present_working_days)
    paid = await dues.paid_through(session, transfer.member_id)
    letter = await letters.issue(session, transfer, issuer, signer, today, deadline, paid, now)
    later = [s for s in await steps_of(session, transfer) if s.seq > step.seq]
    transfer.status = TransferStatus.ISSUED if later else TransferStatus.OUTSIDE
    if not later:
        transfer.closed_at = now
    record(session, transfer, "letter_issued", now, actor_id, step, letter.number)
    stored = await letters.store_pdf(session, transfer, letter, settings, now)
    params = await summary(session, transfer)
    params.update(
        number=letter.number,
        issued_on=letter.issued_on.isoformat(),
        present_by=_iso(letter.present_by),
        issuer=issuer.name,
        file_token=stored.token,
        filename=stored.filename,
        receiving=await org_name(session, later[0].org_id) if later else None,
    )
    await tell(session, transfer.member_id, "transfer.letter", params, now)
    if later:
        await tell_holders(
            session, later[0].org_id, STEP_ROLES[later[0].kind], "transfer.incoming", params, now
        )
    return letter, stored


async def _arrive(
    session: AsyncSession,
    transfer: Transfer,
    step: TransferStep,
    actor_id: int,
    now: datetime,
    today: date,
) -> None:
    member = await directory.member(session, transfer.member_id)
    params = await summary(session, transfer)
    transfer.received_at, transfer.received_on = now, today
    if transfer.kind == TransferKind.OFFICIAL:
        member.official_org_id = step.org_id
        await dues_follow(session, member, next_month(today))
        transfer.status = TransferStatus.RECEIVED
        transfer.closed_at = now
        record(session, transfer, "received", now, actor_id, step)
        event = "transfer.received"
    else:
        assert transfer.start_date is not None and transfer.end_date is not None
        session.add(
            TemporaryMembership(
                member_id=member.id,
                org_id=step.org_id,
                transfer_id=transfer.id,
                start_date=max(transfer.start_date, today),
                end_date=transfer.end_date,
                voting_rights=False,
                started_at=now,
            )
        )
        transfer.status = TransferStatus.ACTIVE
        record(session, transfer, "temporary_started", now, actor_id, step)
        event = "transfer.temporary_started"
    params["on"] = today.isoformat()
    await tell(session, member.id, event, params, now)
    await tell_holders(
        session, transfer.from_org_id, STEP_ROLES[StepKind.CELL], f"{event}_home", params, now
    )


async def dues_follow(session: AsyncSession, member: Member, first: date) -> None:
    """Dues follow the new official chi bộ from `first` (the month after the receipt).

    Months already on the ledger from then on and not touched by any payment move to the new
    chi bộ and are priced again (the minimum-wage region is where the member takes part);
    months paid ahead stay with the chi bộ that collected the money.
    """
    await session.execute(
        update(DuesObligation)
        .where(
            DuesObligation.member_id == member.id,
            DuesObligation.month >= first,
            DuesObligation.paid_amount == 0,
            DuesObligation.status != ObligationStatus.PAID,
        )
        .values(org_id=member.official_org_id)
        .execution_options(synchronize_session=False)
    )
    await dues.reprice_open(session, member, await load_rules(session), from_month=first)


async def return_step(
    session: AsyncSession, step_id: int, actor_id: int, reason: str, now: datetime
) -> Decision:
    """Send the request back to the member with a reason ("Trả lại"); they may fix and resend."""
    step, transfer = await actionable(session, step_id, actor_id)
    await _claim(session, step, StepStatus.RETURNED, actor_id, now)
    step.note = reason
    params = await summary(session, transfer)
    params.update(org=await org_name(session, step.org_id), reason_text=reason)
    if step.kind == StepKind.EXTENSION:
        record(session, transfer, "extension_declined", now, actor_id, step, reason)
        await tell(session, transfer.member_id, "transfer.extension_declined", params, now)
        return Decision(transfer, step)
    for other in await steps_of(session, transfer):
        if other.status == StepStatus.WAITING:
            other.status = StepStatus.CANCELLED
    voided = await letters.void(session, transfer.id, now)
    transfer.status = TransferStatus.RETURNED
    transfer.return_reason = reason
    transfer.presented_at = None
    transfer.late_at = None
    transfer.deadline_reminded_at = None
    record(session, transfer, "returned", now, actor_id, step, reason)
    if voided:
        record(session, transfer, "letter_voided", now, actor_id, step)
    await tell(session, transfer.member_id, "transfer.returned", params, now)
    return Decision(transfer, step)


# -- the member's own actions ---------------------------------------------------------------


async def cancel(
    session: AsyncSession, transfer_id: int, member_id: int, now: datetime
) -> Transfer:
    """Withdraw a request half-way: the open step closes, approvers are told, the letter voids."""
    transfer = await own(session, transfer_id, member_id)
    if transfer.status not in CANCELLABLE:
        raise Refused(Refusal.WRONG_STATUS)
    current = await pending_step(session, transfer)
    if current is not None:
        result = await session.execute(
            update(TransferStep)
            .where(TransferStep.id == current.id, TransferStep.status == StepStatus.PENDING)
            .values(status=StepStatus.CANCELLED, decided_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise AlreadyHandled
        await session.refresh(current)
        await approvals.close(
            session, approval_kind_of(current), current.id, None, now, ApprovalStatus.CANCELLED
        )
    for step in await steps_of(session, transfer):
        if step.status == StepStatus.WAITING:
            step.status = StepStatus.CANCELLED
    voided = await letters.void(session, transfer.id, now)
    transfer.status = TransferStatus.CANCELLED
    transfer.closed_at = now
    record(session, transfer, "cancelled", now, member_id, current)
    if voided:
        record(session, transfer, "letter_voided", now, member_id)
    params = await summary(session, transfer)
    for step in await _cancel_audience(session, transfer, current, voided):
        await tell_holders(
            session, step.org_id, STEP_ROLES[step.kind], "transfer.cancelled", params, now
        )
    return transfer


async def _cancel_audience(
    session: AsyncSession, transfer: Transfer, current: TransferStep | None, voided: bool
) -> list[TransferStep]:
    """Who must hear of a withdrawal: the open step, or the issuer and receiver of a letter."""
    if current is not None:
        return [current]
    if not voided:
        return []
    steps = await steps_of(session, transfer)
    issuer = [s for s in steps if s.issues_letter]
    receiver = [s for s in steps if s.after_arrival][:1]
    return issuer + receiver


async def may_receive(session: AsyncSession, actor_id: int, transfer: Transfer) -> bool:
    """The receiving side: whoever may decide the first step after the letter."""
    for step in await steps_of(session, transfer):
        if step.after_arrival:
            return await directory.holds_role_over(
                session, actor_id, step.org_id, STEP_ROLES[step.kind]
            )
    return False


async def mark_presented(
    session: AsyncSession, transfer_id: int, actor_id: int, now: datetime
) -> TransferStep:
    """The letter was handed in at the receiving side: open the receiving steps."""
    transfer = await session.get(Transfer, transfer_id)
    if transfer is None:
        raise NotAllowed
    if actor_id != transfer.member_id and not await may_receive(session, actor_id, transfer):
        raise NotAllowed
    result = await session.execute(
        update(Transfer)
        .where(Transfer.id == transfer.id, Transfer.status == TransferStatus.ISSUED)
        .values(status=TransferStatus.ARRIVING, presented_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AlreadyHandled
    await session.refresh(transfer)
    waiting = [s for s in await steps_of(session, transfer) if s.status == StepStatus.WAITING]
    record(session, transfer, "presented", now, actor_id)
    await open_step(session, transfer, waiting[0], now)
    return waiting[0]


async def explain_late(
    session: AsyncSession, transfer_id: int, member_id: int, text: str, now: datetime
) -> Transfer:
    """The member's explanation for presenting the letter late; the committees decide."""
    transfer = await own(session, transfer_id, member_id)
    if transfer.late_at is None or transfer.status not in (
        TransferStatus.ISSUED,
        TransferStatus.ARRIVING,
    ):
        raise Refused(Refusal.WRONG_STATUS)
    transfer.late_explanation = text
    record(session, transfer, "explained", now, member_id, note=text)
    params = await summary(session, transfer)
    params["explanation"] = text
    for org_id in await offices(session, transfer):
        await tell_holders(
            session, org_id, STEP_ROLES[StepKind.OFFICE], "transfer.explained", params, now
        )
    return transfer


async def offices(session: AsyncSession, transfer: Transfer) -> list[int]:
    """The home đảng ủy and, when there is one, the receiving đảng ủy."""
    found = [(await base_committee(session, transfer.from_org_id)).id]
    if transfer.to_org_id is not None:
        there = (await base_committee(session, transfer.to_org_id)).id
        if there not in found:
            found.append(there)
    return found


async def membership_of(session: AsyncSession, transfer_id: int) -> TemporaryMembership | None:
    return await session.scalar(
        select(TemporaryMembership).where(TemporaryMembership.transfer_id == transfer_id)
    )


async def _extend(
    session: AsyncSession, transfer: Transfer, step: TransferStep, actor_id: int, now: datetime
) -> None:
    assert step.requested_end is not None
    transfer.end_date = step.requested_end
    transfer.end_reminded_at = None
    membership = await membership_of(session, transfer.id)
    if membership is not None:
        membership.end_date = step.requested_end
    record(session, transfer, "extended", now, actor_id, step, step.requested_end.isoformat())
    params = await summary(session, transfer)
    await tell(session, transfer.member_id, "transfer.extended", params, now)
    await tell_holders(
        session,
        transfer.from_org_id,
        STEP_ROLES[StepKind.CELL],
        "transfer.extended_home",
        params,
        now,
    )
