"""Bad input and the people who should not act: each refused clearly, nothing left half-done,
every step in the history."""

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select

from partybot.dialogs import texts
from partybot.services import approvals, transfers
from partybot.services.sweeps import SWEEPS
from partybot.storage.db import Database
from partybot.storage.models import (
    Approval,
    Member,
    MemberFlag,
    StepStatus,
    Transfer,
    TransferEvent,
    TransferLetter,
    TransferStep,
)
from tests.support.transfer_world import Cast, build_transfer_world, button
from tests.support.world import World


@pytest.fixture
async def world(db: Database) -> World:
    return await build_transfer_world(db, paid=("an",))


@pytest.fixture
async def cast(engine, db, world) -> Cast:
    cast = Cast(engine, db)
    await cast.login("an", "binh", "chung", "dung", "giang", "thanh", "hoa", "hai")
    return cast


async def rows(db: Database, model, *where, order=None):
    async with db.transaction() as session:
        query = select(model).where(*where).order_by(order if order is not None else model.id)
        return list((await session.scalars(query)).all())


async def ask_to_move(an, where: str = "kdc 1 cau giay", decided: str = "20/11/2026") -> None:
    await an.says("menu")
    await an.says("chuyen sinh hoat")
    await an.says(texts.TRANSFER_CASE_MOVE)
    await an.says(texts.TRANSFER_REASON_JOB)
    await an.says(decided)
    await an.says(where)
    await an.says("1")
    await an.says(texts.TRANSFER_SEND)


async def test_the_current_cell_is_not_a_destination(cast: Cast, db) -> None:
    an = cast["an"]
    await an.says("chuyen sinh hoat")
    await an.says("1")
    await an.says("nghi huu")
    await an.says("20/11/2026")
    await an.says("tdp 5 yen hoa")
    assert an.options[0] == "Chi bộ Tổ dân phố số 5 (Đảng ủy phường Yên Hòa)"
    await an.says("1")
    assert texts.TRANSFER_SAME_CELL in an.text
    assert an.last.text == texts.TRANSFER_PICK  # asked again, nothing sent
    await an.says("khu dan cu so 1")  # a new search at the same question
    assert an.options[0].startswith("Chi bộ Khu dân cư số 1")
    assert await rows(db, Transfer) == []


async def test_typed_words_that_hide_navigation_words_still_choose(cast: Cast) -> None:
    """ "chuyển" contains "huy" (Hủy) and "thôi việc" starts with "thôi": neither cancels."""
    an = cast["an"]
    await an.says("chuyển sinh hoạt đảng")
    assert an.last.text == texts.TRANSFER_CASE
    await an.says("chuyển hẳn")
    await an.says("thôi việc")
    assert an.last.text == texts.TRANSFER_DECISION_DATE


async def test_late_start_asks_for_a_short_explanation(cast: Cast, world, db) -> None:
    an = cast["an"]
    await an.says("chuyen sinh hoat")
    await an.says("1")
    await an.says("nghi huu")
    # 86 working days before 3/12/2026: 31/8, 1/9, 2/9 and 24/11 (Culture Day) are off.
    await an.says("01/08/2026")
    assert texts.TRANSFER_LATE_START.format(days=86) in an.text
    assert an.last.text == texts.TRANSFER_LATE_NOTE
    await an.says("Tôi nằm viện hai tháng")
    await an.says("kdc1")
    await an.says("1")
    assert "(muộn: Tôi nằm viện hai tháng)" in an.last.text
    await an.says(texts.TRANSFER_SEND)
    [transfer] = await rows(db, Transfer)
    assert transfer.late_start_note == "Tôi nằm viện hai tháng"
    prompt = await cast.prompt(world, "binh")
    assert "Làm thủ tục muộn, lý do: Tôi nằm viện hai tháng" in prompt.text


