"""Residence review after the request: reminders and escalation by the scheduler's sweep, "not
yet" with a reason, the workplace secretary's desk and Excel export, the configurable duties."""

import asyncio
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from partybot.bot.cli import app
from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.dialogs.review_documents import review_spec
from partybot.services import reviews
from partybot.services.documents import render_pdf
from partybot.services.sweeps import SWEEPS
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import Member, Organisation, ReviewRequest, ReviewStatus
from tests.support import databases
from tests.support.clock import FakeClock
from tests.support.reviews import (
    answer_duties,
    ask_for_review,
    button,
    file_bytes,
    fill_and_sign,
    login,
    notices,
    outbox,
    pdf_text,
    requests,
    review_world,
)
from tests.support.world import World


@pytest.fixture
async def world(db: Database) -> World:
    return await review_world(db)


async def sweep(db: Database, clock: FakeClock, settings: Settings) -> int:
    return await SWEEPS["approvals.sla"].run(db, clock(), settings)


async def test_reminded_after_a_day_escalated_to_the_ward_after_three(
    engine: Engine, db: Database, world: World, clock: FakeClock, settings: Settings
) -> None:
    await ask_for_review(await login(engine, "cuong"))
    clock.advance(hours=23)
    assert await sweep(db, clock, settings) == 0
    clock.advance(hours=2)
    assert await sweep(db, clock, settings) == 1
    assert await sweep(db, clock, settings) == 0  # safe to run twice
    [reminder] = await notices(engine, db, world.people["binh"].id, "approval.reminder")
    assert reminder.text.startswith(texts.APPROVAL_REMINDER)
    assert "• Đảng viên: Lê Văn Cường, sinh năm 1950" in reminder.text
    assert await notices(engine, db, world.people["lan"].id, "approval.reminder")
    assert await notices(engine, db, world.people["giang"].id, "approval.escalated") == []
    clock.advance(hours=48)
    assert await sweep(db, clock, settings) == 1
    assert await sweep(db, clock, settings) == 0
    [escalated] = await notices(engine, db, world.people["giang"].id, "approval.escalated")
    assert "Nhận xét nơi cư trú: Lê Văn Cường (Chi bộ Trường THCS Yên Hòa), năm 2026" in (
        escalated.text
    )
    assert "Chi bộ Tổ dân phố số 5" in escalated.text and "03/12/2026" in escalated.text
    assert "Trần Thị Bình, Phan Thị Lan" in escalated.text
    # The reminder's own button still opens the form.
    binh = await login(engine, "binh")
    await binh.presses(
        await button(
            engine, db, world.people["binh"].id, texts.REVIEW_ACTION_WRITE, "approval.reminder"
        )
    )
    assert "Nhiệm vụ 1/5" in binh.last.text
    await fill_and_sign(binh)
    [request] = await requests(db)
    assert request.turnaround_seconds == 73 * 3600
    async with db.transaction() as session:
        history = [item.action for item in await reviews.history(session, request)]
    assert history == ["requested", "reminded", "escalated", "opened", "signed", "delivered"]


async def test_the_hours_are_configurable(
    engine: Engine, db: Database, world: World, clock: FakeClock, settings: Settings
) -> None:
    quick = settings.model_copy(update={"approval_remind_hours": 2, "approval_escalate_hours": 4})
    await ask_for_review(await login(engine, "cuong"))
    clock.advance(hours=3)
    assert await sweep(db, clock, quick) == 1
    clock.advance(hours=2)
    assert await sweep(db, clock, quick) == 1
    assert await notices(engine, db, world.people["giang"].id, "approval.escalated")


async def test_a_signed_review_is_never_reminded(
    engine: Engine, db: Database, world: World, clock: FakeClock, settings: Settings
) -> None:
    await ask_for_review(await login(engine, "cuong"))
    binh = await login(engine, "binh")
    await binh.presses(
        await button(
            engine, db, world.people["binh"].id, texts.REVIEW_ACTION_WRITE, "approval.prompt"
        )
    )
    await fill_and_sign(binh)
    clock.advance(hours=100)
    assert await sweep(db, clock, settings) == 0


