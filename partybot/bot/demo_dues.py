"""Demo dues: the ledger from 09/2026, some months paid, some owed, one transfer to resolve.

Safe to run again: obligations are created once per month, demo payments only for members who
have none, and the demo transfer is keyed by a fixed id.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import directory, dues, dues_bank
from partybot.services.dues_rules import add_months, load_rules, months_between
from partybot.settings import Settings
from partybot.storage.models import Member, Organisation, PaymentMethod

LEDGER_START = date(2026, 9, 1)
REGION = 1  # Hà Nội's urban wards are minimum-wage region I
# Card number -> months paid from the start of the ledger (cash unless listed in BY_BANK).
PAID_MONTHS = {
    "01000101": 4,
    "01000102": 3,
    "01000103": 4,
    "01000107": 1,
    "01000110": 3,
    "01000111": 4,
    "01000201": 4,
    "01000202": 4,
    "01000203": 2,
    "01000208": 3,
    "01000301": 4,
    "01000302": 3,
    "01000303": 4,
    "01000305": 2,
    "01000401": 4,
    "01000403": 3,
}
BY_BANK = {"01000102", "01000302"}
TRANSFER_ID = "demo-unmatched-1"


async def seed_dues(session: AsyncSession, now: datetime, settings: Settings | None = None) -> None:
    """Regions, the ledger since 09/2026, demo payments and one unmatched transfer."""
    settings = settings or Settings(_env_file=None)
    roots = await session.scalars(select(Organisation).where(Organisation.parent_id.is_(None)))
    for org in roots.all():
        if org.region is None:
            org.region = REGION
    await session.flush()
    this_month = dues.current_month(now, settings)
    start = min(LEDGER_START, this_month)
    rules = await load_rules(session)
    members = (await session.scalars(select(Member).order_by(Member.card_number))).all()
    by_card = {m.card_number: m for m in members}
    for member in members:
        await dues.ensure_obligations(session, member, this_month, now, rules, start)
    treasurer_of: dict[int, Member | None] = {}
    for card, count in PAID_MONTHS.items():
        member = by_card.get(card)
        if member is None or await dues.payments_of(session, member.id, limit=1):
            continue
        months = months_between(start, add_months(start, count - 1))
        priced = await dues.price_months(session, member, months)
        total = sum(p.amount for p in priced)
        if total <= 0:
            continue
        if member.official_org_id not in treasurer_of:
            found = await _treasurer(session, member)
            treasurer_of[member.official_org_id] = found
        paid_on = now - timedelta(days=3)
        bank = card in BY_BANK
        await dues.record_payment(
            session,
            settings,
            member,
            total,
            PaymentMethod.TRANSFER if bank else PaymentMethod.CASH,
            now,
            received_at=paid_on,
            confirmed_by=treasurer_of[member.official_org_id],
        )
    await _unmatched_transfer(session, settings, by_card, now)


async def _treasurer(session: AsyncSession, member: Member) -> Member | None:
    holders = await directory.nearest_holders(session, member.official_org_id, dues.DUES_ROLES)
    return holders[0] if holders else None


async def _unmatched_transfer(
    session: AsyncSession, settings: Settings, by_card: dict[str, Member], now: datetime
) -> None:
    """A member typed their own memo: the treasurer resolves it in "Tình hình đảng phí"."""
    member = by_card.get("01000110")
    if member is None:
        return
    cell = await session.get(Organisation, member.official_org_id)
    if cell is None or not cell.bank_account:
        return
    await dues_bank.record_credit(
        session,
        settings,
        dues_bank.Credit(
            provider="demo",
            external_id=TRANSFER_ID,
            account=cell.bank_account,
            amount=40_000,
            memo="DO VAN KHANH NOP DANG PHI THANG 12",
            occurred_at=now - timedelta(hours=20),
        ),
        now,
    )