async def test_a_step_that_is_not_yours_or_pressed_twice(cast: Cast, world, db) -> None:
    await ask_to_move(cast["an"])
    prompt = await cast.prompt(world, "binh")
    approve = button(prompt, texts.TRANSFER_APPROVE)
    dung = cast["dung"]  # another chi bộ's secretary presses Bình's button
    await dung.presses(approve)
    assert texts.BUTTON_NOT_YOURS in dung.text
    [step] = await rows(db, TransferStep, TransferStep.seq == 1)
    async with db.transaction() as session:  # and the service refuses her too
        with pytest.raises(transfers.NotAllowed):
            await transfers.approve(
                session, step.id, world.people["dung"].id, cast.engine.clock(), cast.engine.settings
            )
        # The ward office is not the chi bộ: it cannot take the chi bộ's step either.
        with pytest.raises(transfers.NotAllowed):
            await transfers.approve(
                session,
                step.id,
                world.people["giang"].id,
                cast.engine.clock(),
                cast.engine.settings,
            )
        assert await approvals.inbox(session, world.people["giang"].id) == []
    binh = cast["binh"]
    await binh.presses(approve)
    await binh.presses(approve)
    assert texts.ALREADY_HANDLED in binh.text
    # The deputy's own button for the same step, pressed later, is handled too.
    chung_prompt = await cast.prompt(world, "chung")
    await cast["chung"].presses(button(chung_prompt, texts.TRANSFER_APPROVE))
    assert texts.ALREADY_HANDLED in cast["chung"].text
    # A stale button never acts on the next step, even for someone who may decide it.
    giang = cast["giang"]
    await giang.presses(button(await cast.prompt(world, "giang"), texts.TRANSFER_APPROVE))
    await giang.presses(button(await cast.prompt(world, "thanh"), texts.TRANSFER_APPROVE))
    assert texts.BUTTON_NOT_YOURS in giang.text
    events = await rows(db, TransferEvent, TransferEvent.action == "approved")
    assert [(e.step_kind, e.actor_id) for e in events] == [
        ("cell", world.people["binh"].id),
        ("office", world.people["giang"].id),
    ]


async def test_secretary_and_deputy_at_the_same_moment(cast: Cast, world, db) -> None:
    await ask_to_move(cast["an"])
    binh_button = button(await cast.prompt(world, "binh"), texts.TRANSFER_APPROVE)
    chung_button = button(await cast.prompt(world, "chung"), texts.TRANSFER_APPROVE)
    await asyncio.gather(cast["binh"].presses(binh_button), cast["chung"].presses(chung_button))
    answers = [cast["binh"].text, cast["chung"].text]
    agreed = [a for a in answers if "Đã đồng ý" in a]
    assert len(agreed) == 1, answers
    assert any(texts.ALREADY_HANDLED in a for a in answers), answers
    events = await rows(db, TransferEvent, TransferEvent.action == "approved")
    assert len(events) == 1
    assert len(await rows(db, Approval, Approval.org_id == world.orgs["ward"].id)) == 1


async def test_members_cannot_approve_their_own_transfer(cast: Cast, world, db) -> None:
    binh = cast["binh"]  # the secretary moves away herself
    await ask_to_move(binh)
    [step] = await rows(db, TransferStep, TransferStep.seq == 1)
    async with db.transaction() as session:
        with pytest.raises(transfers.NotAllowed):
            await transfers.approve(
                session, step.id, world.people["binh"].id, cast.engine.clock(), cast.engine.settings
            )
    # Her deputy decides it.
    await cast["chung"].presses(button(await cast.prompt(world, "chung"), texts.TRANSFER_APPROVE))
    assert "Đã đồng ý" in cast["chung"].text


async def test_cancelled_half_way(cast: Cast, world, db) -> None:
    an = cast["an"]
    await ask_to_move(an)
    await cast["binh"].presses(button(await cast.prompt(world, "binh"), texts.TRANSFER_APPROVE))
    office_button = button(await cast.prompt(world, "giang"), texts.TRANSFER_APPROVE)
    await an.says("menu")
    await an.says("chuyen sinh hoat")
    await an.says(texts.TRANSFER_OPT_CANCEL)
    await an.says(texts.TRANSFER_CANCEL_NO)
    assert "Đang chờ Đảng ủy phường Yên Hòa duyệt" in an.last.text
    await an.says(texts.TRANSFER_OPT_CANCEL)
    await an.says(texts.TRANSFER_CANCEL_YES)
    assert texts.TRANSFER_CANCELLED in an.text
    [transfer] = await rows(db, Transfer)
    assert transfer.status == "cancelled"
    steps = await rows(db, TransferStep, order=TransferStep.seq)
    assert [s.status for s in steps] == ["approved"] + ["cancelled"] * 4
    assert [a.status for a in await rows(db, Approval)] == ["done", "cancelled"]
    [told] = await cast.notices(world, "giang", "transfer.cancelled")
    assert "Nguyễn Văn An" in told.text and "không cần xử lý nữa" in told.text
    giang = cast["giang"]
    await giang.presses(office_button)
    assert texts.ALREADY_HANDLED in giang.text
    await giang.says("menu")
    await giang.says("viec can duyet")
    assert texts.APPROVALS_NONE in giang.text
    actions = [e.action for e in await rows(db, TransferEvent)]
    assert actions == ["submitted", "approved", "cancelled"]
    # A new request can be made afterwards; the last one is mentioned first.
    await an.says("menu")
    await an.says("chuyen sinh hoat")
    assert an.last.text.startswith(texts.TRANSFER_STATUS_DONE.format(state="đã hủy"))
    await ask_to_move(an)
    assert len(await rows(db, Transfer)) == 2