async def test_not_yet_with_a_reason(engine: Engine, db: Database, world: World) -> None:
    cuong = await login(engine, "cuong")
    await ask_for_review(cuong)
    binh = await login(engine, "binh")
    await binh.presses(
        await button(
            engine, db, world.people["binh"].id, texts.REVIEW_ACTION_DECLINE, "approval.prompt"
        )
    )
    assert "Vì sao chưa thể nhận xét?" in binh.last.text
    assert binh.options == list(texts.REVIEW_REASONS)
    await binh.says("Mới chuyển đến tổ dân phố được hai tuần, chưa sinh hoạt lần nào")
    assert "Lý do: Mới chuyển đến tổ dân phố được hai tuần" in binh.last.text
    await binh.says("Gửi")
    assert (
        texts.REVIEW_DECLINED_DONE.format(
            name="Lê Văn Cường", workplace="Chi bộ Trường THCS Yên Hòa"
        )
        in binh.text
    )
    [request] = await requests(db)
    assert request.status == ReviewStatus.DECLINED
    [to_school] = await notices(engine, db, world.people["dung"].id, "review.declined")
    assert "Lý do: Mới chuyển đến tổ dân phố được hai tuần" in to_school.text
    [to_member] = await notices(engine, db, world.people["cuong"].id, "review.declined_member")
    assert "Bác xin lại được" in to_member.text
    await ask_for_review(cuong)  # asking again is possible once it was declined
    assert [r.status for r in await requests(db)] == ["declined", "requested"]


async def test_an_already_signed_year_sends_the_document_again(
    engine: Engine, db: Database, world: World
) -> None:
    cuong = await login(engine, "cuong")
    await ask_for_review(cuong)
    binh = await login(engine, "binh")
    await binh.presses(
        await button(
            engine, db, world.people["binh"].id, texts.REVIEW_ACTION_WRITE, "approval.prompt"
        )
    )
    await fill_and_sign(binh)
    await cuong.says("nhan xet")
    assert "đã nhận xét Bác năm 2026 (ký ngày 03/12/2026)" in cuong.replies[0].text
    [again] = cuong.replies[0].attachments
    assert "Lê Văn Cường" in pdf_text(await file_bytes(db, engine, again.file_token))
    assert len(await requests(db)) == 1


async def test_the_workplace_secretary_asks_for_a_member_and_follows_up(
    engine: Engine, db: Database, world: World
) -> None:
    dung = await login(engine, "dung")
    await dung.says("Xin nhận xét nơi cư trú")
    assert dung.last.text == texts.REVIEW_DESK_ASK
    assert dung.options == [texts.REVIEW_DESK_FOR_MEMBER, "Xem tình hình năm 2026"]
    await dung.says("xem tinh hinh")
    assert texts.REVIEW_STATUS_EMPTY.format(year=2026) in dung.text
    await dung.says("Xin nhận xét nơi cư trú")
    await dung.says("1")
    assert dung.options == ["Lê Văn Cường"]  # working members with a residence cell only
    await dung.says("le van cuong")
    assert dung.last.text.startswith("Theo danh sách, đồng chí Lê Văn Cường:")
    for answer in ("đúng", "1", "Chi bộ cần gấp trước 15/12", "gửi"):
        await dung.says(answer)
    assert "tôi gửi bản nhận xét cho đồng chí Lê Văn Cường và bí thư" in dung.text
    [request] = await requests(db)
    assert request.requested_by_id == world.people["dung"].id
    [told] = await notices(engine, db, world.people["cuong"].id, "review.requested_for_you")
    assert "Đồng chí Phạm Thị Dung đã xin chi bộ nơi cư trú nhận xét năm 2026 cho Bác" in told.text
    await dung.says("Xin nhận xét nơi cư trú")
    await dung.says("1")
    await dung.says("Lê Văn Cường")  # asked twice: told it is waiting, nothing duplicated
    assert "đang chờ đồng chí Trần Thị Bình" in dung.text
    assert len(await requests(db)) == 1
    await dung.says("menu")
    await dung.says("Xin nhận xét nơi cư trú")
    await dung.says("Xem tình hình năm 2026")
    status = dung.replies[0]
    assert "1 yêu cầu — 0 đã ký, 1 đang chờ, 0 chưa thể nhận xét." in status.text
    assert "• Lê Văn Cường (Chi bộ Tổ dân phố số 5): đang chờ từ 03/12/2026" in status.text
    [sheet] = status.attachments
    rows = list(
        load_workbook(io.BytesIO(await file_bytes(db, engine, sheet.file_token))).active.iter_rows(
            min_row=3, values_only=True
        )
    )
    assert [(r[1], r[6]) for r in rows] == [("Lê Văn Cường", "Đang chờ")]
    assert "Phạm Thị Dung: gửi yêu cầu" in rows[0][13]


