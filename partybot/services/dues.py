"""The dues ledger: monthly obligations, payments settling the oldest months first, receipts.

A sweep creates each member's obligation for the month (idempotent: one row per member and
month). Paid and exempt months keep the amount they had; open ones follow the current rules,
base and decisions. Money arrives as a payment (bank notification, statement row, or the
treasurer confirming cash or a transfer); it settles the oldest open months, then months ahead up
to a limit; anything beyond stays on the payment as credit for the months to come.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import approvals, audit, directory, files, notifications, payment_refs
from partybot.services.dues_documents import LedgerRow, receipt_filename, receipt_pdf
from partybot.services.dues_rules import (
    Amount,
    AmountUnknown,
    Facts,
    Rules,
    add_months,
    compute,
    load_rules,
    month_start,
    months_between,
)
from partybot.services.sweeps import sweep
from partybot.services.textnorm import fold
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import (
    DuesAllocation,
    DuesExemption,
    DuesObligation,
    DuesPayment,
    DuesRequest,
    IntentStatus,
    Member,
    ObligationStatus,
    Organisation,
    OrgKind,
    PaymentIntent,
    PaymentMethod,
    RequestStatus,
    Role,
    RoleKind,
    StoredFile,
    Urgency,
)

DUES_ROLES = (RoleKind.TREASURER, RoleKind.SECRETARY, RoleKind.DEPUTY_SECRETARY)
BATCH = 200
RECEIPT_KEEP_DAYS = 400
QR_KEEP_DAYS = 30


def current_month(now: datetime, settings: Settings) -> date:
    return month_start(now.astimezone(settings.tz).date())


def iso_months(months: Sequence[date]) -> list[str]:
    return [m.isoformat() for m in months]


# -- facts and amounts --------------------------------------------------------------------------


async def region_of(session: AsyncSession, org_id: int) -> int | None:
    """The minimum-wage region of an organisation, inherited from the nearest one above."""
    for org in await directory.ancestors(session, org_id):
        if org.region is not None:
            return org.region
    return None


async def facts_for(session: AsyncSession, member: Member) -> Facts:
    decisions = (
        await session.execute(
            select(DuesExemption.first_month, DuesExemption.last_month, DuesExemption.percent)
            .where(DuesExemption.member_id == member.id)
            .order_by(DuesExemption.id)
        )
    ).all()
    return Facts(
        category=member.dues_category,
        base=member.dues_base,
        birth_date=member.birth_date,
        sex=member.sex,
        admitted_on=member.admitted_on,
        region=await region_of(session, member.official_org_id),
        decisions=tuple((first, last, pct) for first, last, pct in decisions),
    )


async def amount_for(
    session: AsyncSession, member: Member, month: date, rules: Rules | None = None
) -> Amount:
    """How the month's dues compute today (AmountUnknown when a fact is missing)."""
    rules = rules or await load_rules(session)
    return compute(rules, await facts_for(session, member), month)


async def obligation(session: AsyncSession, member_id: int, month: date) -> DuesObligation | None:
    return await session.scalar(
        select(DuesObligation).where(
            DuesObligation.member_id == member_id, DuesObligation.month == month_start(month)
        )
    )


async def monthly_amount(session: AsyncSession, member_id: int, month: date) -> int:
    """The exact amount for that month (0 when exempt). Raises AmountUnknown when it cannot be
    computed (no category, base or region on record) and LookupError for an unknown member."""
    recorded = await obligation(session, member_id, month)
    if recorded is not None:
        return recorded.amount
    member = await directory.member(session, member_id)
    return (await amount_for(session, member, month)).amount


def _remaining(row: DuesObligation) -> int:
    return max(row.amount - row.paid_amount, 0)


async def obligations_of(session: AsyncSession, member_id: int) -> list[DuesObligation]:
    return list(
        (
            await session.scalars(
                select(DuesObligation)
                .where(DuesObligation.member_id == member_id)
                .order_by(DuesObligation.month)
            )
        ).all()
    )


async def paid_through(session: AsyncSession, member_id: int) -> date | None:
    """First day of the latest month up to which every month is paid (or exempt); None if the
    first month on the ledger is still open, or there is none."""
    settled: date | None = None
    for row in await obligations_of(session, member_id):
        if row.status == ObligationStatus.OPEN:
            break
        settled = row.month
    return settled


