"""A temporary transfer, every role played: the member away for work, the home chi bộ, the ward
office issuing the temporary letter, the temporary chi bộ receiving the member without voting
rights, the end-date reminder, an extension, and the return home."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from partybot.dialogs import texts
from partybot.services import files, transfer_views
from partybot.services.sweeps import SWEEPS
from partybot.storage.db import Database
from partybot.storage.models import (
    Member,
    TemporaryMembership,
    Transfer,
    TransferEvent,
    TransferLetter,
    TransferStep,
)
from tests.support.transfer_world import Cast, build_transfer_world, button
from tests.support.world import World


@pytest.fixture
async def world(db: Database) -> World:
    return await build_transfer_world(db, paid=("cuong",))


@pytest.fixture
async def cast(engine, db, world) -> Cast:
    cast = Cast(engine, db)
    await cast.login("cuong", "dung", "giang", "hai")
    return cast


async def one(db: Database, model, *where):
    async with db.transaction() as session:
        return await session.scalar(select(model).where(*where))


async def start_temporary(cuong, kind: str = "away") -> None:
    await cuong.says("chuyen sinh hoat")
    await cuong.says(texts.TRANSFER_CASE_AWAY if kind == "away" else texts.TRANSFER_CASE_STUDY)


async def test_temporary_transfer_end_to_end(cast: Cast, world, db, clock, settings) -> None:
    cuong = cast["cuong"]
    await start_temporary(cuong)
    assert cuong.last.text == texts.TRANSFER_AWAY_LENGTH
    await cuong.says("2")  # from 3 months to under a year
    assert cuong.last.text == texts.TRANSFER_DESTINATION
    await cuong.says("khu dan cu so 1 phuong cau giay")
    await cuong.says("1")
    assert cuong.last.text == texts.TRANSFER_START_DATE
    await cuong.says("01/01/2027")
    await cuong.says("30/06/2027")
    assert cuong.last.text == texts.TRANSFER_WORK_PLACE
    await cuong.says("Đi làm ở công trường đường vành đai, Cầu Giấy")
    summary = cuong.last.text
    assert "chuyển sinh hoạt tạm thời" in summary
    assert "từ 01/01/2027 đến 30/06/2027" in summary
    assert "Bác vẫn là đảng viên của chi bộ hiện nay" in summary
    assert "hồ sơ" not in summary.lower()  # nothing about the dossier for a temporary stay
    await cuong.says("gửi")
    assert texts.TRANSFER_SENT.format(org="Chi bộ Trường THCS Yên Hòa") in cuong.text

    async with db.transaction() as session:
        steps = (await session.scalars(select(TransferStep).order_by(TransferStep.seq))).all()
    assert [(s.kind, s.issues_letter, s.after_arrival) for s in steps] == [
        ("cell", False, False),
        ("office", True, False),
        ("receiving_cell", False, True),
    ]

    dung = cast["dung"]
    await dung.presses(button(await cast.prompt(world, "dung"), texts.TRANSFER_APPROVE))
    assert texts.TRANSFER_DONE_APPROVED.format(org="Đảng ủy phường Yên Hòa") in dung.text
    giang = cast["giang"]
    prompt = await cast.prompt(world, "giang")
    assert "từ 01/01/2027 đến 30/06/2027" in prompt.text
    await giang.presses(button(prompt, texts.TRANSFER_APPROVE))
    assert "Đã cấp giấy giới thiệu số 001/2026/GTSHĐ." in giang.text

    letter = await one(db, TransferLetter)
    assert letter.present_by is None and letter.issuer_org_id == world.orgs["ward"].id
    [notice] = await cast.notices(world, "cuong", "transfer.letter")
    assert "tạm thời" in notice.text and "từ 01/01/2027 đến 30/06/2027" in notice.text
    async with db.transaction() as session:
        stored = await files.by_token(session, notice.attachments[0].file_token, clock())
        assert stored is not None
        pdf = " ".join(
            " ".join(page.extract_text().split())
            for page in PdfReader(io.BytesIO(stored.data)).pages
        )
    assert "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG TẠM THỜI" in pdf
    assert "từ 01/01/2027 đến 30/06/2027" in pdf
    assert "không biểu quyết" in pdf
    assert "T/M ĐẢNG ỦY PHƯỜNG YÊN HÒA" in pdf

    # The member hands the letter in; the temporary chi bộ records the arrival.
    await cuong.says("menu")
    await cuong.says("chuyen sinh hoat")
    await cuong.says(texts.TRANSFER_OPT_PRESENTED)
    assert texts.TRANSFER_PRESENTED.format(org="Chi bộ Khu dân cư số 1") in cuong.text
    hai = cast["hai"]
    prompt = await cast.prompt(world, "hai")
    assert "tạm thời" in prompt.text and "Đã tiếp nhận" in prompt.text
    await hai.presses(button(prompt, texts.TRANSFER_RECEIVE))
    assert "sinh hoạt tạm thời đến hết ngày 30/06/2027 (không có quyền biểu quyết)" in hai.text

    stay = await one(db, TemporaryMembership)
    assert stay.org_id == world.orgs["other"].id and stay.voting_rights is False
    assert stay.start_date == date(2027, 1, 1) and stay.end_date == date(2027, 6, 30)
    member = await one(db, Member, Member.id == world.people["cuong"].id)
    assert member.official_org_id == world.orgs["school"].id  # stays on the home roll
    transfer = await one(db, Transfer)
    assert transfer.status == "active"
    [started] = await cast.notices(world, "cuong", "transfer.temporary_started")
    assert "không biểu quyết" in started.text
    [home] = await cast.notices(world, "dung", "transfer.temporary_started_home")
    assert "vẫn thuộc danh sách chi bộ mình" in home.text
    await hai.says("menu")
    await hai.says(texts.TRANSFER_MANAGE_TITLE)
    await hai.says(texts.TRANSFER_MANAGE_TEMPORARY)
    assert "Lê Văn Cường, từ Chi bộ Trường THCS Yên Hòa" in hai.text
    assert "không biểu quyết" in hai.text

    # A month before the end date: one reminder (extend or come back), not two.
    sweep = SWEEPS["transfers.temporary"].run
    clock.now = clock.now.replace(year=2027, month=5, day=30)
    assert await sweep(db, clock(), settings) == 0
    clock.advance(days=2)  # 1 June
    assert await sweep(db, clock(), settings) == 1
    assert await sweep(db, clock(), settings) == 0
    [ending] = await cast.notices(world, "cuong", "transfer.temporary_ending")
    assert "30/06/2027" in ending.text and "Xin gia hạn" in ending.text

    # An extension past the allowed stay is refused; a shorter one goes to the temporary chi bộ.
    await cuong.says("menu")
    await cuong.says("chuyen sinh hoat")
    assert "đến hết ngày 30/06/2027" in cuong.last.text
    await cuong.says(texts.TRANSFER_OPT_EXTEND)
    await cuong.says("31/12/2027")
    assert texts.TRANSFER_TOO_LONG_WORK.format(last="30/12/2027") in cuong.text
    await cuong.says("30/09/2027")
    assert texts.TRANSFER_EXTEND_SENT.format(org="Chi bộ Khu dân cư số 1") in cuong.text
    prompt = await cast.prompt(world, "hai")
    assert "30/09/2027" in prompt.text
    await hai.presses(button(prompt, texts.TRANSFER_APPROVE))
    assert "đến hết ngày 30/09/2027" in hai.text
    stay = await one(db, TemporaryMembership)
    assert stay.end_date == date(2027, 9, 30)
    [extended] = await cast.notices(world, "dung", "transfer.extended_home")
    assert "30/09/2027" in extended.text  # reported home

    # Back home: the stay closes and both chi bộ hear of it.
    await cuong.says("menu")
    await cuong.says("chuyen sinh hoat")
    await cuong.says(texts.TRANSFER_OPT_BACK)
    await cuong.says(texts.TRANSFER_BACK_YES)
    assert texts.TRANSFER_BACK_DONE.format(from_="Chi bộ Trường THCS Yên Hòa") in cuong.text
    stay = await one(db, TemporaryMembership)
    assert stay.closed_reason == "returned" and stay.closed_at is not None
    assert (await one(db, Transfer)).status == "closed"
    assert await cast.notices(world, "dung", "transfer.temporary_closed_cell")
    assert await cast.notices(world, "hai", "transfer.temporary_closed_cell")
    async with db.transaction() as session:
        assert await transfer_views.temporary_members(session, world.orgs["other"].id) == []
        actions = (await session.scalars(select(TransferEvent.action))).all()
    assert actions == [
        "submitted",
        "approved",
        "approved",
        "letter_issued",
        "presented",
        "temporary_started",
        "reminded",
        "extension_requested",
        "extended",
        "closed",
    ]


async def test_a_stay_past_its_end_date_is_closed(cast: Cast, world, db, clock, settings) -> None:
    cuong = cast["cuong"]
    await start_temporary(cuong, "study")
    await cuong.says(texts.TRANSFER_3_TO_24)
    await cuong.says("tdp 5")
    await cuong.says("1")
    await cuong.says("05/12/2026")
    await cuong.says("30/04/2027")
    await cuong.says("Lớp bồi dưỡng chính trị")
    await cuong.says("gửi")
    await cast["dung"].presses(button(await cast.prompt(world, "dung"), texts.TRANSFER_APPROVE))
    await cast["giang"].presses(button(await cast.prompt(world, "giang"), texts.TRANSFER_APPROVE))
    await cast.login("binh")
    await cuong.says("menu")
    await cuong.says("chuyen sinh hoat")
    await cuong.says(texts.TRANSFER_OPT_PRESENTED)
    await cast["binh"].presses(button(await cast.prompt(world, "binh"), texts.TRANSFER_RECEIVE))
    stay = await one(db, TemporaryMembership)
    assert stay.start_date == date(2026, 12, 5)
    clock.now = clock.now.replace(year=2027, month=5, day=1)
    sweep = SWEEPS["transfers.temporary"].run
    assert await sweep(db, clock(), settings) == 1
    assert await sweep(db, clock(), settings) == 0
    stay = await one(db, TemporaryMembership)
    assert stay.closed_reason == "expired"
    [closed] = await cast.notices(world, "cuong", "transfer.temporary_closed")
    assert "Chi bộ Trường THCS Yên Hòa" in closed.text


@pytest.mark.parametrize(
    ("kind", "length", "start", "end", "expected"),
    [
        # The end date before the start date.
        ("away", "2", "01/03/2027", "01/02/2027", "Ngày về phải sau ngày đi (01/03/2027)"),
        # A three-year "temporary" study.
        ("study", "2", "01/01/2027", "01/01/2030", "về chậm nhất ngày 31/12/2028"),
        # Exactly one year away is not "under one year".
        ("away", "2", "01/01/2027", "31/12/2027", "về chậm nhất ngày 30/12/2027"),
    ],
)
async def test_bad_stays_are_refused_and_asked_again(
    cast: Cast, db, kind, length, start, end, expected
) -> None:
    cuong = cast["cuong"]
    await start_temporary(cuong, kind)
    await cuong.says(length)
    await cuong.says("kdc1")
    await cuong.says("1")
    await cuong.says(start)
    await cuong.says(end)
    assert expected in cuong.text
    assert cuong.last.text == texts.TRANSFER_END_DATE  # the same question again
    assert await one(db, Transfer) is None


async def test_under_three_months_there_is_nothing_to_do(cast: Cast, db) -> None:
    cuong = cast["cuong"]
    await start_temporary(cuong)
    await cuong.says(texts.TRANSFER_UNDER_3)
    assert texts.TRANSFER_NOTHING_TO_DO in cuong.text
    assert cuong.last.text == texts.MENU_NEXT
    # The same when the dates say so.
    await start_temporary(cuong)
    await cuong.says("2")
    await cuong.says("kdc1")
    await cuong.says("1")
    await cuong.says("01/01/2027")
    await cuong.says("15/03/2027")
    assert texts.TRANSFER_NOTHING_TO_DO in cuong.text
    assert await one(db, Transfer) is None


async def test_a_long_stay_becomes_an_official_transfer(cast: Cast) -> None:
    cuong = cast["cuong"]
    await start_temporary(cuong, "study")
    await cuong.says(texts.TRANSFER_OVER_24)
    assert texts.TRANSFER_TOO_LONG_FOR_TEMPORARY in cuong.text
    assert cuong.last.text == texts.TRANSFER_REASON


async def test_start_dates_far_off_are_refused(cast: Cast, clock) -> None:
    cuong = cast["cuong"]
    await start_temporary(cuong)
    await cuong.says("2")
    await cuong.says("kdc1")
    await cuong.says("1")
    far = (clock.now + timedelta(days=400)).strftime("%d/%m/%Y")
    await cuong.says(far)
    assert texts.TRANSFER_START_TOO_FAR in cuong.text
    await cuong.says("01/06/2026")
    assert texts.TRANSFER_START_PAST in cuong.text