async def test_the_residence_secretary_is_shown_where_to_write(
    engine: Engine, db: Database, world: World
) -> None:
    binh = await login(engine, "binh")  # not a working member herself
    await binh.says("Xin nhận xét nơi cư trú")
    assert "Danh sách chưa ghi chi bộ nơi cư trú của Bác" in binh.replies[0].text
    assert texts.REVIEW_WRITE_HINT in binh.replies[0].text
    cuong = await login(engine, "cuong")
    await ask_for_review(cuong)
    await cuong.says("Xin nhận xét nơi cư trú")
    assert texts.REVIEW_WRITE_HINT not in cuong.text


async def test_the_duty_list_is_configurable(
    db: Database, world: World, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    duties = tmp_path / "duties.csv"
    duties.write_text("Mã,Nội dung\nA,Nhiệm vụ thứ nhất của phường.\nB,Nhiệm vụ thứ hai.\n")
    engine = Engine(db, settings.model_copy(update={"review_duties_file": duties}), clock)
    await ask_for_review(await login(engine, "cuong"))
    binh = await login(engine, "binh")
    await binh.presses(
        await button(
            engine, db, world.people["binh"].id, texts.REVIEW_ACTION_WRITE, "approval.prompt"
        )
    )
    assert "Nhiệm vụ 1/2: Nhiệm vụ thứ nhất của phường." in binh.last.text
    await answer_duties(binh, ["Tốt", "Không rõ", "Đã trao đổi", "Không", "Ký xác nhận"])
    [request] = await requests(db)
    assert request.answers == [
        {"code": "A", "text": "Nhiệm vụ thứ nhất của phường.", "answer": "good"},
        {"code": "B", "text": "Nhiệm vụ thứ hai.", "answer": "unknown"},
    ]


@pytest.mark.parametrize(
    "content",
    [
        "Mã,Nội dung\n",  # no duty
        "Mã,Tên\nA,Một\n",  # wrong column
        "Mã,Nội dung\nA,Một\nA,Hai\n",  # a code twice
        "Mã,Nội dung\n" + "".join(f"{i},Việc {i}\n" for i in range(13)),  # too many
        "Mã,Nội dung\nA," + "x" * 300 + "\n",  # too long to ask
    ],
)
def test_unusable_duty_files_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "duties.csv"
    path.write_text(content)
    with pytest.raises(ValueError):
        reviews.load_duties(path)


def test_the_packaged_duties_are_the_readable_ones() -> None:
    duties = reviews.load_duties()
    assert len(duties) == 5
    assert duties[0].text.startswith("Gương mẫu về phẩm chất chính trị")


def _signed(**changes: object) -> tuple[ReviewRequest, Member, Organisation, Organisation]:
    cell = Organisation(id=3, code="CB-TDP5", name="Chi bộ Tổ dân phố số 5", kind="cell")
    school = Organisation(id=4, code="CB-THCS", name="Chi bộ Trường THCS", kind="cell")
    member = Member(id=9, card_number="0123", full_name="Lê Văn Cường", birth_date=date(1980, 1, 2))
    values: dict[str, object] = {
        "id": 12,
        "member_id": 9,
        "workplace_org_id": 4,
        "residence_org_id": 3,
        "year": 2026,
        "status": "signed",
        "requested_at": datetime(2026, 12, 3, 2, 0, tzinfo=UTC),
        "decided_at": datetime(2026, 12, 3, 3, 15, tzinfo=UTC),
        "signer_name": "Trần Thị Bình",
        "signer_role": "secretary",
        "signer_org_id": 3,
        "has_cell_committee": True,
        "answers": [{"code": "a", "text": "Gương mẫu.", "answer": "good"}],
        "front_consulted": False,
        "comments": None,
        "verification_code": "NX26-ABCDEFGH",
    }
    values.update(changes)
    return ReviewRequest(**values), member, school, cell


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "T/M CHI ỦY BÍ THƯ"),
        ({"has_cell_committee": False, "signer_role": "deputy_secretary"}, "T/M CHI BỘ PHÓ BÍ THƯ"),
    ],
)
def test_the_signature_block_follows_the_cell(changes: dict, expected: str) -> None:
    request, member, school, cell = _signed(**changes)
    spec = review_spec(request, member, school, cell, None, cell, "Hà Nội")
    text = pdf_text(render_pdf(spec))
    assert expected in text
    assert "Đã ký điện tử lúc 10:15 ngày 03/12/2026" in text
    assert "Không có ý kiến thêm." in text and "chưa trao đổi được" in text
    assert render_pdf(spec) == render_pdf(spec)  # rendered again later: the same document