async def unpaid_months(session: AsyncSession, member_id: int, up_to: date) -> list[date]:
    """First days of the months owed up to and including `up_to`'s month.

    Months already on the ledger count when open; months after the last one on the ledger (up to
    `up_to`) count when they will cost something. Raises AmountUnknown when such a month cannot
    be priced, since "nothing owed" would then be a guess.
    """
    last = month_start(up_to)
    rows = await obligations_of(session, member_id)
    owed = [r.month for r in rows if r.status == ObligationStatus.OPEN and r.month <= last]
    start = add_months(rows[-1].month, 1) if rows else last
    if start <= last:
        member = await directory.member(session, member_id)
        rules = await load_rules(session)
        facts = await facts_for(session, member)
        owed += [m for m in months_between(start, last) if compute(rules, facts, m).amount > 0]
    return owed


@dataclass(frozen=True)
class Owed:
    month: date
    amount: int  # still to pay for this month


async def owed_months(session: AsyncSession, member_id: int, up_to: date) -> list[Owed]:
    """Open months on the ledger up to `up_to`, oldest first, with what is left to pay."""
    return [
        Owed(r.month, _remaining(r))
        for r in await obligations_of(session, member_id)
        if r.status == ObligationStatus.OPEN and r.month <= up_to and _remaining(r) > 0
    ]


async def _latest_month(session: AsyncSession, member_id: int) -> date | None:
    return await session.scalar(
        select(func.max(DuesObligation.month)).where(DuesObligation.member_id == member_id)
    )


def _ledger_start(settings: Settings, this_month: date) -> date:
    return min(settings.dues_start_month or this_month, this_month)


async def due_now(
    session: AsyncSession, settings: Settings, member: Member, now: datetime
) -> list[Owed]:
    """What the member owes up to this month: open months on the ledger, plus the months the
    monthly sweep has not created yet (stopping at one that cannot be priced)."""
    this_month = current_month(now, settings)
    owed = await owed_months(session, member.id, this_month)
    latest = await _latest_month(session, member.id)
    start = add_months(latest, 1) if latest else _ledger_start(settings, this_month)
    if start <= this_month:
        rules = await load_rules(session)
        facts = await facts_for(session, member)
        for month in months_between(start, this_month):
            try:
                price = compute(rules, facts, month)
            except AmountUnknown:
                break
            if price.amount > 0:
                owed.append(Owed(month, price.amount))
    return owed


async def preview_allocation(
    session: AsyncSession, settings: Settings, member: Member, amount: int, now: datetime
) -> tuple[list[Owed], int]:
    """Which months `amount` would settle (oldest first, then ahead), and what would be left."""
    months = await due_now(session, settings, member, now)
    rules = await load_rules(session)
    facts = await facts_for(session, member)
    for month in await months_ahead_allowed(session, settings, member.id, now):
        try:
            months.append(Owed(month, compute(rules, facts, month).amount))
        except AmountUnknown:
            break
    settled = []
    for owed in months:
        if amount <= 0:
            break
        take = min(amount, owed.amount)
        if take:
            settled.append(Owed(owed.month, take))
        amount -= take
    return settled, amount


# -- creating and re-pricing obligations ----------------------------------------------------


def _new_obligation(member: Member, price: Amount) -> DuesObligation:
    exempt = price.amount == 0
    return DuesObligation(
        member_id=member.id,
        org_id=member.official_org_id,
        month=price.month,
        amount=price.amount,
        paid_amount=0,
        status=ObligationStatus.EXEMPT if exempt else ObligationStatus.OPEN,
        rule_code=price.rule,
        category=price.category,
        base=member.dues_base,
        detail=price.as_json(),
    )


async def ensure_obligations(
    session: AsyncSession,
    member: Member,
    through: date,
    now: datetime,
    rules: Rules,
    start: date | None = None,
) -> int:
    """Create the missing months after the member's last one (or from `start`, else `through`)
    up to `through`; stops at the first month that cannot be priced. Returns how many."""
    latest = await _latest_month(session, member.id)
    first = add_months(latest, 1) if latest else month_start(start or through)
    facts = await facts_for(session, member)
    created = 0
    for month in months_between(first, month_start(through)):
        try:
            price = compute(rules, facts, month)
        except AmountUnknown:
            break
        row = _new_obligation(member, price)
        row.created_at = now
        if row.status == ObligationStatus.EXEMPT:
            row.settled_at = now
        session.add(row)
        created += 1
    if created:
        await session.flush()
        await apply_credit(session, member.id, now)
    return created


async def reprice_open(
    session: AsyncSession, member: Member, rules: Rules, from_month: date | None = None
) -> int:
    """Re-price the member's untouched open (and decision-exempt) months after a change of rules,
    base or decision; paid months keep their amount. Returns how many changed."""
    facts = await facts_for(session, member)
    changed = 0
    for row in await obligations_of(session, member.id):
        if row.paid_amount or row.status == ObligationStatus.PAID:
            continue
        if from_month is not None and row.month < from_month:
            continue
        try:
            price = compute(rules, facts, row.month)
        except AmountUnknown:
            continue
        status = ObligationStatus.EXEMPT if price.amount == 0 else ObligationStatus.OPEN
        if (row.amount, row.status, row.detail) == (price.amount, status, price.as_json()):
            continue
        row.amount, row.status, row.detail = price.amount, status, price.as_json()
        row.rule_code, row.category, row.base = price.rule, price.category, member.dues_base
        changed += 1
    await session.flush()
    return changed