async def test_cancelling_after_the_letter_voids_it(cast: Cast, world, db) -> None:
    an = cast["an"]
    await ask_to_move(an, where="tdp 7")  # inside the ward: the office issues the letter
    await cast["binh"].presses(button(await cast.prompt(world, "binh"), texts.TRANSFER_APPROVE))
    await cast["giang"].presses(button(await cast.prompt(world, "giang"), texts.TRANSFER_APPROVE))
    await cast.login("khanh")
    await cast.notices(world, "khanh")
    await an.says("menu")
    await an.says("chuyen sinh hoat")
    await an.says(texts.TRANSFER_OPT_CANCEL)
    await an.says(texts.TRANSFER_CANCEL_YES)
    [letter] = await rows(db, TransferLetter)
    assert letter.void_at is not None  # the register line stays, voided
    assert await cast.notices(world, "giang", "transfer.cancelled")
    assert await cast.notices(world, "khanh", "transfer.cancelled")


async def test_returned_with_a_reason_fixed_and_resent(cast: Cast, world, db) -> None:
    an = cast["an"]
    await ask_to_move(an, where="tdp 7")
    await cast["binh"].presses(button(await cast.prompt(world, "binh"), texts.TRANSFER_APPROVE))
    giang = cast["giang"]
    await giang.presses(button(await cast.prompt(world, "giang"), texts.TRANSFER_RETURN))
    assert giang.last.text == texts.TRANSFER_RETURN_ASK
    await giang.says("Nơi ở mới thuộc phường Cầu Giấy, đồng chí chọn lại")
    assert texts.TRANSFER_RETURNED_DONE.format(name="Nguyễn Văn An") in giang.text
    [returned] = await cast.notices(world, "an", "transfer.returned")
    assert "Đảng ủy phường Yên Hòa" in returned.text and "phường Cầu Giấy" in returned.text

    await an.says("menu")
    await an.says("chuyen sinh hoat")
    assert "Lý do: Nơi ở mới thuộc phường Cầu Giấy" in an.last.text
    await an.says(texts.TRANSFER_OPT_FIX)
    assert "Chi bộ Tổ dân phố số 7" in an.last.text  # the summary, with what was sent
    await an.says(texts.TRANSFER_EDIT_DESTINATION)
    await an.says("kdc 1 cau giay")
    await an.says("1")
    assert "Đến: Chi bộ Khu dân cư số 1" in an.last.text
    await an.says(texts.TRANSFER_SEND)
    assert texts.TRANSFER_RESENT.format(org="Chi bộ Tổ dân phố số 5") in an.text
    [transfer] = await rows(db, Transfer)
    assert transfer.round == 2 and transfer.status == "pending"
    assert transfer.to_org_id == world.orgs["other"].id
    second = await rows(db, TransferStep, TransferStep.round == 2, order=TransferStep.seq)
    assert [s.kind for s in second] == [
        "cell",
        "office",
        "superior",
        "receiving_office",
        "receiving_cell",
    ]
    first = await rows(db, TransferStep, TransferStep.round == 1, order=TransferStep.seq)
    assert [s.status for s in first] == ["approved", "returned", "cancelled"]
    assert first[1].note == "Nơi ở mới thuộc phường Cầu Giấy, đồng chí chọn lại"
    actions = [e.action for e in await rows(db, TransferEvent)]
    assert actions == ["submitted", "approved", "returned", "resubmitted"]
    assert await cast.notices(world, "binh", "approval.prompt")  # the chi bộ sees it again


