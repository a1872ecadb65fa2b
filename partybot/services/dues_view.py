"""The cell's side of the ledger: this month's summary, who owes what, kind reminders (one tap,
and the monthly sweep with its warning at two unpaid months), and the ledger export rows."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import directory, notifications
from partybot.services.dues import (
    DUES_ROLES,
    Owed,
    current_month,
    decisions_of,
    due_now,
    facts_for,
    facts_of,
    iso_months,
    ledger_start,
    owed_from,
    person_params,
    region_of,
    remaining,
)
from partybot.services.dues_documents import LedgerRow
from partybot.services.dues_rules import (
    AmountUnknown,
    compute,
    load_rules,
    month_start,
)
from partybot.services.sweeps import sweep
from partybot.services.textnorm import fold
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import (
    DuesAllocation,
    DuesObligation,
    DuesPayment,
    Member,
    ObligationStatus,
    Organisation,
    OrgKind,
    OutboxMessage,
    Role,
    Urgency,
)


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
    members = await cell_members(session, org_id)
    ids = [m.id for m in members]
    decisions = await decisions_of(session, ids)
    region = await region_of(session, org_id)
    ledger: dict[int, list[DuesObligation]] = {}
    for row in await session.scalars(
        select(DuesObligation)
        .where(DuesObligation.member_id.in_(ids))
        .order_by(DuesObligation.member_id, DuesObligation.month)
    ):
        ledger.setdefault(row.member_id, []).append(row)
    for member in members:
        rows = ledger.get(member.id, [])
        facts = facts_of(member, decisions.get(member.id, []), region)
        row = next((r for r in rows if r.month == month), None)
        if row is None:
            try:
                price = compute(rules, facts, month)
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
            summary.unpaid_amount += remaining(row)
            summary.paid_amount += row.paid_amount
        owed = owed_from(rows, facts, rules, month, ledger_start(settings, month))
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


async def _open_by_member(
    session: AsyncSession, member_ids: Sequence[int], up_to: date
) -> dict[int, list[Owed]]:
    """What each member still owes on the ledger up to a month, oldest first (one query)."""
    owed: dict[int, list[Owed]] = {}
    rows = await session.scalars(
        select(DuesObligation)
        .where(
            DuesObligation.member_id.in_(list(member_ids)),
            DuesObligation.status == ObligationStatus.OPEN,
            DuesObligation.month <= up_to,
        )
        .order_by(DuesObligation.member_id, DuesObligation.month)
    )
    for row in rows:
        if remaining(row) > 0:
            owed.setdefault(row.member_id, []).append(Owed(row.month, remaining(row)))
    return owed


async def _remind_cell(
    session: AsyncSession, org: Organisation, now: datetime, settings: Settings
) -> int:
    month = current_month(now, settings)
    members = await cell_members(session, org.id)
    owed_by = await _open_by_member(session, [m.id for m in members], month)
    keys = {m.id: f"dues-reminder:{month:%Y-%m}:{m.id}" for m in members if m.id in owed_by}
    done = set(
        (
            await session.scalars(
                select(OutboxMessage.dedup_key).where(
                    OutboxMessage.dedup_key.in_(list(keys.values()))
                )
            )
        ).all()
    )
    sent, warned = 0, []
    for member in members:
        owed = owed_by.get(member.id)
        if not owed or keys[member.id] in done:
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
            dedup_key=keys[member.id],
        )
        sent += fresh
        if fresh and event == "dues.warning":
            warned.append({**person_params(member), "months": iso_months(overdue)})
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