async def _members_after(session: AsyncSession, after_id: int) -> list[Member]:
    return list(
        (
            await session.scalars(
                select(Member).where(Member.id > after_id).order_by(Member.id).limit(BATCH)
            )
        ).all()
    )


@sweep("dues.obligations", schedule="15 0 * * *")
async def obligations_sweep(db: Database, now: datetime, settings: Settings) -> int:
    """Every member's obligation up to this month (and open months re-priced), in batches."""
    through = current_month(now, settings)
    created, after = 0, 0
    while True:
        async with db.transaction() as session:
            rules = await load_rules(session)
            members = await _members_after(session, after)
            for member in members:
                await reprice_open(session, member, rules)
                created += await ensure_obligations(
                    session, member, through, now, rules, settings.dues_start_month
                )
        if len(members) < BATCH:
            return created
        after = members[-1].id


# -- payments -------------------------------------------------------------------------------------


async def _open_rows(session: AsyncSession, member_id: int) -> list[DuesObligation]:
    return [
        r
        for r in await obligations_of(session, member_id)
        if r.status == ObligationStatus.OPEN and _remaining(r) > 0
    ]


def _settle(row: DuesObligation, amount: int, now: datetime) -> None:
    row.paid_amount += amount
    if row.paid_amount >= row.amount:
        row.status, row.settled_at = ObligationStatus.PAID, now


async def _allocate(
    session: AsyncSession,
    payment: DuesPayment,
    member: Member,
    amount: int,
    now: datetime,
    ahead: tuple[date, date] | None,
) -> int:
    """Spend `amount` on the oldest open months, then on new months ahead (from this month up to
    the limit, both in `ahead`); returns what is left over."""
    for row in await _open_rows(session, member.id):
        if amount <= 0:
            break
        take = min(amount, _remaining(row))
        session.add(DuesAllocation(payment_id=payment.id, obligation_id=row.id, amount=take))
        _settle(row, take, now)
        amount -= take
    if amount > 0 and ahead is not None:
        first, limit = ahead
        rules = await load_rules(session)
        latest = await _latest_month(session, member.id)
        month = add_months(latest, 1) if latest else first
        facts = await facts_for(session, member)
        while amount > 0 and month <= limit:
            try:
                price = compute(rules, facts, month)
            except AmountUnknown:
                break
            row = _new_obligation(member, price)
            row.created_at = now
            session.add(row)
            await session.flush()
            if row.status == ObligationStatus.OPEN:
                take = min(amount, row.amount)
                session.add(
                    DuesAllocation(payment_id=payment.id, obligation_id=row.id, amount=take)
                )
                _settle(row, take, now)
                amount -= take
            else:
                row.settled_at = now
            month = add_months(month, 1)
    await session.flush()
    return amount


async def apply_credit(session: AsyncSession, member_id: int, now: datetime) -> None:
    """Money paid beyond the months allowed ahead settles new months as they come."""
    credits = (
        await session.scalars(
            select(DuesPayment)
            .where(DuesPayment.member_id == member_id, DuesPayment.unallocated > 0)
            .order_by(DuesPayment.id)
        )
    ).all()
    if not credits:
        return
    member = await directory.member(session, member_id)
    for payment in credits:
        payment.unallocated = await _allocate(
            session, payment, member, payment.unallocated, now, ahead=None
        )


async def payee(session: AsyncSession, member: Member) -> Organisation | None:
    """The organisation whose bank account collects this member's dues (their cell, or above)."""
    for org in await directory.ancestors(session, member.official_org_id):
        if org.bank_bin and org.bank_account:
            return org
    return None


