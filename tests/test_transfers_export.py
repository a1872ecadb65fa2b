"""`partybot export transfers`: the ward office's Excel list, and the demo's transfer chain."""

import io
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from partybot.bot.cli import app
from partybot.bot.commands_transfers import HEADERS, export_rows
from partybot.dialogs import texts
from partybot.storage.db import Database
from partybot.storage.models import Organisation
from tests.support.transfer_world import Cast, build_transfer_world, button
from tests.support.world import World


@pytest.fixture
async def world(db: Database) -> World:
    return await build_transfer_world(db)


async def move(cast: Cast, who: str, where: str) -> None:
    person = cast[who]
    await person.says("chuyen sinh hoat")
    await person.says(texts.TRANSFER_CASE_MOVE)
    await person.says(texts.TRANSFER_REASON_HOME)
    await person.says("25/11/2026")
    await person.says(where)
    await person.says("1")
    await person.says(texts.TRANSFER_SEND)


async def test_rows_for_a_ward_going_out_coming_in_and_inside(
    engine, db, world, clock, settings
) -> None:
    cast = Cast(engine, db)
    await cast.login("an", "cuong", "hai", "binh", "dung", "giang")
    await move(cast, "an", "kdc 1 cau giay")  # leaves Yên Hòa
    await move(cast, "hai", "tdp 7")  # comes into Yên Hòa
    await move(cast, "cuong", "tdp 7")  # stays inside Yên Hòa
    await cast["binh"].presses(button(await cast.prompt(world, "binh"), texts.TRANSFER_APPROVE))
    await cast["dung"].presses(button(await cast.prompt(world, "dung"), texts.TRANSFER_APPROVE))
    giang = cast["giang"]
    for prompt in await cast.notices(world, "giang", "approval.prompt"):
        await giang.presses(button(prompt, texts.TRANSFER_APPROVE))
    async with db.transaction() as session:
        ward = await session.scalar(select(Organisation).where(Organisation.code == "DU-YH"))
        assert ward is not None
        found = await export_rows(session, ward, date(2026, 12, 1), date(2026, 12, 31), settings)
        later = await export_rows(session, ward, date(2027, 1, 1), date(2027, 1, 31), settings)
    assert later == []
    by_name = {row[3]: row for row in found}
    assert set(by_name) == {"Nguyễn Văn An", "Vũ Văn Hải", "Lê Văn Cường"}
    an, hai, cuong = by_name["Nguyễn Văn An"], by_name["Vũ Văn Hải"], by_name["Lê Văn Cường"]
    assert (an[2], hai[2], cuong[2]) == ("Đi", "Đến", "Nội bộ")
    assert an[6] == "Chi bộ Khu dân cư số 1, Đảng ủy phường Cầu Giấy"
    assert an[9] == "Đang duyệt" and an[0] is None  # forwarded to the Thành ủy, no letter yet
    assert cuong[9] == "Đã cấp giấy" and cuong[0] == "001/2026/GTSHĐ"
    assert cuong[10] == date(2026, 12, 3) and cuong[11] == date(2027, 1, 15)
    assert hai[9] == "Đang duyệt"


def test_export_command_writes_the_sheet(tmp_path: Path) -> None:
    """From the demo: a member asks in the console chat, the office exports the month."""
    runner = CliRunner()
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    seeded = runner.invoke(app, ["demo", "--seed-only", "--json", "--db", url])
    assert seeded.exit_code == 0, seeded.output
    assert "Ngô Thị Thanh" in seeded.output  # the Thành ủy's office, seeded for transfers
    hanoi_today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the chat's business date
    decided = (hanoi_today - timedelta(days=3)).strftime("%d/%m/%Y")
    lines = ["menu", "chuyen sinh hoat", "1", "nghi huu", decided, "kdc 1 cau giay", "1", "gui"]
    chat = runner.invoke(
        app, ["chat", "--as", "0912 000 104", "--db", url], input="\n".join(lines) + "\n"
    )
    assert chat.exit_code == 0, chat.output
    assert "Đã gửi yêu cầu" in chat.output
    out = tmp_path / "out.xlsx"
    today = hanoi_today.strftime("%d/%m/%Y")
    first = (hanoi_today - timedelta(days=1)).strftime("%d/%m/%Y")
    result = runner.invoke(
        app,
        [
            *("export", "transfers", "--org", "DU-YENHOA", "--from", first, "--to", today),
            *("--out", str(out), "--db", url),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Đã ghi 1 yêu cầu" in result.output
    sheet = load_workbook(io.BytesIO(out.read_bytes())).active
    assert [c.value for c in sheet[2]] == list(HEADERS)
    row = [c.value for c in sheet[3]]
    assert row[1:7] == [
        "Chính thức",
        "Đi",
        "Phạm Văn Đức",
        "01000104",
        "Chi bộ Tổ dân phố số 5",
        "Chi bộ Khu dân cư số 1, Đảng ủy phường Cầu Giấy",
    ]
    unknown = runner.invoke(
        app, ["export", "transfers", "--org", "NOPE", "--from", first, "--to", today, "--db", url]
    )
    assert unknown.exit_code == 1
    backwards = runner.invoke(
        app, ["export", "transfers", "--org", "DU-YENHOA", "--from", today, "--to", first]
    )
    assert backwards.exit_code != 0
