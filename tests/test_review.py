"""Residence review, end to end: the member asks, the residence secretary signs, the workplace
secretary receives the document — both roles played through the real engine, on both backends."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.services import approvals, notifications, reviews
from partybot.services.reviews import Answer, Refusal, ReviewRefused
from partybot.storage.db import Database
from partybot.storage.models import Approval, ReviewRequest, ReviewStatus, Role, RoleKind
from tests.support.clock import FakeClock
from tests.support.reviews import (
    PHONES,
    answer_duties,
    ask_for_review,
    button,
    events,
    file_bytes,
    fill_and_sign,
    login,
    notices,
    outbox,
    pdf_text,
    receipt_channel,
    requests,
    review_world,
)
from tests.support.world import World

HEAD = "Nhận xét cho Lê Văn Cường (Chi bộ Trường THCS Yên Hòa), năm 2026."


@pytest.fixture
async def world(db: Database) -> World:
    return await review_world(db)


async def write_button(engine: Engine, db: Database, world: World, who: str = "binh") -> str:
    return await button(
        engine, db, world.people[who].id, texts.REVIEW_ACTION_WRITE, "approval.prompt"
    )


async def test_from_the_members_request_to_the_workplace_receipt(
    engine: Engine, db: Database, world: World, clock: FakeClock, tmp_path: Path
) -> None:
    cuong = await login(engine, "cuong")
    assert texts.REVIEW_TITLE in cuong.options
    await cuong.says("Xin nhận xét nơi cư trú")
    assert "• Ở: Chi bộ Tổ dân phố số 5" in cuong.last.text
    assert "• Sinh hoạt tại: Chi bộ Trường THCS Yên Hòa" in cuong.last.text
    await cuong.says("đúng")  # "đúng" (yes) folds like "dừng" (stop): it must not cancel
    assert cuong.last.text == texts.REVIEW_ASK_YEAR
    assert cuong.options == ["Năm 2026", "Năm 2025"]
    await cuong.says("nam 2026")
    await cuong.says("Tôi hay đi công tác xa, nhờ chi bộ thông cảm")
    assert "• Lời nhắn: Tôi hay đi công tác xa, nhờ chi bộ thông cảm" in cuong.last.text
    assert "• Năm nhận xét: 2026" in cuong.last.text
    await cuong.says("gui yeu cau")
    assert (
        "Đã gửi tới đồng chí Trần Thị Bình, Bí thư Chi bộ Tổ dân phố số 5 và "
        "đồng chí Phan Thị Lan, Phó bí thư Chi bộ Tổ dân phố số 5." in cuong.text
    )
    assert cuong.last.text == texts.MENU_NEXT
    [request] = await requests(db)
    assert (request.status, request.year, request.note) == (
        "requested",
        2026,
        "Tôi hay đi công tác xa, nhờ chi bộ thông cảm",
    )

    # The residence secretary's prompt says who, born when, living where, asking what.
    [prompt] = await notices(engine, db, world.people["binh"].id, "approval.prompt")
    assert "• Đảng viên: Lê Văn Cường, sinh năm 1950" in prompt.text
    assert "• Ở: Chi bộ Tổ dân phố số 5" in prompt.text
    assert "Xin nhận xét nơi cư trú năm 2026" in prompt.text
    assert [c.label for c in prompt.actions] == [
        texts.REVIEW_ACTION_WRITE,
        texts.REVIEW_ACTION_DECLINE,
    ]
    clock.advance(minutes=7)
    binh = await login(engine, "binh")
    await binh.presses(prompt.actions[0].payload)
    assert binh.last.text.startswith(HEAD)
    assert "Nhiệm vụ 1/5: Gương mẫu về phẩm chất chính trị" in binh.last.text
    assert binh.options == ["Tốt", "Chưa tốt", "Không rõ"]
    await answer_duties(binh, ["tot", "2", "khong ro", "Tốt"])
    assert "Nhiệm vụ 5/5" in binh.last.text and binh.last.text.startswith(HEAD)
    await binh.says("chưa tốt")
    assert "Ban công tác Mặt trận" in binh.last.text
    await binh.says("đã trao đổi")
    assert binh.last.text.startswith(HEAD) and "ý kiến nhận xét chung" in binh.last.text
    await binh.says("Đồng chí Cường gương mẫu, hay giúp tổ dân phố.\nCần dự họp đều hơn.")
    summary = binh.last.text
    assert "2. Gương mẫu thực hiện nghĩa vụ công dân; tu… — Chưa tốt" in summary
    assert "• Mặt trận: Đã trao đổi" in summary
    assert binh.options == [texts.REVIEW_SIGN, texts.REVIEW_FIX, texts.REVIEW_ACTION_DECLINE]
    await binh.says("ký xác nhận")
    signed_reply = binh.replies[0]
    assert "Đã ký nhận xét cho Lê Văn Cường" in signed_reply.text
    assert "đồng chí Phạm Thị Dung và đồng chí Lê Văn Cường" in signed_reply.text
    [attachment] = signed_reply.attachments
    assert attachment.filename.endswith(".pdf")

    [request] = await requests(db)
    assert request.status == ReviewStatus.SIGNED
    assert request.turnaround_seconds == 7 * 60
    assert [a["answer"] for a in request.answers] == ["good", "poor", "unknown", "good", "poor"]
    assert request.decided_by_id == world.people["binh"].id
    assert request.verification_code and request.verification_code in signed_reply.text
    assert await events(db, request.id) == ["requested", "opened", "signed", "delivered"]
    async with db.transaction() as session:
        approval = await session.scalar(select(Approval))
        assert approval is not None and approval.status == "done"

    # The workplace secretary opens the chat and receives the signed document.
    lines: list[str] = []
    channel = receipt_channel(engine, tmp_path, lines)
    await channel.login(PHONES["dung"])
    await channel.show_queued(PHONES["dung"])
    shown = "\n".join(lines)
    assert "Chi bộ Tổ dân phố số 5 đã gửi nhận xét nơi cư trú năm 2026 của đảng viên" in shown
    assert "Người ký: đồng chí Trần Thị Bình, lúc 10:07 03/12/2026" in shown
    saved = tmp_path / attachment.filename
    assert f"[Tệp: {saved}]" in shown
    text = pdf_text(saved.read_bytes())
    for expected in [
        "ĐẢNG ỦY PHƯỜNG YÊN HÒA",
        "CHI BỘ TỔ DÂN PHỐ SỐ 5",
        "PHIẾU NHẬN XÉT ĐẢNG VIÊN NƠI CƯ TRÚ",
        "Đảng viên đang công tác, năm 2026",
        "Họ và tên: Lê Văn Cường",
        "Chi bộ nơi sinh hoạt: Chi bộ Trường THCS Yên Hòa",
        "Chi bộ nơi cư trú: Chi bộ Tổ dân phố số 5",
        "Không rõ",
        "Chưa tốt",
        "Đồng chí Cường gương mẫu, hay giúp tổ dân phố.",
        "Cần dự họp đều hơn.",
        "Chi bộ đã trao đổi, thống nhất với Ban công tác Mặt trận",
        "T/M CHI BỘ BÍ THƯ",
        "Đã ký điện tử lúc 10:07 ngày 03/12/2026",
        "Trần Thị Bình",
        f"Mã xác thực: {request.verification_code}",
    ]:
        assert expected in text

    # The member gets the same document.
    [mine] = await notices(engine, db, world.people["cuong"].id, "review.signed_member")
    assert "Tôi đã gửi bản này tới bí thư Chi bộ Trường THCS Yên Hòa" in mine.text
    assert await file_bytes(db, engine, mine.attachments[0].file_token) == saved.read_bytes()


@pytest.mark.parametrize(
    ("typed", "goes_to"),
    [
        ("đúng ạ", texts.REVIEW_ASK_YEAR),
        ("dạ đúng", texts.REVIEW_ASK_YEAR),
        ("ừ đúng rồi", texts.REVIEW_ASK_YEAR),
        ("vâng", texts.REVIEW_ASK_YEAR),
        ("chưa đúng ạ", texts.REVIEW_ASK_WRONG),
        ("sai rồi", texts.REVIEW_ASK_WRONG),
        ("dừng lại", texts.MENU_QUESTION),
    ],
)
async def test_how_people_answer_is_this_right(
    engine: Engine, db: Database, world: World, typed: str, goes_to: str
) -> None:
    cuong = await login(engine, "cuong")
    await cuong.says("Xin nhận xét nơi cư trú")
    await cuong.says(typed)
    assert cuong.last.text == goes_to


async def test_members_who_cannot_ask_are_told_why_and_whom_to_ask(
    engine: Engine, db: Database, world: World
) -> None:
    ong = await login(engine, "ong")  # retired: belongs to the residence cell
    await ong.says("nhan xet noi cu tru")
    assert ong.replies[0].text == texts.REVIEW_RETIRED.format(
        ask="đồng chí Trần Thị Bình, bí thư Chi bộ Tổ dân phố số 5"
    )
    khoa = await login(engine, "khoa")  # a teacher with no residence cell in the roster
    await khoa.says("Xin nhận xét nơi cư trú")
    assert khoa.replies[0].text == texts.REVIEW_NO_RESIDENCE.format(
        who="Bác", ask="đồng chí Phạm Thị Dung, bí thư Chi bộ Trường THCS Yên Hòa"
    )
    tu = await login(engine, "tu")  # lives where he is a member
    await tu.says("Xin nhận xét nơi cư trú")
    assert "Bác đang sinh hoạt ngay tại chi bộ nơi cư trú" in tu.replies[0].text
    assert await requests(db) == []
    async with db.transaction() as session:
        with pytest.raises(ReviewRefused) as refused:
            await reviews.submit(
                session, world.people["khoa"], 2026, "", world.people["khoa"], engine.clock()
            )
    assert refused.value.ineligible == reviews.Ineligible.NO_RESIDENCE


async def test_a_second_request_while_one_is_open(engine: Engine, db: Database, world) -> None:
    cuong = await login(engine, "cuong")
    await ask_for_review(cuong)
    await cuong.says("nhận xét nơi cư trú")
    assert cuong.replies[0].text == texts.REVIEW_WAITING.format(
        year=2026,
        who="Bác",
        date="03/12/2026",
        approvers="đồng chí Trần Thị Bình, Bí thư Chi bộ Tổ dân phố số 5 và "
        "đồng chí Phan Thị Lan, Phó bí thư Chi bộ Tổ dân phố số 5",
    )
    assert len(await requests(db)) == 1


async def test_two_requests_at_the_same_moment_open_one(
    engine: Engine, db: Database, world: World
) -> None:
    cuong = world.people["cuong"]

    async def submit() -> ReviewRefused | None:
        try:
            async with db.transaction() as session:
                await reviews.submit(session, cuong, 2026, "", cuong, engine.clock())
        except ReviewRefused as refused:
            return refused
        return None

    outcomes = await asyncio.gather(submit(), submit())
    refused = [o for o in outcomes if o is not None]
    assert len(refused) == 1 and refused[0].refusal == Refusal.OPEN
    assert len(await requests(db)) == 1
    async with db.transaction() as session:
        assert await session.scalar(select(func.count(Approval.id))) == 1


async def test_wrong_cells_go_to_the_secretary_as_a_note(
    engine: Engine, db: Database, world
) -> None:
    cuong = await login(engine, "cuong")
    await cuong.says("Xin nhận xét nơi cư trú")
    await cuong.says("chưa đúng")
    assert cuong.last.text == texts.REVIEW_ASK_WRONG
    await cuong.says("Tôi đã chuyển sang tổ dân phố số 7 từ tháng 3")
    assert texts.REVIEW_WRONG_SENT.format(names="đồng chí Phạm Thị Dung") in cuong.text
    [note] = await notices(engine, db, world.people["dung"].id, "review.cells_wrong")
    assert "«Tôi đã chuyển sang tổ dân phố số 7 từ tháng 3»" in note.text
    assert "Lê Văn Cường" in note.text and "ở Chi bộ Tổ dân phố số 5" in note.text
    assert await requests(db) == []


async def test_another_cells_secretary_cannot_see_or_sign(
    engine: Engine, db: Database, world: World, clock: FakeClock
) -> None:
    await ask_for_review(await login(engine, "cuong"))
    [request] = await requests(db)
    token = await write_button(engine, db, world)
    hai = await login(engine, "hai")  # secretary of a cell in another ward
    await hai.presses(token)
    assert texts.BUTTON_NOT_YOURS in hai.text
    await hai.says("viec can duyet")
    assert texts.APPROVALS_NONE in hai.text
    async with db.transaction() as session:  # a button minted for him still opens nothing
        forged = await notifications.action_token(
            session, world.people["hai"].id, "review.write", request.id, clock()
        )
    await hai.presses(forged)
    assert texts.REVIEW_NOT_YOURS in hai.text
    assert HEAD not in hai.text
    dung = await login(engine, "dung")  # the member's own workplace secretary
    async with db.transaction() as session:
        dung_forged = await notifications.action_token(
            session, world.people["dung"].id, "review.decline", request.id, clock()
        )
    await dung.presses(dung_forged)
    assert texts.REVIEW_NOT_YOURS in dung.text
    for who in ("hai", "dung", "cuong"):
        async with db.transaction() as session:
            assert await approvals.inbox(session, world.people[who].id) == []
            with pytest.raises(ReviewRefused):
                await reviews.sign(
                    session,
                    request.id,
                    world.people[who],
                    [(d, Answer.GOOD) for d in reviews.load_duties()],
                    True,
                    "",
                    clock(),
                )
    async with db.transaction() as session:
        assert (
            await reviews.report(
                session, await reviews.managed_workplaces(session, world.people["hai"].id), 2026
            )
            == []
        )
    assert (await requests(db))[0].status == ReviewStatus.REQUESTED


async def test_nobody_writes_their_own_review(engine: Engine, db: Database, world, clock) -> None:
    async with db.transaction() as session:
        session.add(
            Role(
                member_id=world.people["cuong"].id,
                org_id=world.orgs["home"].id,
                role=RoleKind.DEPUTY_SECRETARY,
            )
        )
    cuong = await login(engine, "cuong")
    await ask_for_review(cuong)
    token = await button(
        engine, db, world.people["cuong"].id, texts.REVIEW_ACTION_WRITE, "approval.prompt"
    )
    await cuong.presses(token)
    assert texts.REVIEW_OWN in cuong.text


async def test_buttons_pressed_twice_continue_and_then_say_it_is_done(
    engine: Engine, db: Database, world: World
) -> None:
    await ask_for_review(await login(engine, "cuong"))
    token = await write_button(engine, db, world)
    binh = await login(engine, "binh")
    await binh.presses(token)
    await answer_duties(binh, ["Tốt", "Không rõ"])
    await binh.presses(token)  # the same button again, half-way through
    assert texts.REVIEW_RESUMED.format(done=2, total=5) in binh.text
    assert "Nhiệm vụ 3/5" in binh.last.text and binh.last.text.startswith(HEAD)
    await answer_duties(binh, ["Tốt"] * 3)
    await binh.says("Chưa trao đổi")
    await binh.says("không")
    await binh.says("Ký xác nhận")
    await binh.says("Ký xác nhận")  # typed again at the menu: nothing is signed twice
    await binh.presses(token)
    assert texts.ALREADY_HANDLED in binh.text and "đồng chí Trần Thị Bình, lúc" in binh.text
    decline = await button(
        engine, db, world.people["binh"].id, texts.REVIEW_ACTION_DECLINE, "approval.prompt"
    )
    await binh.presses(decline)
    assert texts.ALREADY_HANDLED in binh.text
    [request] = await requests(db)
    assert request.status == ReviewStatus.SIGNED and request.comments is None
    assert [a["answer"] for a in request.answers] == ["good", "unknown", "good", "good", "good"]
    assert request.front_consulted is False
    signed = [row for row in await outbox(db) if row.event.startswith("review.signed")]
    assert sorted(row.member_id for row in signed) == sorted(
        [world.people["dung"].id, world.people["cuong"].id]
    )


async def test_the_deputy_also_gets_it_and_the_first_signature_wins(
    engine: Engine, db: Database, world: World
) -> None:
    await ask_for_review(await login(engine, "cuong"))
    lan = await login(engine, "lan")
    await lan.presses(await write_button(engine, db, world, "lan"))
    await answer_duties(lan, ["Tốt", "Tốt"])
    binh = await login(engine, "binh")
    await binh.presses(await write_button(engine, db, world))
    await fill_and_sign(binh)
    await lan.says("Tốt")  # the deputy, still writing, learns it is done; nothing is signed twice
    assert texts.ALREADY_HANDLED in lan.text and "Trần Thị Bình" in lan.text
    assert lan.last.text == texts.MENU_NEXT
    [request] = await requests(db)
    assert request.signer_name == "Trần Thị Bình"


async def test_a_form_left_half_way_continues_next_day(
    engine: Engine, db: Database, world: World, clock: FakeClock
) -> None:
    await ask_for_review(await login(engine, "cuong"))
    binh = await login(engine, "binh")
    await binh.presses(await write_button(engine, db, world))
    await answer_duties(binh, ["Tốt", "Chưa tốt", "Không rõ"])
    clock.advance(days=1)
    await binh.says("Tốt")
    assert binh.last.text == texts.RESUME_QUESTION.format(title=texts.REVIEW_FORM_TITLE)
    await binh.says("làm tiếp")
    assert "Nhiệm vụ 4/5" in binh.last.text and binh.last.text.startswith(HEAD)
    await answer_duties(binh, ["Tốt", "Tốt"])
    await binh.says("Đã trao đổi")
    await binh.says("Không")
    await binh.says("Ký xác nhận")
    [request] = await requests(db)
    assert [a["answer"] for a in request.answers] == ["good", "poor", "unknown", "good", "good"]


async def test_leaving_for_the_menu_and_coming_back_through_the_inbox(
    engine: Engine, db: Database, world: World, clock: FakeClock
) -> None:
    await ask_for_review(await login(engine, "cuong"))
    binh = await login(engine, "binh")
    await binh.presses(await write_button(engine, db, world))
    await answer_duties(binh, ["Chưa tốt", "Tốt"])
    await binh.says("Menu chính")
    clock.advance(days=1)
    await binh.says("Việc cần duyệt")
    assert binh.options == [
        "Nhận xét nơi cư trú: Lê Văn Cường (Chi bộ Trường THCS Yên Hòa), năm 2026"
    ]
    await binh.says("1")
    await binh.says("Viết nhận xét")
    assert texts.REVIEW_RESUMED.format(done=2, total=5) in binh.text
    assert "Nhiệm vụ 3/5" in binh.last.text


async def test_starting_over_asks_which_request(
    engine: Engine, db: Database, world: World, clock: FakeClock
) -> None:
    await ask_for_review(await login(engine, "cuong"))
    binh = await login(engine, "binh")
    await binh.presses(await write_button(engine, db, world))
    await answer_duties(binh, ["Chưa tốt", "Tốt"])
    clock.advance(days=2)
    await binh.says("Tốt")
    await binh.says("Làm lại từ đầu")
    assert binh.last.text == texts.REVIEW_PICK_REQUEST
    await binh.says("Lê Văn Cường")
    assert "Nhiệm vụ 1/5" in binh.last.text and "Lần trước" not in binh.last.text
    await fill_and_sign(binh)
    [request] = await requests(db)
    assert {a["answer"] for a in request.answers} == {"good"}


async def test_ten_thousand_characters_of_comments(
    engine: Engine, db: Database, world: World
) -> None:
    await ask_for_review(await login(engine, "cuong"))
    binh = await login(engine, "binh")
    await binh.presses(await write_button(engine, db, world))
    await answer_duties(binh, ["Tốt"] * 5)
    await binh.says("Đã trao đổi")
    too_long = "Nhận xét rất dài. " * 600  # 10,800 characters
    await binh.says(too_long)
    assert texts.REVIEW_COMMENTS_TOO_LONG.format(length="10.799", limit="10.000") in binh.text
    assert "ý kiến nhận xét chung" in binh.last.text
    words = "Đồng chí gương mẫu, tham gia đầy đủ. "
    comments = (words * 400)[:9_989] + " HẾT-Ý-KIẾN"
    assert len(comments) == 10_000
    await binh.says(comments)
    assert "(10.000 chữ)" in binh.last.text
    assert all(len(reply.text) < 2000 for reply in binh.replies)  # fits a Zalo message
    await binh.says("Ký xác nhận")
    [request] = await requests(db)
    assert request.comments == comments
    pdf = await file_bytes(db, engine, binh.replies[0].attachments[0].file_token)
    assert "HẾT-Ý-KIẾN" in pdf_text(pdf)


async def test_a_long_comment_split_by_the_channel_is_kept_whole(
    engine: Engine, db: Database, world: World
) -> None:
    await ask_for_review(await login(engine, "cuong"))
    binh = await login(engine, "binh")
    await binh.presses(await write_button(engine, db, world))
    await answer_duties(binh, ["Tốt"] * 5)
    await binh.says("Đã trao đổi")
    first, second = "A" * 4000, "Ký xác nhận. " + "B" * 3987
    await binh.says(first)
    await binh.says(second)  # Telegram cut the paste: the second part reaches the summary
    assert texts.REVIEW_COMMENTS_ADDED.format(length="8.001") in binh.text
    [request] = await requests(db)
    assert request.status == ReviewStatus.REQUESTED  # "Ký xác nhận" inside the text signs nothing
    await binh.says("sửa câu trả lời")
    assert binh.options == [f"Nhiệm vụ {i}" for i in range(1, 5)] + [texts.MORE]
    await binh.says("Xem thêm")  # what a reply-keyboard press sends
    assert binh.options[:3] == ["Nhiệm vụ 5", texts.REVIEW_FIX_FRONT, texts.REVIEW_FIX_COMMENTS]
    await binh.says("Nhiệm vụ 2")
    await binh.says("Chưa tốt")
    assert texts.REVIEW_SIGN in binh.options  # back at the summary after one fix
    await binh.says("1")
    [request] = await requests(db)
    assert request.comments == f"{first}\n{second}"
    assert request.answers[1]["answer"] == "poor"


async def test_bad_input_in_the_form_keeps_everything(
    engine: Engine, db: Database, world: World
) -> None:
    await ask_for_review(await login(engine, "cuong"))
    binh = await login(engine, "binh")
    await binh.presses(await write_button(engine, db, world))
    await binh.says("Tốt")
    for garbage in ["😀", "có lẽ vậy"]:
        await binh.says(garbage)
        assert "Nhiệm vụ 2/5" in binh.last.text
    await binh.says("<b>?</b>")
    assert binh.last.text == texts.HUMAN_OFFER
    await binh.says("tôi thử lại")
    assert "Nhiệm vụ 2/5" in binh.last.text and binh.last.text.startswith(HEAD)
    async with db.transaction() as session:
        draft = await reviews.load_draft(
            session, (await requests(db))[0].id, world.people["binh"].id
        )
    assert draft["answers"] == {"guong-mau": "good"}


@pytest.mark.parametrize("answer", ["không", "Không nhắn gì"])
async def test_no_note_is_fine(engine: Engine, db: Database, world, answer: str) -> None:
    cuong = await login(engine, "cuong")
    await cuong.says("Xin nhận xét nơi cư trú")
    await cuong.says("1")
    await cuong.says("1")
    await cuong.says(answer)
    assert f"• Lời nhắn: {texts.REVIEW_NO_NOTE}" in cuong.last.text
    await cuong.says("Gửi yêu cầu")
    [request] = await requests(db)
    assert request.note is None


async def test_nobody_to_ask_goes_to_the_ward_office(engine: Engine, db: Database, world) -> None:
    async with db.transaction() as session:
        for role in (await session.scalars(select(Role))).all():
            if role.org_id == world.orgs["home"].id:
                await session.delete(role)
    cuong = await login(engine, "cuong")
    await ask_for_review(cuong)
    assert "chưa có bí thư trên hệ thống" in cuong.text
    [escalated] = await notices(engine, db, world.people["giang"].id, "approval.escalated")
    assert "Nhận xét nơi cư trú: Lê Văn Cường" in escalated.text


async def test_the_status_of_a_request_counts_for_its_year_only(
    engine: Engine, db: Database, world: World, clock: FakeClock
) -> None:
    async with db.transaction() as session:
        cuong = world.people["cuong"]
        await reviews.submit(session, cuong, 2025, "", cuong, clock())
    async with db.transaction() as session:
        assert (await reviews.current(session, cuong.id, 2025)) is not None
        assert (await reviews.current(session, cuong.id, 2026)) is None
        count = await session.scalar(
            select(func.count(ReviewRequest.id)).where(ReviewRequest.year == 2025)
        )
    assert count == 1


async def test_several_waiting_each_question_says_whose(
    engine: Engine, db: Database, world: World, clock: FakeClock
) -> None:
    from tests.support.world import add_member

    async with db.transaction() as session:
        mai = await add_member(
            session,
            "Hà Thị Mai",
            "+84912000012",
            world.orgs["school"],
            residence=world.orgs["home"],
        )
        await reviews.submit(session, mai, 2026, "", mai, clock())
    await ask_for_review(await login(engine, "cuong"))
    prompts = await notices(engine, db, world.people["binh"].id, "approval.prompt")
    mai_write, cuong_write = (p.actions[0].payload for p in prompts)
    binh = await login(engine, "binh")
    await binh.presses(cuong_write)
    await answer_duties(binh, ["Tốt", "Tốt"])
    await binh.presses(mai_write)  # another request, half-way through the first
    assert binh.last.text.startswith("Nhận xét cho Hà Thị Mai (Chi bộ Trường THCS Yên Hòa)")
    assert "Nhiệm vụ 1/5" in binh.last.text
    await fill_and_sign(binh, "Chị Mai tích cực.")
    await binh.presses(cuong_write)  # back to the first: it continues where it stopped
    assert binh.last.text.startswith(HEAD) and "Nhiệm vụ 3/5" in binh.last.text
    await answer_duties(binh, ["Chưa tốt"] * 3)
    await binh.says("Đã trao đổi")
    await binh.says("Không")
    assert binh.last.text.startswith(HEAD)
    await binh.says("Ký xác nhận")
    by_member = {r.member_id: r for r in await requests(db)}
    assert by_member[mai.id].comments == "Chị Mai tích cực."
    assert [a["answer"] for a in by_member[world.people["cuong"].id].answers] == [
        "good",
        "good",
        "poor",
        "poor",
        "poor",
    ]