async def record_payment(
    session: AsyncSession,
    settings: Settings,
    member: Member,
    amount: int,
    method: PaymentMethod,
    now: datetime,
    *,
    received_at: datetime | None = None,
    confirmed_by: Member | None = None,
    intent: PaymentIntent | None = None,
    bank_transaction_id: int | None = None,
) -> DuesPayment:
    """Record money received for a member, settle months oldest first, send the receipt."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"a payment needs a positive whole number of đồng, got {amount!r}")
    payment = DuesPayment(
        member_id=member.id,
        org_id=member.official_org_id,
        amount=amount,
        method=method,
        received_at=received_at or now,
        recorded_at=now,
        confirmed_by_id=confirmed_by.id if confirmed_by else None,
        intent_id=intent.id if intent else None,
        bank_transaction_id=bank_transaction_id,
    )
    session.add(payment)
    await session.flush()
    local_year = payment.received_at.astimezone(settings.tz).year
    payment.receipt_number = f"BL{local_year}-{payment.id:06d}"
    this_month = current_month(now, settings)
    limit = add_months(this_month, settings.dues_max_months_ahead)
    payment.unallocated = await _allocate(
        session, payment, member, amount, now, (_ledger_start(settings, this_month), limit)
    )
    if intent is not None:
        intent.status, intent.closed_at = IntentStatus.PAID, now
        await approvals.close(
            session, "dues.claim", intent.id, confirmed_by.id if confirmed_by else None, now
        )
    audit.record(
        session,
        "dues.paid",
        f"member:{member.id}",
        confirmed_by.id if confirmed_by else None,
        {"payment": payment.id, "amount": amount, "method": str(method)},
    )
    await send_receipt(session, settings, payment, now)
    return payment


@dataclass(frozen=True)
class ReceiptLine:
    month: date
    amount: int
    month_total: int


async def receipt_lines(session: AsyncSession, payment_id: int) -> list[ReceiptLine]:
    rows = (
        await session.execute(
            select(DuesObligation.month, DuesAllocation.amount, DuesObligation.amount)
            .join(DuesObligation, DuesObligation.id == DuesAllocation.obligation_id)
            .where(DuesAllocation.payment_id == payment_id)
            .order_by(DuesObligation.month)
        )
    ).all()
    return [ReceiptLine(month, paid, total) for month, paid, total in rows]


async def receipt_file(
    session: AsyncSession, settings: Settings, payment: DuesPayment, now: datetime
) -> StoredFile:
    """The receipt PDF, rendered from the ledger (the same bytes every time) and stored."""
    member = await directory.member(session, payment.member_id)
    cell = await directory.organisation(session, payment.org_id)
    chain = await directory.ancestors(session, cell.id)
    confirmer = (
        await directory.member(session, payment.confirmed_by_id)
        if payment.confirmed_by_id
        else None
    )
    pdf = receipt_pdf(
        payment,
        member,
        chain,
        await receipt_lines(session, payment.id),
        confirmer,
        settings.dues_receipt_place,
    )
    return await files.store(
        session,
        pdf,
        receipt_filename(payment),
        "application/pdf",
        now,
        member_id=member.id,
        keep_days=RECEIPT_KEEP_DAYS,
    )


async def send_receipt(
    session: AsyncSession, settings: Settings, payment: DuesPayment, now: datetime
) -> None:
    stored = await receipt_file(session, settings, payment, now)
    lines = await receipt_lines(session, payment.id)
    await notifications.notify(
        session,
        payment.member_id,
        "dues.receipt",
        {
            "number": payment.receipt_number,
            "amount": payment.amount,
            "months": iso_months([line.month for line in lines]),
            "credit": payment.unallocated,
            "method": payment.method,
            "file_token": stored.token,
            "filename": stored.filename,
        },
        now,
        Urgency.PROMPT,
        dedup_key=f"dues-receipt:{payment.id}",
    )


async def payments_of(session: AsyncSession, member_id: int, limit: int = 12) -> list[DuesPayment]:
    return list(
        (
            await session.scalars(
                select(DuesPayment)
                .where(DuesPayment.member_id == member_id)
                .order_by(DuesPayment.received_at.desc(), DuesPayment.id.desc())
                .limit(limit)
            )
        ).all()
    )


# -- paying by QR: intents and claims --------------------------------------------------------------


async def months_ahead_allowed(
    session: AsyncSession, settings: Settings, member_id: int, now: datetime
) -> list[date]:
    """The months after the last one on the ledger (and after this month) that may be paid now."""
    this_month = current_month(now, settings)
    latest = await _latest_month(session, member_id)
    start = add_months(max(latest or this_month, this_month), 1)
    return months_between(start, add_months(this_month, settings.dues_max_months_ahead))


async def price_months(session: AsyncSession, member: Member, months: Sequence[date]) -> list[Owed]:
    """What each chosen month costs now: what is left on the ledger, or the computed amount."""
    rules = await load_rules(session)
    facts = await facts_for(session, member)
    priced = []
    for month in months:
        row = await obligation(session, member.id, month)
        amount = _remaining(row) if row is not None else compute(rules, facts, month).amount
        priced.append(Owed(month, amount))
    return priced


async def create_intent(
    session: AsyncSession, member: Member, months: Sequence[date], now: datetime
) -> PaymentIntent:
    """A payment the member is about to make by transfer, with a fresh memo reference."""
    org = await payee(session, member)
    if org is None:
        raise LookupError("no bank account for this member's cell")
    priced = await price_months(session, member, months)
    total = sum(p.amount for p in priced)
    if total <= 0:
        raise ValueError("nothing to pay for these months")
    while True:
        reference = payment_refs.new_reference()
        taken = await session.scalar(
            select(PaymentIntent.id).where(PaymentIntent.reference == reference)
        )
        if taken is None:
            break
    intent = PaymentIntent(
        member_id=member.id,
        org_id=org.id,
        reference=reference,
        months=iso_months([p.month for p in priced]),
        amount=total,
        created_at=now,
    )
    session.add(intent)
    await session.flush()
    audit.record(session, "dues.intent", f"member:{member.id}", member.id, {"intent": intent.id})
    return intent


async def latest_intent(session: AsyncSession, member_id: int) -> PaymentIntent | None:
    """The member's most recent transfer that is not settled yet (open or claimed)."""
    return await session.scalar(
        select(PaymentIntent)
        .where(
            PaymentIntent.member_id == member_id,
            PaymentIntent.status.in_([IntentStatus.OPEN, IntentStatus.CLAIMED]),
        )
        .order_by(PaymentIntent.id.desc())
        .limit(1)
    )


