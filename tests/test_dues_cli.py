"""The dues commands: the Excel ledger export opened and checked, rates changed by the operator,
statement import and the unmatched list, and the demo's dues."""

import asyncio
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from partybot.bot.cli import app
from partybot.bot.demo import seed
from partybot.services import dues, dues_bank
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import DuesObligation, Member, Organisation, PaymentMethod
from tests.support import databases
from tests.support.clock import FakeClock
from tests.support.dues_world import HOME_ACCOUNT, build_dues_world
from tests.support.world import World

runner = CliRunner()
OCT, DEC = date(2026, 10, 1), date(2026, 12, 1)


@pytest.fixture
def url(sqlite_template: Path, tmp_path: Path) -> str:
    return databases.copy_sqlite(sqlite_template, tmp_path)


def within(url: str, work) -> object:  # type: ignore[no-untyped-def]
    async def main() -> object:
        db = Database(url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(main())


def settings_for(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url, dues_start_month=OCT)


def prepared(url: str) -> World:
    """The dues world with October to December on the ledger and a few payments."""
    settings = settings_for(url)
    clock = FakeClock()

    async def work(db: Database) -> World:
        world = await build_dues_world(db)
        async with db.transaction() as session:
            rules = await dues.load_rules(session)
            for member in (await session.scalars(select(Member))).all():
                await dues.ensure_obligations(session, member, DEC, clock(), rules, OCT)
            em = await session.get(Member, world.people["em"].id)
            for who, amount, method in (
                ("an", 105_000, PaymentMethod.CASH),  # all three months
                ("binh", 34_250, PaymentMethod.TRANSFER),  # October only
                ("nga", 17_000, PaymentMethod.CASH),  # ahead, and a part of a month
            ):
                member = await session.get(Member, world.people[who].id)
                await dues.record_payment(
                    session, settings, member, amount, method, clock(), confirmed_by=em
                )
        return world

    return within(url, work)  # type: ignore[return-value]


class Ran:
    """A command's exit code and its output with the terminal's line wrapping undone."""

    def __init__(self, exit_code: int, output: str) -> None:
        self.exit_code, self.output = exit_code, " ".join(output.split())


def cli(*args: str) -> Ran:
    result = runner.invoke(app, list(args))
    return Ran(result.exit_code, result.output)


def test_export_dues_ledger_opened_and_checked(url: str, tmp_path: Path) -> None:
    prepared(url)
    target = tmp_path / "so-thu.xlsx"
    result = cli(
        "export",
        "dues",
        "--org",
        "CB-TDP5",
        "--month",
        "2026-12",
        "--out",
        str(target),
        "--db",
        url,
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(target).active
    assert sheet["A1"].value == "Sổ thu đảng phí tháng 12/2026 - Chi bộ Tổ dân phố số 5"
    headers = [c.value for c in sheet[2]]
    assert headers[:8] == [
        "STT",
        "Chi bộ",
        "Họ và tên",
        "Số thẻ đảng viên",
        "Đối tượng",
        "Mức căn cứ",
        "Số phải nộp",
        "Số đã nộp",
    ]
    rows = {
        row[2]: row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] != "Tổng cộng"
    }
    assert len(rows) == 8  # everyone in the home cell
    an = rows["Nguyễn Văn An"]
    assert an[4] == "Hưởng lương hưu" and an[5] == 7_000_000 and an[6] == 35_000 and an[7] == 35_000
    assert isinstance(an[8], datetime) and an[9] == "Tiền mặt" and an[10].startswith("BL2026-")
    binh = rows["Trần Thị Bình"]
    assert (binh[6], binh[7], binh[8]) == (34_250, 0, None) and "Chưa nộp đủ" in binh[11]
    nga = rows["Trịnh Thị Nga"]
    assert (nga[6], nga[7]) == (5_000, 5_000)
    assert rows["Chu Văn Lão"][11].startswith("Miễn") and "50 năm" in rows["Chu Văn Lão"][11]
    assert rows["Đỗ Văn Khánh"][6] is None and "Chưa tính được mức" in rows["Đỗ Văn Khánh"][11]
    total = next(
        row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] == "Tổng cộng"
    )
    assert total[6] == 35_000 + 34_250 + 93_600 + 5_000 + 15_930
    assert total[7] == 35_000 + 5_000
    assert sheet.cell(row=3, column=7).number_format == "#,##0"
    # The ward exports every cell below it.
    ward = tmp_path / "ward.xlsx"
    assert (
        cli(
            "export",
            "dues",
            "--org",
            "DU-YH",
            "--month",
            "2026-12",
            "--out",
            str(ward),
            "--db",
            url,
        ).exit_code
        == 0
    )
    cells = {
        row[1]
        for row in load_workbook(ward).active.iter_rows(min_row=3, values_only=True)
        if row[0] != "Tổng cộng"
    }
    assert cells == {
        "Chi bộ Tổ dân phố số 5",
        "Chi bộ Trường THCS Yên Hòa",
        "Đảng ủy phường Yên Hòa",
    }


def test_export_rejects_bad_input(url: str) -> None:
    prepared(url)
    assert cli("export", "dues", "--org", "NOPE", "--month", "2026-12", "--db", url).exit_code == 1
    bad = cli("export", "dues", "--org", "CB-TDP5", "--month", "12/2026", "--db", url)
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output


