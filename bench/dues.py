"""Dues figures for one ward: the monthly sweeps, and bank credits matched with their receipts.

1. `dues.obligations` for N members (first run creates the month; the daily re-run re-prices
   open months and creates nothing). Same-run baseline: one INSERT of N obligation rows.
2. `dues.reminders` for the same members (first run queues one reminder each; the re-run queues
   nothing). Same-run baseline: one INSERT of N outbox rows.
3. K bank credits through `record_credit`, each matched, settled and sent a PDF receipt.
   Same-run baseline: rendering the K receipt PDFs alone (the floor of that path).

    .venv/bin/python bench/dues.py [--members 3000] [--cells 30] [--credits 50]
        [--postgres URL]

PostgreSQL runs when --postgres (or TEST_DATABASE_URL) names a server; a database is created
there for the run and dropped afterwards.
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from sqlalchemy import delete, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from partybot.services import dues, dues_bank, dues_view  # noqa: E402
from partybot.services.dues_documents import receipt_pdf  # noqa: E402
from partybot.settings import Settings  # noqa: E402
from partybot.storage.db import Database  # noqa: E402
from partybot.storage.models import (  # noqa: E402
    DuesObligation,
    DuesPayment,
    Member,
    Organisation,
    OrgKind,
    OutboxMessage,
    PaymentIntent,
    Role,
    RoleKind,
)

NOW = datetime(2026, 12, 5, 1, 30, tzinfo=UTC)  # 08:30 on the 5th in Hà Nội
MONTH = date(2026, 12, 1)


async def timed(label: str, work: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    result = await work()
    seconds = time.perf_counter() - start
    print(f"  {label:<58} {seconds:8.2f} s   ({result})")
    return seconds


async def build(db: Database, members: int, cells: int) -> list[int]:
    async with db.transaction() as session:
        ward = Organisation(code="DU", name="Đảng ủy phường", kind=OrgKind.COMMITTEE, region=1)
        session.add(ward)
        await session.flush()
        orgs = []
        for index in range(cells):
            cell = Organisation(
                code=f"CB{index:03d}",
                name=f"Chi bộ {index}",
                kind=OrgKind.CELL,
                parent_id=ward.id,
                bank_bin="970436",
                bank_account=f"00110018{index:05d}",
                bank_account_name=f"CHI BO {index}",
            )
            session.add(cell)
            orgs.append(cell)
        await session.flush()
        rows = [
            {
                "card_number": f"9{index:07d}",
                "full_name": f"Đảng viên {index}",
                "phone": f"+8491{index:07d}",
                "official_org_id": orgs[index % cells].id,
                "status": "official",
                "birth_date": date(1955, 1, 1),
                "admitted_on": date(1985, 1, 1),
                "dues_category": "pension",
                "dues_base": 7_000_000 + index,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for index in range(members)
        ]
        await session.execute(insert(Member), rows)
        first = await session.scalar(select(Member.id).order_by(Member.id))
        for index, cell in enumerate(orgs):
            session.add(Role(member_id=first + index, org_id=cell.id, role=RoleKind.TREASURER))
        return [o.id for o in orgs]


async def run(url: str, members: int, cells: int, credits: int) -> None:
    db = Database(url)
    await db.upgrade()
    settings = Settings(_env_file=None, database_url=url)
    await build(db, members, cells)
    print(f"{db.engine.dialect.name}: {members} members in {cells} cells")
    await timed(
        "obligations sweep, first run (rows created)",
        lambda: dues.obligations_sweep(db, NOW, settings),
    )
    await timed(
        "obligations sweep, daily re-run (rows created)",
        lambda: dues.obligations_sweep(db, NOW, settings),
    )
    await timed(
        "reminders sweep, first run (notices queued)",
        lambda: dues_view.reminders_sweep(db, NOW, settings),
    )
    await timed(
        "reminders sweep, re-run (notices queued)",
        lambda: dues_view.reminders_sweep(db, NOW, settings),
    )

    async def baseline_rows() -> int:
        async with db.transaction() as session:
            ids = (
                await session.scalars(
                    select(
                        Member.id,
                    ).order_by(Member.id)
                )
            ).all()
            orgs = dict((await session.execute(select(Member.id, Member.official_org_id))).all())
            await session.execute(
                insert(DuesObligation),
                [
                    {
                        "member_id": i,
                        "org_id": orgs[i],
                        "month": date(2027, 1, 1),
                        "amount": 35_000,
                        "paid_amount": 0,
                        "status": "open",
                        "rule_code": "QD01",
                        "detail": {},
                        "created_at": NOW,
                    }
                    for i in ids
                ],
            )
            await session.execute(
                insert(OutboxMessage),
                [
                    {
                        "member_id": i,
                        "event": "dues.reminder",
                        "params": {"months": ["2027-01-01"], "amount": 35_000},
                        "urgency": "reminder",
                        "dedup_key": f"bench:{i}",
                        "status": "pending",
                        "attempts": 0,
                        "available_at": NOW,
                        "created_at": NOW,
                    }
                    for i in ids
                ],
            )
            await session.execute(
                delete(DuesObligation).where(DuesObligation.month == date(2027, 1, 1))
            )
            return len(ids)

    await timed("baseline: one INSERT of N obligations + N outbox rows", baseline_rows)

    async def pay_by_bank() -> int:
        async with db.transaction() as session:
            payers = (
                await session.scalars(select(Member).order_by(Member.id).limit(credits))
            ).all()
            intents = [await dues.create_intent(session, m, [MONTH], NOW) for m in payers]
            accounts = {
                o.id: o.bank_account for o in (await session.scalars(select(Organisation))).all()
            }
        matched = 0
        for index, intent in enumerate(intents):
            credit = dues_bank.Credit(
                provider="bench",
                external_id=str(index),
                account=accounts[intent.org_id] or "",
                amount=intent.amount,
                memo=f"{intent.reference} DANG PHI",
                occurred_at=NOW,
            )
            async with db.transaction() as session:
                result, _ = await dues_bank.record_credit(session, settings, credit, NOW)
            matched += result == dues_bank.Result.MATCHED
        return matched

    paying = await timed(f"{credits} bank credits matched, settled, receipt sent", pay_by_bank)

    async def receipts_only() -> int:
        async with db.transaction() as session:
            payments = (await session.scalars(select(DuesPayment).limit(credits))).all()
            member = await session.scalar(select(Member))
            chain = [await session.get(Organisation, payments[0].org_id)]
            lines = await dues.receipt_lines(session, payments[0].id)
        for payment in payments:
            await asyncio.to_thread(receipt_pdf, payment, member, chain, lines, None, "Hà Nội")
        return len(payments)

    floor = await timed(f"baseline: rendering {credits} receipt PDFs alone", receipts_only)
    per_credit, per_pdf = paying / credits * 1000, floor / credits * 1000
    print(f"  per credit: {per_credit:.0f} ms, of which the PDF {per_pdf:.0f} ms")
    async with db.transaction() as session:
        paid = await session.scalar(
            select(PaymentIntent.id).where(PaymentIntent.status == "paid").limit(1)
        )
    assert paid is not None
    await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--cells", type=int, default=30)
    parser.add_argument("--credits", type=int, default=50)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await run(f"sqlite+aiosqlite:///{folder}/bench.db", args.members, args.cells, args.credits)
    if args.postgres:
        name = f"partybot_bench_{uuid.uuid4().hex[:8]}"
        admin_dsn = make_url(args.postgres).set(drivername="postgresql").render_as_string(False)
        admin = await asyncpg.connect(admin_dsn)
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            await run(
                make_url(args.postgres).set(database=name).render_as_string(False),
                args.members,
                args.cells,
                args.credits,
            )
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