async def test_an_open_flag_stops_a_transfer(cast: Cast, world, db) -> None:
    giang = cast["giang"]
    await giang.says(texts.TRANSFER_MANAGE_TITLE)
    assert texts.TRANSFER_MANAGE_FLAGS in giang.options
    await giang.says(texts.TRANSFER_MANAGE_FLAGS)
    await giang.says("0912 000 001")
    assert "không có việc kiểm tra" in giang.last.text
    await giang.says(texts.TRANSFER_FLAG_SET_COMPLAINT)
    assert texts.TRANSFER_FLAG_DONE.format(name="Nguyễn Văn An") in giang.text
    an = cast["an"]
    await an.says("menu")
    await an.says("chuyen sinh hoat")
    assert texts.TRANSFER_FLAGGED in an.text
    # A secretary cannot set flags; the office of another ward cannot either.
    binh = cast["binh"]
    await binh.says(texts.TRANSFER_MANAGE_TITLE)
    assert texts.TRANSFER_MANAGE_FLAGS not in binh.options
    hoa = cast["hoa"]
    await hoa.says(texts.TRANSFER_MANAGE_TITLE)
    await hoa.says(texts.TRANSFER_MANAGE_FLAGS)
    await hoa.says("0912000001")
    assert texts.TRANSFER_FLAG_NOT_YOURS.format(name="Nguyễn Văn An") in hoa.text
    # Cleared: the member may go.
    await giang.says("menu")
    await giang.says(texts.TRANSFER_MANAGE_TITLE)
    await giang.says(texts.TRANSFER_MANAGE_FLAGS)
    await giang.says("C12000001")  # by card number
    await giang.says(texts.TRANSFER_FLAG_CLEAR)
    [flag] = await rows(db, MemberFlag)
    assert flag.cleared_by_id == world.people["giang"].id
    await ask_to_move(an)
    assert len(await rows(db, Transfer)) == 1


async def test_a_flag_set_mid_chain_holds_the_next_step(cast: Cast, world, db) -> None:
    await ask_to_move(cast["an"])
    async with db.transaction() as session:
        an = await session.get(Member, world.people["an"].id)
        from partybot.services import member_flags
        from partybot.storage.models import FlagKind

        await member_flags.set_flag(
            session, an, FlagKind.INSPECTION, None, world.people["giang"].id, cast.engine.clock()
        )
    binh = cast["binh"]
    await binh.presses(button(await cast.prompt(world, "binh"), texts.TRANSFER_APPROVE))
    assert texts.TRANSFER_BLOCKED_FLAG.format(name="Nguyễn Văn An") in binh.text
    [step] = await rows(db, TransferStep, TransferStep.seq == 1)
    assert step.status == StepStatus.PENDING


async def test_destination_outside_the_roster_is_routed_by_the_office(
    cast: Cast, world, db
) -> None:
    an = cast["an"]
    await an.says("chuyen sinh hoat")
    await an.says("1")
    await an.says("chuyen cong tac")
    await an.says("25/11/2026")
    await an.says("Chi bộ thôn Đoài, xã Tân Lập")
    assert an.last.text.startswith("Tôi không tìm thấy chi bộ nào giống")
    await an.says(texts.TRANSFER_WRITE_DESTINATION)
    await an.says("Chi bộ thôn Đoài, Đảng bộ xã Tân Lập, Hà Nội")
    assert "ngoài danh sách" in an.last.text
    await an.says(texts.TRANSFER_SEND)
    [transfer] = await rows(db, Transfer)
    assert transfer.to_org_id is None and transfer.to_text.startswith("Chi bộ thôn Đoài")
    await cast["binh"].presses(button(await cast.prompt(world, "binh"), texts.TRANSFER_APPROVE))
    giang = cast["giang"]
    prompt = await cast.prompt(world, "giang")
    assert "chưa có trong danh sách" in prompt.text
    await giang.presses(button(prompt, texts.TRANSFER_APPROVE))
    assert giang.last.text.startswith("Đảng viên ghi nơi đến: «Chi bộ thôn Đoài")
    await giang.says(texts.TRANSFER_ROUTE_OUTSIDE)
    assert texts.TRANSFER_DONE_APPROVED.format(org="Thành ủy Hà Nội") in giang.text
    thanh = cast["thanh"]
    await thanh.presses(button(await cast.prompt(world, "thanh"), texts.TRANSFER_APPROVE))
    [transfer] = await rows(db, Transfer)
    assert transfer.status == "outside"
    [letter_notice] = await cast.notices(world, "an", "transfer.letter")
    assert "Chi bộ thôn Đoài, Đảng bộ xã Tân Lập" in letter_notice.text
    actions = [e.action for e in await rows(db, TransferEvent)]
    assert actions == [
        "submitted",
        "approved",
        "routed_outside",
        "approved",
        "approved",
        "letter_issued",
    ]