def test_operator_changes_rates_with_history(url: str) -> None:
    prepared(url)
    shown = cli("rates", "show", "--month", "2026-12", "--db", url)
    assert shown.exit_code == 0 and "tệp mặc định" in shown.output
    assert cli("rates", "import", "--db", url).exit_code == 0
    changed = cli("rates", "set", "pension", "--from", "2026-12", "--percent", "0.6", "--db", url)
    assert changed.exit_code == 0, changed.output

    async def amounts(db: Database) -> tuple[int, int, int]:
        async with db.transaction() as session:
            an = (await session.scalars(select(Member).where(Member.phone == "+84912000002"))).one()
            return (
                await dues.monthly_amount(session, an.id, OCT),  # paid: keeps its amount
                await dues.monthly_amount(session, an.id, DEC),  # open: re-priced
                await dues.monthly_amount(session, an.id, date(2026, 11, 1)),
            )

    assert within(url, amounts) == (34_250, 41_100, 34_250)
    assert (
        cli(
            "rates", "set", "pension", "--from", "2026-11", "--percent", "0.7", "--db", url
        ).exit_code
        == 1
    )
    assert cli("rates", "set", "pension", "--from", "2027-01", "--db", url).exit_code == 1
    wage = cli("rates", "wage", "1", "--from", "2027-01", "--amount", "5600000", "--db", url)
    assert wage.exit_code == 0 and "5.600.000 đ" in wage.output
    assert "từ 01/2027" in cli("rates", "show", "--db", url).output
    assert cli("rates", "region", "CB-TDP5", "2", "--db", url).exit_code == 0

    async def nam_amount(db: Database) -> int:
        async with db.transaction() as session:
            nam = (
                await session.scalars(select(Member).where(Member.phone == "+84912000013"))
            ).one()
            return await dues.monthly_amount(session, nam.id, DEC)

    assert within(url, nam_amount) == 14_190  # region II now
    assert cli("rates", "region", "CB-TDP5", "7", "--db", url).exit_code == 1


def test_rates_import_refuses_a_broken_file(url: str, tmp_path: Path) -> None:
    broken = tmp_path / "rates.toml"
    broken.write_text('[[rule_set]]\ncode = "X"\n', encoding="utf-8")
    result = cli("rates", "import", str(broken), "--db", url)
    assert result.exit_code == 1 and "missing" in result.output


def test_payments_import_and_unmatched(url: str, tmp_path: Path) -> None:
    prepared(url)

    async def make_intent(db: Database) -> str:
        async with db.transaction() as session:
            em = (await session.scalars(select(Member).where(Member.phone == "+84912000005"))).one()
            intent = await dues.create_intent(session, em, [DEC], FakeClock()())
            return intent.reference

    reference = within(url, make_intent)
    statement = tmp_path / "sao-ke.csv"
    statement.write_text(
        "Ngày giao dịch,Số tham chiếu,Số tiền,Nội dung\n"
        f"03/12/2026,FT1,93600,{reference}\n"
        "03/12/2026,FT2,50000,UNG HO\n"
        "03/12/2026,FT3,abc,X\n",
        encoding="utf-8",
    )
    refused = cli("payments", "import", str(statement), "--account", HOME_ACCOUNT, "--db", url)
    assert (
        refused.exit_code == 1 and "Chưa ghi gì" in refused.output and "dòng lỗi" in refused.output
    )
    done = cli(
        "payments", "import", str(statement), "--account", HOME_ACCOUNT, "--partial", "--db", url
    )
    assert done.exit_code == 0, done.output
    assert "Khớp và ghi nhận: 1" in done.output and "Chưa khớp, chờ thủ quỹ xử lý: 1" in done.output
    listed = cli("payments", "unmatched", "--db", url)
    assert "50.000 đ" in listed.output and "UNG HO" in listed.output
    assert cli("payments", "import", str(tmp_path / "none.csv"), "--db", url).exit_code == 1


def test_demo_shows_owed_months(url: str) -> None:
    async def work(db: Database) -> dict[str, object]:
        now = datetime(2026, 12, 3, 3, 0).astimezone()
        await seed(db, now, 72)
        await seed(db, now, 72)  # again: nothing duplicated
        async with db.transaction() as session:
            hoa = (
                await session.scalars(select(Member).where(Member.card_number == "01000107"))
            ).one()
            nam = (
                await session.scalars(select(Member).where(Member.card_number == "01000108"))
            ).one()
            root = (
                await session.scalars(select(Organisation).where(Organisation.code == "TU-HN"))
            ).one()
            months = (
                await session.scalars(
                    select(DuesObligation.month).where(DuesObligation.member_id == hoa.id)
                )
            ).all()
            return {
                "hoa": await dues.unpaid_months(session, hoa.id, DEC),
                "nam": await dues.unpaid_months(session, nam.id, DEC),
                "hoa_paid": await dues.paid_through(session, hoa.id),
                "months": sorted(months),
                "region": root.region,
                "waiting": len(await dues_bank.waiting(session)),
                "payments": len(await dues.payments_of(session, hoa.id)),
            }

    found = within(url, work)
    assert found["hoa"] == [date(2026, 10, 1), date(2026, 11, 1), DEC]
    assert found["nam"] == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), DEC]
    assert found["hoa_paid"] == date(2026, 9, 1)
    assert found["months"] == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), DEC]
    assert found["region"] == 1 and found["waiting"] == 1 and found["payments"] == 1
