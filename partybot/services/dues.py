"""The dues ledger: monthly obligations, payments settling the oldest months first, receipts.

A sweep creates each member's obligation for the month (idempotent: one row per member and
month). Paid and exempt months keep the amount they had; open ones follow the current rules,
base and decisions. Money arrives as a payment (bank notification, statement row, or the
treasurer confirming cash or a transfer); it settles the oldest open months, then months ahead up
to a limit; anything beyond stays on the payment as credit for the months to come.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import approvals, audit, directory, files, notifications, payment_refs
from partybot.services.dues_documents import receipt_filename, receipt_pdf
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
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import (
    DuesAllocation,
    DuesExemption,
    DuesObligation,
    DuesPayment,
    IntentStatus,
    Member,
    ObligationStatus,
    Organisation,
    PaymentIntent,
    PaymentMethod,
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


Decision = tuple[date, date, int]


async def decisions_of(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, list[Decision]]:
    """Each member's recorded exemption/reduction decisions (first month, last month, percent)."""
    rows = await session.execute(
        select(
            DuesExemption.member_id,
            DuesExemption.first_month,
            DuesExemption.last_month,
            DuesExemption.percent,
        )
        .where(DuesExemption.member_id.in_(list(member_ids)))
        .order_by(DuesExemption.id)
    )
    found: dict[int, list[Decision]] = {}
    for member_id, first, last, percent in rows:
        found.setdefault(member_id, []).append((first, last, percent))
    return found


def facts_of(member: Member, decisions: Sequence[Decision], region: int | None) -> Facts:
    return Facts(
        category=member.dues_category,
        base=member.dues_base,
        birth_date=member.birth_date,
        sex=member.sex,
        admitted_on=member.admitted_on,
        region=region,
        decisions=tuple(decisions),
    )


async def facts_for(session: AsyncSession, member: Member) -> Facts:
    decisions = (await decisions_of(session, [member.id])).get(member.id, [])
    return facts_of(member, decisions, await region_of(session, member.official_org_id))


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


def remaining(row: DuesObligation) -> int:
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
        Owed(r.month, remaining(r))
        for r in await obligations_of(session, member_id)
        if r.status == ObligationStatus.OPEN and r.month <= up_to and remaining(r) > 0
    ]


async def _latest_month(session: AsyncSession, member_id: int) -> date | None:
    return await session.scalar(
        select(func.max(DuesObligation.month)).where(DuesObligation.member_id == member_id)
    )


def ledger_start(settings: Settings, this_month: date) -> date:
    return min(settings.dues_start_month or this_month, this_month)


def owed_from(
    rows: Sequence[DuesObligation],
    facts: Facts,
    rules: Rules,
    this_month: date,
    first_if_empty: date,
) -> list[Owed]:
    """What is owed up to this month from a member's ledger rows (ordered by month): the open
    months, plus the months the sweep has not created yet, stopping at one that cannot be priced."""
    owed = [
        Owed(r.month, remaining(r))
        for r in rows
        if r.status == ObligationStatus.OPEN and r.month <= this_month and remaining(r) > 0
    ]
    start = add_months(rows[-1].month, 1) if rows else first_if_empty
    for month in months_between(start, this_month):
        try:
            price = compute(rules, facts, month)
        except AmountUnknown:
            break
        if price.amount > 0:
            owed.append(Owed(month, price.amount))
    return owed


async def due_now(
    session: AsyncSession,
    settings: Settings,
    member: Member,
    now: datetime,
    rules: Rules | None = None,
) -> list[Owed]:
    """What the member owes up to this month (see owed_from)."""
    this_month = current_month(now, settings)
    return owed_from(
        await obligations_of(session, member.id),
        await facts_for(session, member),
        rules or await load_rules(session),
        this_month,
        ledger_start(settings, this_month),
    )


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
    return await _keep_up(session, [member], through, now, rules, start, reprice=False)


def _reprice_rows(
    rows: Sequence[DuesObligation], member: Member, facts: Facts, rules: Rules, after: date | None
) -> int:
    """Bring untouched open (and exempt) months in line with today's rules and facts."""
    changed = 0
    for row in rows:
        if row.paid_amount or row.status == ObligationStatus.PAID:
            continue
        if after is not None and row.month < after:
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
    return changed


