"""Bank statement import (CSV and XLSX): matched, duplicates, outgoing, unmatched and broken rows,
all-or-nothing unless partial, and the same transfer seen by the webhook and then the statement."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from partybot.services import dues, dues_bank
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import BankTransaction, DuesPayment, Member, PaymentIntent
from tests.support.clock import FakeClock
from tests.support.dues_world import HOME_ACCOUNT, build_dues_world
from tests.support.world import World


@pytest.fixture
async def world(db: Database) -> World:
    return await build_dues_world(db)


async def intents(
    db: Database, world: World, settings: Settings, clock: FakeClock
) -> dict[str, PaymentIntent]:
    made = {}
    async with db.transaction() as session:
        for who in ("an", "binh", "em"):
            member = await session.get(Member, world.people[who].id)
            assert member is not None
            month = dues.current_month(clock(), settings)
            made[who] = await dues.create_intent(session, member, [month], clock())
    return made


def csv_statement(rows: list[list[str]]) -> bytes:
    lines = [
        "SAO KÊ TÀI KHOẢN",
        f"Số tài khoản: {HOME_ACCOUNT}",
        "",
        "Ngày giao dịch;Số tham chiếu;Số tiền ghi có;Nội dung",
        *(";".join(row) for row in rows),
    ]
    return "\n".join(lines).encode("utf-8-sig")


async def run_import(db, settings, data, clock, **options) -> dues_bank.StatementReport:
    async with db.transaction() as session:
        return await dues_bank.import_statement(session, settings, data, clock(), **options)


async def payments(db: Database) -> int:
    async with db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(DuesPayment)) or 0


async def test_statement_matches_like_notifications(db, world, settings, clock) -> None:
    made = await intents(db, world, settings, clock)
    data = csv_statement(
        [
            ["03/12/2026 09:15", "FT001", "35.000", f"NGUYEN VAN AN {made['an'].reference}"],
            ["03/12/2026 09:20", "FT002", "34,250", f"{made['binh'].reference.lower()} dang phi"],
            ["03/12/2026 09:30", "FT003", "50.000", f"{made['em'].reference}"],  # wrong amount
            ["03/12/2026 10:00", "FT004", "-200.000", "PHI DICH VU"],  # money out
            ["03/12/2026 11:00", "FT005", "100.000", "UNG HO"],  # no reference
        ]
    )
    report = await run_import(db, settings, data, clock, account=HOME_ACCOUNT)
    assert report.written and report.problems == []
    assert report.matched == [5, 6]
    assert report.review == [(7, "amount_mismatch"), (9, "no_reference")]
    assert report.outgoing == [8]
    assert await payments(db) == 2
    again = await run_import(db, settings, data, clock, account=HOME_ACCOUNT)
    assert again.duplicates == [5, 6, 7, 9] and again.matched == [] and again.review == []
    assert await payments(db) == 2


async def test_broken_rows_write_nothing_unless_partial(db, world, settings, clock) -> None:
    made = await intents(db, world, settings, clock)
    data = csv_statement(
        [
            ["03/12/2026", "FT001", "35.000", made["an"].reference],
            ["32/13/2026", "FT002", "34.250", made["binh"].reference],
            ["03/12/2026", "FT003", "ba mươi nghìn", "X"],
            ["03/12/2026", "FT004", "35.000,50", "X"],
        ]
    )
    report = await run_import(db, settings, data, clock, account=HOME_ACCOUNT)
    assert not report.written
    assert [(row, problem) for row, problem, _ in report.problems] == [
        (6, dues_bank.RowProblem.BAD_DATE),
        (7, dues_bank.RowProblem.BAD_AMOUNT),
        (8, dues_bank.RowProblem.BAD_AMOUNT),
    ]
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(BankTransaction)) == 0
    partial = await run_import(db, settings, data, clock, account=HOME_ACCOUNT, partial=True)
    assert partial.written and partial.matched == [5]
    assert await payments(db) == 1


async def test_no_account_and_no_header(db, world, settings, clock) -> None:
    data = csv_statement([["03/12/2026", "FT001", "35.000", "X"]])
    report = await run_import(db, settings, data, clock)
    assert [p for _, p, _ in report.problems] == [dues_bank.RowProblem.NO_ACCOUNT]
    report = await run_import(db, settings, b"a;b;c\n1;2;3\n", clock, account=HOME_ACCOUNT)
    assert report.no_header and not report.written


async def test_xlsx_statement_with_an_account_column(db, world, settings, clock) -> None:
    made = await intents(db, world, settings, clock)
    book = Workbook()
    sheet = book.active
    sheet.append(["Sao kê tháng 12/2026"])
    sheet.append(["Số tài khoản", "Ngày giao dịch", "Mã giao dịch", "Số tiền", "Diễn giải"])
    sheet.append([HOME_ACCOUNT, datetime(2026, 12, 3, 9, 15), 5001, 35000, made["an"].reference])
    sheet.append([HOME_ACCOUNT, date(2026, 12, 3), "5002", 34250.0, made["binh"].reference])
    out = io.BytesIO()
    book.save(out)
    report = await run_import(db, settings, out.getvalue(), clock)
    assert report.matched == [3, 4] and report.problems == []
    async with db.transaction() as session:
        refs = (await session.scalars(select(BankTransaction.bank_ref))).all()
    assert sorted(refs) == ["5001", "5002"]


async def test_the_same_transfer_from_webhook_then_statement(db, world, settings, clock) -> None:
    made = await intents(db, world, settings, clock)
    async with db.transaction() as session:
        result, _ = await dues_bank.record_credit(
            session,
            settings,
            dues_bank.Credit(
                "sepay",
                "777",
                HOME_ACCOUNT,
                35_000,
                made["an"].reference,
                clock(),
                bank_ref="FT900",
            ),
            clock(),
        )
    assert result == dues_bank.Result.MATCHED
    # The statement names the same bank reference: recognised.
    by_ref = csv_statement([["03/12/2026", "FT900", "35.000", made["an"].reference]])
    assert (await run_import(db, settings, by_ref, clock, account=HOME_ACCOUNT)).duplicates == [5]
    # Another bank's export without the reference column: same intent, amount and day.
    plain = "\n".join(
        ["Ngày giao dịch,Số tiền,Nội dung", f"03/12/2026,35000,{made['an'].reference} DANG PHI"]
    ).encode()
    assert (await run_import(db, settings, plain, clock, account=HOME_ACCOUNT)).duplicates == [2]
    assert await payments(db) == 1


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("35.000", 35000),
        ("35,000", 35000),
        ("35 000", 35000),
        ("35,000.00", 35000),
        ("35.000,00", 35000),
        ("+35.000 VND", 35000),
        ("-200.000", -200000),
        ("35000", 35000),
        (35000.0, 35000),
        ("35.5", None),
        ("35,000.50", None),
        ("abc", None),
        (None, None),
    ],
)
def test_statement_amounts(text, value) -> None:
    assert dues_bank.parse_money(text) == value