def transfer_memo(intent: PaymentIntent) -> str:
    return f"{intent.reference} DANG PHI"


def _person(member: Member) -> dict[str, str]:
    return {"name": member.full_name, "phone": member.phone or ""}


async def claim(
    session: AsyncSession, member: Member, intent: PaymentIntent, now: datetime
) -> None:
    """The member says the transfer is made: the cell's treasurer gets a prompt to confirm."""
    if intent.status != IntentStatus.OPEN:
        return
    intent.status, intent.claimed_at = IntentStatus.CLAIMED, now
    await approvals.request(
        session,
        kind="dues.claim",
        subject_id=intent.id,
        org_id=member.official_org_id,
        params={
            **_person(member),
            "amount": intent.amount,
            "months": intent.months,
            "reference": intent.reference,
            "claimed_at": now.isoformat(),
        },
        now=now,
        actions=["received", "not_received"],
        roles=DUES_ROLES,
    )
    audit.record(session, "dues.claimed", f"member:{member.id}", member.id, {"intent": intent.id})


async def may_collect(session: AsyncSession, actor: Member, member: Member) -> bool:
    """The treasurer, secretary or deputy of the member's cell (or of an organisation above)."""
    return await directory.holds_role_over(session, actor.id, member.official_org_id, DUES_ROLES)


async def confirm_claim(
    session: AsyncSession, settings: Settings, intent_id: int, actor: Member, now: datetime
) -> DuesPayment | None:
    """The treasurer saw the money: record it as a transfer (None if no longer claimed)."""
    intent = await session.get(PaymentIntent, intent_id)
    if intent is None or intent.status != IntentStatus.CLAIMED:
        return None
    member = await directory.member(session, intent.member_id)
    if not await may_collect(session, actor, member):
        raise PermissionError("not this member's treasurer")
    return await record_payment(
        session,
        settings,
        member,
        intent.amount,
        PaymentMethod.TRANSFER,
        now,
        confirmed_by=actor,
        intent=intent,
    )


async def reject_claim(
    session: AsyncSession, intent_id: int, actor: Member, now: datetime
) -> PaymentIntent | None:
    """The treasurer found no such transfer: the member is told kindly; nothing is recorded."""
    intent = await session.get(PaymentIntent, intent_id)
    if intent is None or intent.status != IntentStatus.CLAIMED:
        return None
    member = await directory.member(session, intent.member_id)
    if not await may_collect(session, actor, member):
        raise PermissionError("not this member's treasurer")
    intent.status, intent.closed_at = IntentStatus.CANCELLED, now
    await approvals.close(session, "dues.claim", intent.id, actor.id, now)
    await notifications.notify(
        session,
        member.id,
        "dues.claim_rejected",
        {"amount": intent.amount, "reference": intent.reference, "by": actor.full_name},
        now,
        Urgency.PROMPT,
    )
    audit.record(
        session, "dues.claim_rejected", f"member:{member.id}", actor.id, {"intent": intent.id}
    )
    return intent


async def pending_claims(session: AsyncSession, org_id: int) -> list[PaymentIntent]:
    return list(
        (
            await session.scalars(
                select(PaymentIntent)
                .join(Member, Member.id == PaymentIntent.member_id)
                .where(
                    Member.official_org_id == org_id,
                    PaymentIntent.status == IntentStatus.CLAIMED,
                )
                .order_by(PaymentIntent.claimed_at, PaymentIntent.id)
            )
        ).all()
    )


# -- requests: a changed base, an exemption ---------------------------------------------