async def _keep_up(
    session: AsyncSession,
    members: Sequence[Member],
    through: date | None,
    now: datetime,
    rules: Rules,
    start: date | None,
    reprice: bool,
) -> int:
    """The sweep's work for a batch of members, with a handful of queries for the whole batch:
    re-price open months, create the missing months, let credit settle the new ones."""
    ids = [m.id for m in members]
    decisions = await decisions_of(session, ids)
    ledger: dict[int, list[DuesObligation]] = {}
    rows = await session.scalars(
        select(DuesObligation)
        .where(DuesObligation.member_id.in_(ids))
        .order_by(DuesObligation.member_id, DuesObligation.month)
    )
    for row in rows:
        ledger.setdefault(row.member_id, []).append(row)
    with_credit = set(
        (
            await session.scalars(
                select(DuesPayment.member_id).where(
                    DuesPayment.member_id.in_(ids), DuesPayment.unallocated > 0
                )
            )
        ).all()
    )
    regions: dict[int, int | None] = {}
    created: list[DuesObligation] = []
    for member in members:
        if member.official_org_id not in regions:
            regions[member.official_org_id] = await region_of(session, member.official_org_id)
        facts = facts_of(member, decisions.get(member.id, []), regions[member.official_org_id])
        mine = ledger.get(member.id, [])
        if reprice:
            _reprice_rows(mine, member, facts, rules, None)
        if through is None:
            continue
        first = add_months(mine[-1].month, 1) if mine else month_start(start or through)
        for month in months_between(first, month_start(through)):
            try:
                price = compute(rules, facts, month)
            except AmountUnknown:
                break
            row = _new_obligation(member, price)
            row.created_at = now
            if row.status == ObligationStatus.EXEMPT:
                row.settled_at = now
            created.append(row)
    session.add_all(created)
    await session.flush()
    for member_id in with_credit & {row.member_id for row in created}:
        await apply_credit(session, member_id, now)
    return len(created)


async def reprice_open(
    session: AsyncSession, member: Member, rules: Rules, from_month: date | None = None
) -> int:
    """Re-price the member's untouched open (and decision-exempt) months after a change of rules,
    base or decision; paid months keep their amount. Returns how many changed."""
    facts = await facts_for(session, member)
    rows = await obligations_of(session, member.id)
    changed = _reprice_rows(rows, member, facts, rules, from_month)
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
            created += await _keep_up(
                session, members, through, now, rules, settings.dues_start_month, reprice=True
            )
        if len(members) < BATCH:
            return created
        after = members[-1].id


# -- payments -------------------------------------------------------------------------------------


async def _open_rows(session: AsyncSession, member_id: int) -> list[DuesObligation]:
    return [
        r
        for r in await obligations_of(session, member_id)
        if r.status == ObligationStatus.OPEN and remaining(r) > 0
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
        take = min(amount, remaining(row))
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
    notify: bool = True,
) -> DuesPayment:
    """Record money received for a member, settle months oldest first, send the receipt (unless
    `notify` is off: history entered after the fact; its receipt is still there on request)."""
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
        session, payment, member, amount, now, (ledger_start(settings, this_month), limit)
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
    if notify:
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
        amount = remaining(row) if row is not None else compute(rules, facts, month).amount
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


def person_params(member: Member) -> dict[str, str]:
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
            **person_params(member),
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


async def reprice_all(session: AsyncSession) -> int:
    """After the operator changes rates or regions: every member's open months follow them.
    Returns how many months changed."""
    rules = await load_rules(session)
    changed, after = 0, 0
    while True:
        members = await _members_after(session, after)
        ids = [m.id for m in members]
        decisions = await decisions_of(session, ids)
        ledger: dict[int, list[DuesObligation]] = {}
        for row in await session.scalars(
            select(DuesObligation)
            .where(DuesObligation.member_id.in_(ids))
            .order_by(DuesObligation.member_id, DuesObligation.month)
        ):
            ledger.setdefault(row.member_id, []).append(row)
        for member in members:
            facts = facts_of(
                member,
                decisions.get(member.id, []),
                await region_of(session, member.official_org_id),
            )
            changed += _reprice_rows(ledger.get(member.id, []), member, facts, rules, None)
        await session.flush()
        if len(members) < BATCH:
            return changed
        after = members[-1].id