def test_a_ward_secretary_signs_for_the_ward() -> None:
    request, member, school, cell = _signed(signer_org_id=2)
    ward = Organisation(id=2, code="DU-YH", name="Đảng ủy phường Yên Hòa", kind="committee")
    spec = review_spec(request, member, school, cell, ward, ward, "Hà Nội")
    assert spec.signature is not None
    assert spec.signature.role == "T/M ĐẢNG ỦY PHƯỜNG YÊN HÒA\nBÍ THƯ"
    assert spec.issuer_lines == ["ĐẢNG ỦY PHƯỜNG YÊN HÒA", "CHI BỘ TỔ DÂN PHỐ SỐ 5"]


async def _signed_world(url: str) -> None:
    """A request signed through the services, for the command-line export."""
    db = Database(url)
    if not db.is_sqlite:
        await databases.empty_postgres(db)
    world = await review_world(db)
    now = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    cuong, binh = world.people["cuong"], world.people["binh"]
    async with db.transaction() as session:
        request = await reviews.submit(session, cuong, 2026, "", cuong, now)
    later = datetime(2026, 12, 3, 4, 30, tzinfo=UTC)
    async with db.transaction() as session:
        duties = reviews.load_duties()
        answers = [(duty, reviews.Answer.GOOD) for duty in duties]
        await reviews.sign(session, request.id, binh, answers, True, "Tốt.", later)
    await db.dispose()


def test_export_reviews_command(db_url: str, tmp_path: Path) -> None:
    asyncio.run(_signed_world(db_url))
    out = tmp_path / "reviews.xlsx"
    runner = CliRunner()
    args = ["export", "reviews", "--org", "DU-YH", "--year", "2026", "--db", db_url]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Đã ghi 1 yêu cầu" in result.output
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "Nhận xét nơi cư trú năm 2026 — Đảng ủy phường Yên Hòa"
    header = [cell.value for cell in sheet[2]]
    assert header == list(texts.EXPORT_REVIEW_HEADERS)
    row = [cell.value for cell in sheet[3]]
    assert row[1:7] == [
        "Lê Văn Cường",
        "C12000003",
        "Chi bộ Trường THCS Yên Hòa",
        "Chi bộ Tổ dân phố số 5",
        2026,
        "Đã ký",
    ]
    assert row[7] == datetime(2026, 12, 3, 10, 0) and row[9] == datetime(2026, 12, 3, 11, 30)
    assert row[8] == "Trần Thị Bình" and row[10] == 90 and row[11].startswith("NX26-")
    empty = runner.invoke(
        app,
        [
            "export",
            "reviews",
            "--org",
            "CB-CG1",
            "--year",
            "2026",
            "--db",
            db_url,
            "--out",
            str(tmp_path / "e.xlsx"),
        ],
    )
    assert empty.exit_code == 0 and "Đã ghi 0 yêu cầu" in empty.output
    missing = runner.invoke(app, [*args[:3], "NOPE", *args[4:]])
    assert missing.exit_code == 1 and "Không có tổ chức nào mã NOPE." in missing.output


async def test_history_rows_belong_to_their_request(engine: Engine, db: Database, world) -> None:
    await ask_for_review(await login(engine, "cuong"))
    rows = await outbox(db)
    assert {row.event for row in rows} == {"approval.prompt"}
    async with db.transaction() as session:
        request = await session.scalar(select(ReviewRequest))
        assert request is not None
        assert [i.action for i in await reviews.history(session, request)] == ["requested"]