async def pending_request(session: AsyncSession, member_id: int, kind: str) -> DuesRequest | None:
    return await session.scalar(
        select(DuesRequest).where(
            DuesRequest.member_id == member_id,
            DuesRequest.kind == kind,
            DuesRequest.status == RequestStatus.PENDING,
        )
    )


async def request_base_change(
    session: AsyncSession, settings: Settings, member: Member, base: int, now: datetime
) -> DuesRequest:
    """The member reports a new base; it applies only once the treasurer confirms it."""
    month = current_month(now, settings)
    rules = await load_rules(session)
    facts = await facts_for(session, member)
    new_amount = compute(rules, replace(facts, base=base), month).amount
    request = DuesRequest(
        member_id=member.id,
        kind="base",
        params={
            "base": base,
            "old_base": member.dues_base,
            "category": member.dues_category,
            "from_month": month.isoformat(),
            "amount": new_amount,
        },
        created_at=now,
    )
    session.add(request)
    await session.flush()
    await approvals.request(
        session,
        kind="dues.base",
        subject_id=request.id,
        org_id=member.official_org_id,
        params={**_person(member), **request.params},
        now=now,
        actions=["approve", "decline"],
        roles=DUES_ROLES,
    )
    audit.record(session, "dues.base_reported", f"member:{member.id}", member.id, request.params)
    return request


async def request_exemption(
    session: AsyncSession,
    settings: Settings,
    member: Member,
    percent: int,
    reason: str,
    months: int,
    note: str,
    now: datetime,
) -> DuesRequest:
    """An application to the secretary; only the secretary's decision changes the amount."""
    rules = await load_rules(session)
    month = current_month(now, settings)
    rule = rules.rule_set_for(month)
    limit = rule.max_decision_months if rule else 12
    if percent not in (30, 50, 70, 100) or not 1 <= months <= limit:
        raise ValueError("an exemption is 100% or a 30/50/70% reduction for 1-12 months")
    request = DuesRequest(
        member_id=member.id,
        kind="exemption",
        params={
            "percent": percent,
            "reason": reason,
            "months": months,
            "note": note,
            "first_month": month.isoformat(),
            "last_month": add_months(month, months - 1).isoformat(),
        },
        created_at=now,
    )
    session.add(request)
    await session.flush()
    await approvals.request(
        session,
        kind="dues.exemption",
        subject_id=request.id,
        org_id=member.official_org_id,
        params={**_person(member), **request.params},
        now=now,
        actions=["approve", "decline"],
        roles=directory.APPROVER_ROLES,
    )
    audit.record(session, "dues.exemption_asked", f"member:{member.id}", member.id, request.params)
    return request


async def decide(
    session: AsyncSession,
    settings: Settings,
    request_id: int,
    actor: Member,
    approve: bool,
    now: datetime,
) -> DuesRequest | None:
    """The treasurer/secretary decides a pending request; None when it is no longer pending."""
    request = await session.get(DuesRequest, request_id)
    if request is None or request.status != RequestStatus.PENDING:
        return None
    member = await directory.member(session, request.member_id)
    kind = f"dues.{request.kind}"
    roles = DUES_ROLES if request.kind == "base" else directory.APPROVER_ROLES
    if not await directory.holds_role_over(session, actor.id, member.official_org_id, roles):
        raise PermissionError("not this member's treasurer or secretary")
    request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    request.decided_at, request.decided_by_id = now, actor.id
    params = request.params
    if approve:
        first = date.fromisoformat(params.get("first_month") or params["from_month"])
        if request.kind == "base":
            member.dues_base = int(params["base"])
        else:
            session.add(
                DuesExemption(
                    member_id=member.id,
                    percent=int(params["percent"]),
                    first_month=first,
                    last_month=date.fromisoformat(params["last_month"]),
                    reason=str(params["reason"]),
                    request_id=request.id,
                    decided_by_id=actor.id,
                    decided_at=now,
                )
            )
        await session.flush()
        await reprice_open(session, member, await load_rules(session), first)
    await approvals.close(session, kind, request.id, actor.id, now)
    await notifications.notify(
        session,
        member.id,
        f"dues.{request.kind}_decided",
        {**params, "approved": approve, "by": actor.full_name},
        now,
        Urgency.PROMPT,
    )
    audit.record(
        session,
        f"{kind}.{'approved' if approve else 'declined'}",
        f"member:{member.id}",
        actor.id,
        {"request": request.id},
    )
    return request


# -- the cell's view ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Debtor:
    member: Member
    owed: list[Owed]

    @property
    def total(self) -> int:
        return sum(o.amount for o in self.owed)


@dataclass
class CellSummary:
    org: Organisation
    month: date
    paid: int = 0
    paid_amount: int = 0
    unpaid: int = 0
    unpaid_amount: int = 0
    exempt: int = 0
    unpriced: list[Member] = field(default_factory=list)
    debtors: list[Debtor] = field(default_factory=list)