async def test_a_typed_destination_routed_to_a_chi_bo_in_the_roster(cast: Cast, world, db) -> None:
    an = cast["an"]
    await an.says("chuyen sinh hoat")
    await an.says("1")
    await an.says("chuyen noi o")
    await an.says("25/11/2026")
    await an.says("khu tập thể bộ công an")
    await an.says(texts.TRANSFER_WRITE_DESTINATION)
    await an.says("Khu tập thể Bộ Công an (nay là khu dân cư số 1)")
    await an.says(texts.TRANSFER_SEND)
    await cast["binh"].presses(button(await cast.prompt(world, "binh"), texts.TRANSFER_APPROVE))
    giang = cast["giang"]
    await giang.presses(button(await cast.prompt(world, "giang"), texts.TRANSFER_APPROVE))
    await giang.says("tdp 5")
    await giang.says("1")  # the member's own cell: refused, asked again
    assert texts.TRANSFER_ROUTE_SAME in giang.text
    await giang.says("kdc 1")
    await giang.says("1")
    assert texts.TRANSFER_DONE_APPROVED.format(org="Thành ủy Hà Nội") in giang.text
    [transfer] = await rows(db, Transfer)
    assert transfer.to_org_id == world.orgs["other"].id
    steps = await rows(db, TransferStep, order=TransferStep.seq)
    assert [s.kind for s in steps] == [
        "cell",
        "office",
        "superior",
        "receiving_office",
        "receiving_cell",
    ]


async def test_receiving_secretary_who_never_answers(
    cast: Cast, world, db, clock, settings
) -> None:
    """Reminded after a day, escalated to the receiving ward's office after three; the office
    may then record the arrival itself."""
    await ask_to_move(cast["an"])
    for who in ("binh", "giang", "thanh"):
        await cast[who].presses(button(await cast.prompt(world, who), texts.TRANSFER_APPROVE))
    async with db.transaction() as session:
        [transfer] = (await session.scalars(select(Transfer))).all()
        await transfers.mark_presented(session, transfer.id, world.people["an"].id, clock())
    await cast["hoa"].presses(button(await cast.prompt(world, "hoa"), texts.TRANSFER_APPROVE))
    await cast.prompt(world, "hai")  # Hải got it, and says nothing
    sla = SWEEPS["approvals.sla"].run
    clock.advance(hours=25)
    assert await sla(db, clock(), settings) == 1
    [reminder] = await cast.notices(world, "hai", "approval.reminder")
    assert reminder.text.startswith(texts.APPROVAL_REMINDER)
    clock.advance(hours=48)
    assert await sla(db, clock(), settings) == 1
    [escalated] = await cast.notices(world, "hoa", "approval.escalated")
    assert "Tiếp nhận đảng viên: Nguyễn Văn An" in escalated.text
    assert "Vũ Văn Hải" in escalated.text
    hoa = cast["hoa"]
    await hoa.says("menu")
    await hoa.says("viec can duyet")
    assert "Tiếp nhận đảng viên: Nguyễn Văn An" in hoa.options
    await hoa.says("Tiếp nhận đảng viên: Nguyễn Văn An")
    await hoa.says(texts.TRANSFER_RECEIVE)
    assert "Đã tiếp nhận đồng chí Nguyễn Văn An" in hoa.text
    async with db.transaction() as session:
        an = await session.get(Member, world.people["an"].id)
        assert an is not None and an.official_org_id == world.orgs["other"].id
        received = await session.scalar(
            select(TransferEvent).where(TransferEvent.action == "received")
        )
    assert received is not None and received.actor_id == world.people["hoa"].id


