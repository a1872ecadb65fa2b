"""The roster import: validated row by row, all-or-nothing, re-runnable, CSV and XLSX."""

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from partybot.bot.demo import DATA
from partybot.services.roster import ProblemCode, import_roster
from partybot.storage.db import Database
from partybot.storage.models import Member, Organisation, Role

ORGS = DATA / "orgs.csv"
MEMBERS = DATA / "members.csv"


async def run(db: Database, orgs, members, partial: bool = False):
    async with db.transaction() as session:
        return await import_roster(session, orgs, members, partial=partial)


async def count(db: Database, model) -> int:
    async with db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_demo_files_import_and_rerun_updates(db: Database) -> None:
    first = await run(db, ORGS, MEMBERS)
    assert first.written and not first.problems
    assert (first.orgs_created, first.members_created) == (7, 30)
    again = await run(db, ORGS, MEMBERS)
    assert (again.orgs_created, again.orgs_updated) == (0, 7)
    assert (again.members_created, again.members_updated) == (0, 30)
    assert await count(db, Member) == 30 and await count(db, Organisation) == 7
    async with db.transaction() as session:
        hung = await session.scalar(select(Member).where(Member.card_number == "01000101"))
        assert hung is not None
        assert hung.phone == "+84912000101" and hung.full_name == "Nguyễn Văn Hùng"
        assert hung.dues_category == "pension" and hung.dues_base == 9_200_000
        roles = (await session.scalars(select(Role.role).where(Role.member_id == hung.id))).all()
        assert roles == ["secretary"]
        ngoc = await session.scalar(select(Member).where(Member.card_number == "01000206"))
        ward = await session.scalar(select(Organisation).where(Organisation.code == "DU-YENHOA"))
        assert ngoc is not None and ward is not None
        role = await session.scalar(select(Role).where(Role.member_id == ngoc.id))
        assert role is not None and (role.role, role.org_id) == ("committee_officer", ward.id)
        cell = await session.scalar(select(Organisation).where(Organisation.code == "CB-TDP5"))
        assert cell is not None and cell.parent_id == ward.id
        assert (cell.bank_bin, cell.bank_account) == ("970436", "0011001234505")


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


async def test_every_bad_row_is_reported_and_nothing_written(db: Database, tmp_path) -> None:
    await run(db, ORGS, None)
    members = write_csv(
        tmp_path / "m.csv",
        "Số thẻ đảng viên,Họ và tên,Điện thoại,Ngày sinh,Chi bộ,Trạng thái,Vai trò\n"
        "A1,Nguyễn Văn A,0912 111 222,01/01/1950,CB-TDP5,Chính thức,\n"
        "A2,,0912 111 223,01/01/1950,CB-TDP5,,\n"
        "A3,Trần Văn B,12345,31/02/1950,CB-NOPE,Lạ,Thủ tướng\n"
        "A1,Lê Văn C,+84 912 111 222,,CB-TDP5,,\n",
    )
    report = await run(db, None, members)
    assert not report.written
    found = {(p.row, p.column, p.code) for p in report.problems}
    assert found == {
        (3, "Họ và tên", ProblemCode.MISSING),
        (4, "Điện thoại", ProblemCode.BAD_PHONE),
        (4, "Ngày sinh", ProblemCode.BAD_DATE),
        (4, "Trạng thái", ProblemCode.UNKNOWN_VALUE),
        (4, "Vai trò", ProblemCode.UNKNOWN_VALUE),
        (4, "Chi bộ", ProblemCode.UNKNOWN_ORG),
        (5, "Điện thoại", ProblemCode.DUPLICATE),
        (5, "Số thẻ đảng viên", ProblemCode.DUPLICATE),
    }
    assert await count(db, Member) == 0
    partial = await run(db, None, members, partial=True)
    assert partial.written and partial.members_created == 1


@pytest.mark.parametrize(
    "typed", ["0912345678", "84912345678", "+84 912 345 678", "0912.345.678", "(+84) 912-345-678"]
)
async def test_phone_formats_are_normalised(db: Database, tmp_path, typed: str) -> None:
    await run(db, ORGS, None)
    members = write_csv(
        tmp_path / "m.csv",
        f'Số thẻ đảng viên,Họ và tên,Điện thoại,Chi bộ\nX1,Bà X,"{typed}",CB-TDP7\n',
    )
    assert (await run(db, None, members)).written
    async with db.transaction() as session:
        assert await session.scalar(select(Member.phone)) == "+84912345678"


async def test_names_are_kept_exactly_in_nfc(db: Database, tmp_path) -> None:
    await run(db, ORGS, None)
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Ho\u0300a"  # typed on a keyboard that decomposes
    members = write_csv(
        tmp_path / "m.csv", f"Số thẻ đảng viên,Họ và tên,Chi bộ\nX2,{decomposed},CB-TDP7\n"
    )
    assert (await run(db, None, members)).written
    async with db.transaction() as session:
        assert await session.scalar(select(Member.full_name)) == "Nguyễn Thị Hòa"


async def test_xlsx_with_real_dates_and_headers_without_diacritics(db: Database, tmp_path) -> None:
    from datetime import date

    await run(db, ORGS, None)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Danh sách đảng viên chi bộ TDP 7"])
    sheet.append(["so the dang vien", "ho va ten", "dien thoai", "ngay sinh", "chi bo", "vai tro"])
    sheet.append(["X3", "Đỗ Văn Ba", "0987654321", date(1944, 8, 19), "CB-TDP7", "Phó bí thư"])
    path = tmp_path / "members.xlsx"
    book.save(path)
    report = await run(db, None, path)
    assert report.written, report.problems
    async with db.transaction() as session:
        member = await session.scalar(select(Member).where(Member.card_number == "X3"))
        assert member is not None and member.birth_date == date(1944, 8, 19)
        assert await session.scalar(select(Role.role)) == "deputy_secretary"


async def test_a_phone_cannot_be_taken_from_another_member(db: Database, tmp_path) -> None:
    await run(db, ORGS, MEMBERS)
    members = write_csv(
        tmp_path / "m.csv",
        "Số thẻ đảng viên,Họ và tên,Điện thoại,Chi bộ\nX4,Người mới,0912000101,CB-TDP7\n",
    )
    report = await run(db, None, members)
    assert [p.code for p in report.problems] == [ProblemCode.PHONE_TAKEN]


async def test_two_members_can_swap_phones(db: Database, tmp_path) -> None:
    await run(db, ORGS, MEMBERS)
    members = write_csv(
        tmp_path / "m.csv",
        "Số thẻ đảng viên,Họ và tên,Điện thoại,Chi bộ\n"
        "01000101,Nguyễn Văn Hùng,0912000102,CB-TDP5\n"
        "01000102,Trần Thị Lan,0912000101,CB-TDP5\n",
    )
    report = await run(db, None, members)
    assert report.written and not report.problems


async def test_missing_header_and_parent_cycles(db: Database, tmp_path) -> None:
    orgs = write_csv(tmp_path / "o.csv", "Mã,Tên\nX,Y\n")
    report = await run(db, orgs, None)
    assert [p.code for p in report.problems] == [ProblemCode.NO_HEADER]
    orgs = write_csv(
        tmp_path / "o.csv",
        "Mã,Tên,Loại,Mã cấp trên\nA,Đảng ủy A,Đảng ủy,B\nB,Đảng ủy B,Đảng ủy,A\n",
    )
    report = await run(db, orgs, None)
    assert {p.code for p in report.problems} == {ProblemCode.CYCLE}