async def cell_members(session: AsyncSession, org_id: int) -> list[Member]:
    return list(
        (
            await session.scalars(
                select(Member).where(Member.official_org_id == org_id).order_by(Member.full_name)
            )
        ).all()
    )


async def cell_summary(
    session: AsyncSession, settings: Settings, org_id: int, now: datetime
) -> CellSummary:
    """This month's paid / unpaid / exempt counts and amounts, and who owes what so far.

    A month the sweep has not created yet counts as it will be priced."""
    month = current_month(now, settings)
    summary = CellSummary(await directory.organisation(session, org_id), month)
    rules = await load_rules(session)
    for member in await cell_members(session, org_id):
        row = await obligation(session, member.id, month)
        if row is None:
            try:
                price = compute(rules, await facts_for(session, member), month)
            except AmountUnknown:
                summary.unpriced.append(member)
                price = None
            if price is not None and price.amount == 0:
                summary.exempt += 1
            elif price is not None:
                summary.unpaid += 1
                summary.unpaid_amount += price.amount
        elif row.status == ObligationStatus.EXEMPT:
            summary.exempt += 1
        elif row.status == ObligationStatus.PAID:
            summary.paid += 1
            summary.paid_amount += row.amount
        else:
            summary.unpaid += 1
            summary.unpaid_amount += _remaining(row)
            summary.paid_amount += row.paid_amount
        owed = await due_now(session, settings, member, now)
        if owed:
            summary.debtors.append(Debtor(member, owed))
    return summary


async def remind(
    session: AsyncSession, members: Sequence[Member], by: Member, now: datetime, settings: Settings
) -> int:
    """The treasurer's one-tap kind reminder (at most one a day per member)."""
    sent = 0
    today = now.astimezone(settings.tz).date()
    for member in members:
        owed = await due_now(session, settings, member, now)
        if not owed:
            continue
        sent += await notifications.notify(
            session,
            member.id,
            "dues.reminder",
            {
                "months": iso_months([o.month for o in owed]),
                "amount": sum(o.amount for o in owed),
                "by": by.full_name,
            },
            now,
            Urgency.REMINDER,
            dedup_key=f"dues-nudge:{today.isoformat()}:{member.id}",
        )
    return sent


async def collecting_cells(session: AsyncSession, actor_id: int) -> list[Organisation]:
    """The cells where this person collects dues (a role held above a cell covers it)."""
    held = (
        await session.execute(
            select(Role.org_id).where(Role.member_id == actor_id, Role.role.in_(DUES_ROLES))
        )
    ).scalars()
    ids: set[int] = set()
    for org_id in held:
        ids.update(await directory.descendants(session, org_id))
    if not ids:
        return []
    return list(
        (
            await session.scalars(
                select(Organisation)
                .where(Organisation.id.in_(ids), Organisation.kind == OrgKind.CELL)
                .order_by(Organisation.name)
            )
        ).all()
    )


def find_in(members: Sequence[Member], text: str) -> list[Member]:
    """Members matching a typed phone number or (part of) a name, with or without diacritics."""
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) >= 9:
        return [m for m in members if m.phone and m.phone[-9:] == digits[-9:]]
    wanted = fold(text)
    if not wanted:
        return []
    exact = [m for m in members if fold(m.full_name) == wanted]
    return exact or [m for m in members if wanted in fold(m.full_name)]


# -- the monthly reminders ------------------------------------------------------------------------

WARN_AT = 2  # unpaid past months in the calendar year that bring a kind warning


async def _remind_cell(
    session: AsyncSession, org: Organisation, now: datetime, settings: Settings
) -> int:
    month = current_month(now, settings)
    sent, warned = 0, []
    for member in await cell_members(session, org.id):
        owed = await owed_months(session, member.id, month)
        if not owed:
            continue
        overdue = [o.month for o in owed if o.month < month and o.month.year == month.year]
        event = "dues.warning" if len(overdue) >= WARN_AT else "dues.reminder"
        fresh = await notifications.notify(
            session,
            member.id,
            event,
            {
                "months": iso_months([o.month for o in owed]),
                "amount": sum(o.amount for o in owed),
                "overdue": iso_months(overdue),
            },
            now,
            Urgency.REMINDER,
            dedup_key=f"dues-reminder:{month:%Y-%m}:{member.id}",
        )
        sent += fresh
        if fresh and event == "dues.warning":
            warned.append({**_person(member), "months": iso_months(overdue)})
    if warned:
        today = now.astimezone(settings.tz).date()
        for secretary in await directory.nearest_holders(session, org.id):
            sent += await notifications.notify(
                session,
                secretary.id,
                "dues.warning_list",
                {"org": org.name, "year": month.year, "people": warned},
                now,
                Urgency.REMINDER,
                dedup_key=f"dues-warning-list:{today.isoformat()}:{org.id}:{secretary.id}",
            )
    return sent