async def test_deadline_reminder_then_late_then_explanation(
    cast: Cast, world, db, clock, settings
) -> None:
    """A letter issued on 20/1/2027 is due on 10/3/2027 (Tết 2027 skipped)."""
    clock.now = clock.now.replace(year=2027, month=1, day=20)
    await ask_to_move(cast["an"], decided="05/01/2027")
    for who in ("binh", "giang", "thanh"):
        await cast[who].presses(button(await cast.prompt(world, who), texts.TRANSFER_APPROVE))
    [letter] = await rows(db, TransferLetter)
    assert letter.present_by == date(2027, 3, 10)
    await cast.notices(world, "an")
    await cast.notices(world, "giang")
    await cast.notices(world, "hoa")
    sweep = SWEEPS["transfers.deadlines"].run
    clock.now = clock.now.replace(month=3, day=2)
    assert await sweep(db, clock(), settings) == 0
    clock.now = clock.now.replace(day=3)  # five working days before
    assert await sweep(db, clock(), settings) == 1
    assert await sweep(db, clock(), settings) == 0
    [soon] = await cast.notices(world, "an", "transfer.deadline_soon")
    assert "10/03/2027" in soon.text
    clock.now = clock.now.replace(day=10)
    assert await sweep(db, clock(), settings) == 0  # the last day is still in time
    clock.now = clock.now.replace(day=11)
    assert await sweep(db, clock(), settings) == 1
    assert await sweep(db, clock(), settings) == 0
    [late] = await cast.notices(world, "an", "transfer.late")
    assert "Giải trình" in late.text
    assert await cast.notices(world, "giang", "transfer.late_office")
    assert await cast.notices(world, "hoa", "transfer.late_office")
    an = cast["an"]
    await an.says("menu")
    await an.says("chuyen sinh hoat")
    assert texts.TRANSFER_STATUS_LATE in an.last.text
    await an.says(texts.TRANSFER_OPT_EXPLAIN)
    await an.says("Tôi bị ốm, nằm viện ba tuần")
    assert texts.TRANSFER_EXPLAINED in an.text
    [explained] = await cast.notices(world, "hoa", "transfer.explained")
    assert "Tôi bị ốm, nằm viện ba tuần" in explained.text
    # The committee still decides: the letter can be presented and the member received.
    await an.says("menu")
    await an.says("chuyen sinh hoat")
    assert "Bác đã giải trình" in an.last.text
    await an.says(texts.TRANSFER_OPT_PRESENTED)
    assert await cast.prompt(world, "hoa")
    actions = [e.action for e in await rows(db, TransferEvent)]
    assert actions[-4:] == ["reminded", "late", "explained", "presented"]


async def test_unreachable_dialog_branches_do_not_exist_for_other_roles(cast: Cast, db) -> None:
    """A plain member has no management entry; the secretary has both."""
    an, binh = cast["an"], cast["binh"]
    await an.says("menu")
    assert texts.TRANSFER_MANAGE_TITLE not in an.options
    assert texts.TRANSFER_TITLE in an.options
    await binh.says("menu")
    shown = list(binh.options)
    while texts.MORE in shown[-1:]:
        await binh.says("xem thêm")  # typed, not only by number
        shown += [o for o in binh.options if o not in shown]
    assert {texts.TRANSFER_MANAGE_TITLE, texts.TRANSFER_TITLE} <= set(shown)
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Transfer)) == 0


async def test_an_unfinished_request_is_resumed_days_later(cast: Cast, clock) -> None:
    an = cast["an"]
    await an.says("chuyen sinh hoat")
    await an.says("1")
    await an.says("nghi huu")
    await an.says("20/11/2026")
    assert an.last.text == texts.TRANSFER_DESTINATION
    await an.says("menu chính")
    clock.advance(days=2)
    await an.says("chuyen sinh hoat")
    assert an.last.text == texts.RESUME_QUESTION.format(title=texts.TRANSFER_TITLE)
    await an.says(texts.RESUME_CONTINUE)
    assert an.last.text == texts.TRANSFER_DESTINATION
    await an.says("kdc1")
    await an.says("1")
    assert "20/11/2026" in an.last.text and "Nghỉ hưu" in an.last.text  # nothing was lost