@sweep("dues.reminders", schedule="30 8 5,20 * *")
async def reminders_sweep(db: Database, now: datetime, settings: Settings) -> int:
    """Remind members with unpaid months once a month; warn kindly at two unpaid past months in
    the year and give their secretary the list. Paid and exempt members are never reminded."""
    async with db.transaction() as session:
        cells = (
            await session.scalars(
                select(Organisation.id)
                .where(Organisation.kind == OrgKind.CELL)
                .order_by(Organisation.id)
            )
        ).all()
    sent = 0
    for org_id in cells:
        async with db.transaction() as session:
            org = await directory.organisation(session, org_id)
            sent += await _remind_cell(session, org, now, settings)
    return sent


async def reprice_all(session: AsyncSession) -> int:
    """After the operator changes rates or regions: every member's open months follow them."""
    rules = await load_rules(session)
    changed, after = 0, 0
    while True:
        members = await _members_after(session, after)
        for member in members:
            changed += await reprice_open(session, member, rules)
        if len(members) < BATCH:
            return changed
        after = members[-1].id


# -- the ledger export ----------------------------------------------------------------------------

EXEMPTION_NOTES = {
    "party_age": "Miễn: đủ 50 năm tuổi Đảng",
    "category": "Miễn: trợ cấp hưu trí xã hội",
    "decision": "Miễn theo quyết định của chi bộ",
}


def _ledger_note(detail: dict[str, object]) -> str:
    notes = []
    if detail.get("exemption"):
        notes.append(EXEMPTION_NOTES.get(str(detail["exemption"]), "Miễn"))
    if detail.get("reduction"):
        notes.append(f"Giảm {detail['reduction']}%")
    exact = str(detail.get("exact") or "")
    if exact and not exact.endswith("/1"):
        numerator, denominator = (int(part) for part in exact.split("/"))
        notes.append(f"Làm tròn lên từ {numerator / denominator:.3f} đ".replace(".", ","))
    if detail.get("older_assumed"):
        notes.append("Tạm tính mức dưới tuổi nghỉ hưu (chưa có giới tính)")
    if detail.get("uncertain"):
        notes.append("Số liệu căn cứ chưa đối chiếu văn bản gốc")
    return "; ".join(notes)


async def ledger_rows(session: AsyncSession, org_id: int, month: date) -> list[LedgerRow]:
    """Every member of the organisation (and the cells below it) for one month of the ledger."""
    month = month_start(month)
    org_ids = await directory.descendants(session, org_id)
    names = dict(
        (
            await session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
            )
        ).all()
    )
    rows = (
        await session.execute(
            select(Member, DuesObligation)
            .outerjoin(
                DuesObligation,
                (DuesObligation.member_id == Member.id) & (DuesObligation.month == month),
            )
            .where(Member.official_org_id.in_(org_ids) | DuesObligation.org_id.in_(org_ids))
        )
    ).all()
    rules = await load_rules(session)
    ledger: list[LedgerRow] = []
    for member, row in rows:
        cell_id = row.org_id if row is not None else member.official_org_id
        if row is None:
            try:
                price = compute(rules, await facts_for(session, member), month)
            except AmountUnknown:
                price = None
            ledger.append(
                LedgerRow(
                    cell=names.get(cell_id, ""),
                    name=member.full_name,
                    card=member.card_number,
                    category=member.dues_category,
                    base=member.dues_base,
                    amount=price.amount if price else None,
                    paid=0,
                    status="unpriced"
                    if price is None
                    else ("exempt" if not price.amount else "open"),
                    paid_on=None,
                    methods=(),
                    receipts=(),
                    note=_ledger_note(price.as_json()) if price else "",
                )
            )
            continue
        payments = (
            await session.scalars(
                select(DuesPayment)
                .join(DuesAllocation, DuesAllocation.payment_id == DuesPayment.id)
                .where(DuesAllocation.obligation_id == row.id)
                .order_by(DuesPayment.received_at)
            )
        ).all()
        ledger.append(
            LedgerRow(
                cell=names.get(cell_id, ""),
                name=member.full_name,
                card=member.card_number,
                category=row.category,
                base=row.base,
                amount=row.amount,
                paid=row.paid_amount,
                status=row.status,
                paid_on=payments[-1].received_at if payments else None,
                methods=list(dict.fromkeys(p.method for p in payments)),
                receipts=[p.receipt_number or "" for p in payments],
                note=_ledger_note(row.detail),
            )
        )
    ledger.sort(key=lambda r: (r.cell, r.name))
    return ledger
