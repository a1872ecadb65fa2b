"""An official transfer across two đảng bộ, every role played, from the member's first message to
the receiving chi bộ's "Đã tiếp nhận"; on SQLite and PostgreSQL."""

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from partybot.dialogs import texts
from partybot.services import files, transfer_views
from partybot.storage.db import Database
from partybot.storage.models import (
    Approval,
    Member,
    StepStatus,
    Transfer,
    TransferEvent,
    TransferLetter,
    TransferStep,
)
from tests.support.clock import FakeClock
from tests.support.transfer_world import Cast, build_transfer_world, button
from tests.support.world import World


@pytest.fixture
async def world(db: Database) -> World:
    return await build_transfer_world(db, paid=("an",))


@pytest.fixture
async def cast(engine, db, world) -> Cast:
    cast = Cast(engine, db)
    await cast.login("an", "binh", "giang", "thanh", "hoa", "hai")
    return cast


async def one(db: Database, model, *where):
    async with db.transaction() as session:
        return await session.scalar(select(model).where(*where))


async def all_of(db: Database, model, *where, order=None):
    async with db.transaction() as session:
        query = select(model).where(*where).order_by(order if order is not None else model.id)
        return list((await session.scalars(query)).all())


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


async def request_official(an) -> None:
    """Nguyễn Văn An asks to move to Khu dân cư số 1, phường Cầu Giấy, on retiring."""
    await an.says("Tôi muốn chuyển sinh hoạt đảng")
    assert an.last.text == texts.TRANSFER_CASE
    assert an.options == [
        texts.TRANSFER_CASE_MOVE,
        texts.TRANSFER_CASE_AWAY,
        texts.TRANSFER_CASE_STUDY,
    ]
    await an.says("1")
    assert an.last.text == texts.TRANSFER_REASON
    await an.says("nghỉ hưu")
    assert an.last.text == texts.TRANSFER_DECISION_DATE
    await an.says("20/11/2026")
    assert an.last.text == texts.TRANSFER_DESTINATION
    await an.says("kdc 1 cau giay")
    assert an.last.text == texts.TRANSFER_PICK
    assert an.options[0] == "Chi bộ Khu dân cư số 1 (Đảng ủy phường Cầu Giấy)"
    assert an.options[-1] == texts.TRANSFER_NOT_LISTED
    await an.says("1")
    summary = an.last.text
    assert "Từ: Chi bộ Tổ dân phố số 5" in summary
    assert "Đến: Chi bộ Khu dân cư số 1" in summary
    assert "Nghỉ hưu, nghỉ mất sức" in summary and "20/11/2026" in summary
    assert "không gửi qua đây" in summary  # the sealed dossier is never asked for
    await an.says("Gửi yêu cầu")
    assert texts.TRANSFER_SENT.format(org="Chi bộ Tổ dân phố số 5") in an.text


async def test_official_transfer_across_two_dang_bo(cast: Cast, world, db, clock) -> None:
    an = cast["an"]
    await request_official(an)

    transfer = await one(db, Transfer)
    assert transfer.status == "pending" and transfer.kind == "official"
    steps = await all_of(db, TransferStep, order=TransferStep.seq)
    assert [(s.kind, s.org_id) for s in steps] == [
        ("cell", world.orgs["home"].id),
        ("office", world.orgs["ward"].id),
        ("superior", world.orgs["city"].id),
        ("receiving_office", world.orgs["other_ward"].id),
        ("receiving_cell", world.orgs["other"].id),
    ]
    assert [s.issues_letter for s in steps] == [False, False, True, False, False]

    # 1. The chi bộ secretary: a prompt with the summary and two buttons.
    prompt = await cast.prompt(world, "binh")
    assert "Nguyễn Văn An" in prompt.text and "Chi bộ Khu dân cư số 1" in prompt.text
    assert [c.label for c in prompt.actions] == [texts.TRANSFER_APPROVE, texts.TRANSFER_RETURN]
    binh = cast["binh"]
    clock.advance(hours=2)
    await binh.presses(button(prompt, texts.TRANSFER_APPROVE))
    assert texts.TRANSFER_DONE_APPROVED.format(org="Đảng ủy phường Yên Hòa") in binh.text
    [progress] = await cast.notices(world, "an", "transfer.progress")
    assert "Đảng ủy phường Yên Hòa" in progress.text

    # The member sees where the request stands.
    await an.says("menu")
    await an.says("chuyển sinh hoạt đảng")
    assert "Đang chờ Đảng ủy phường Yên Hòa duyệt, từ ngày 03/12/2026." in an.last.text
    assert an.options == [texts.TRANSFER_OPT_CANCEL]

    # 2. The ward's committee office, from its inbox on any channel.
    giang = cast["giang"]
    await giang.says("Việc cần duyệt")
    assert "Chuyển sinh hoạt chính thức: Nguyễn Văn An" in giang.options
    await giang.says("1")
    assert "niêm phong hồ sơ" in giang.last.text
    await giang.says("Đồng ý")
    assert texts.TRANSFER_DONE_APPROVED.format(org="Thành ủy Hà Nội") in giang.text

    # 3. The superior level (the move leaves the ward's đảng bộ) issues the letter.
    prompt = await cast.prompt(world, "thanh")
    assert "cấp giấy giới thiệu" in prompt.text
    thanh = cast["thanh"]
    await thanh.presses(button(prompt, texts.TRANSFER_APPROVE))
    letter = await one(db, TransferLetter)
    assert letter.number == "001/2026/GTSHĐ" and letter.issued_on == date(2026, 12, 3)
    assert letter.present_by == date(2027, 1, 15)  # 30 working days; 1/1/2027 is off
    assert "001/2026/GTSHĐ" in thanh.text and "15/01/2027" in thanh.text
    assert thanh.replies[0].attachments  # the issuer keeps a copy

    # The member receives the letter as a PDF, with what to carry.
    [notice] = await cast.notices(world, "an", "transfer.letter")
    assert "001/2026/GTSHĐ" in notice.text
    assert "đến Đảng ủy phường Cầu Giấy trước hết ngày 15/01/2027" in notice.text
    assert "hồ sơ đảng viên" in notice.text and "niêm phong" in notice.text
    async with db.transaction() as session:
        stored = await files.by_token(session, notice.attachments[0].file_token, clock())
        assert stored is not None and stored.content_type == "application/pdf"
        data = stored.data
    text = pdf_text(data)
    for expected in [
        "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG",
        "THÀNH ỦY HÀ NỘI",
        "Số: 001/2026/GTSHĐ",
        "Hà Nội, ngày 03 tháng 12 năm 2026",
        "Nguyễn Văn An",
        "C12000001",  # card number
        "012345HN",  # biography number
        "Chi bộ Tổ dân phố số 5, Đảng ủy phường Yên Hòa",
        "Chi bộ Khu dân cư số 1, Đảng ủy phường Cầu Giấy",
        "Nghỉ hưu, nghỉ mất sức",
        "Đã đóng đảng phí đến hết: tháng 02/2027",  # paid in cash for Dec 2026 to Feb 2027
        "đến hết ngày 15/01/2027",
        "T/M THÀNH ỦY HÀ NỘI",
        "Ngô Thị Thanh",
    ]:
        assert expected in text, expected
    # The receiving office is told who is coming.
    [incoming] = await cast.notices(world, "hoa", "transfer.incoming")
    assert "Nguyễn Văn An" in incoming.text and "001/2026/GTSHĐ" in incoming.text

    # 4. The member hands the letter in at the new ward and says so.
    clock.advance(days=5)
    await an.says("menu")
    await an.says("chuyển sinh hoạt đảng")
    assert "Đã cấp giấy giới thiệu số 001/2026/GTSHĐ" in an.last.text
    assert "Bác mang giấy đến Đảng ủy phường Cầu Giấy" in an.last.text
    assert texts.TRANSFER_OPT_PRESENTED in an.options
    await an.says(texts.TRANSFER_OPT_PRESENTED)
    assert texts.TRANSFER_PRESENTED.format(org="Đảng ủy phường Cầu Giấy") in an.text

    # 5. The receiving ward's office.
    prompt = await cast.prompt(world, "hoa")
    hoa = cast["hoa"]
    await hoa.presses(button(prompt, texts.TRANSFER_APPROVE))
    assert texts.TRANSFER_DONE_APPROVED.format(org="Chi bộ Khu dân cư số 1") in hoa.text

    # 6. The receiving chi bộ secretary records the member: "Đã tiếp nhận".
    prompt = await cast.prompt(world, "hai")
    assert [c.label for c in prompt.actions] == [texts.TRANSFER_RECEIVE, texts.TRANSFER_RETURN]
    hai = cast["hai"]
    await hai.presses(button(prompt, texts.TRANSFER_RECEIVE))
    assert "Đã tiếp nhận đồng chí Nguyễn Văn An vào Chi bộ Khu dân cư số 1." in hai.text
    await hai.presses(button(prompt, texts.TRANSFER_RECEIVE))  # pressed again
    assert texts.ALREADY_HANDLED in hai.text

    member = await one(db, Member, Member.id == world.people["an"].id)
    assert member.official_org_id == world.orgs["other"].id
    transfer = await one(db, Transfer)
    assert transfer.status == "received" and transfer.received_on == date(2026, 12, 8)
    [received] = await cast.notices(world, "an", "transfer.received")
    assert "Từ tháng sau, Bác nộp đảng phí cho chi bộ mới." in received.text
    [home] = await cast.notices(world, "binh", "transfer.received_home")
    assert "Nguyễn Văn An" in home.text
    async with db.transaction() as session:
        an_id = world.people["an"].id
        december = await transfer_views.official_cell_for_month(session, an_id, date(2026, 12, 1))
        january = await transfer_views.official_cell_for_month(session, an_id, date(2027, 1, 1))
    assert december == world.orgs["home"].id and january == world.orgs["other"].id

    # Every step is in the history, by whom and where.
    events = await all_of(db, TransferEvent)
    assert [(e.action, e.step_kind) for e in events] == [
        ("submitted", None),
        ("approved", "cell"),
        ("approved", "office"),
        ("approved", "superior"),
        ("letter_issued", "superior"),
        ("presented", None),
        ("approved", "receiving_office"),
        ("received", "receiving_cell"),
    ]
    ids = world.people
    assert [e.actor_id for e in events] == [
        ids["an"].id,
        ids["binh"].id,
        ids["giang"].id,
        ids["thanh"].id,
        ids["thanh"].id,
        ids["an"].id,
        ids["hoa"].id,
        ids["hai"].id,
    ]
    steps = await all_of(db, TransferStep, order=TransferStep.seq)
    assert all(s.status == StepStatus.APPROVED for s in steps)
    approvals = await all_of(db, Approval)
    assert [a.status for a in approvals] == ["done"] * 5

    # The secretaries' views: outgoing at home, incoming at the new ward, with the history.
    await binh.says("menu")
    await binh.says(texts.TRANSFER_MANAGE_TITLE)
    await binh.says(texts.TRANSFER_MANAGE_OUT)
    assert binh.options == ["Nguyễn Văn An: đã tiếp nhận"]
    await binh.says("1")
    assert "Lịch sử:" in binh.last.text and "Ngô Thị Thanh cấp giấy giới thiệu" in binh.last.text
    await hoa.says("menu")
    await hoa.says(texts.TRANSFER_MANAGE_TITLE)
    await hoa.says(texts.TRANSFER_MANAGE_IN)
    assert hoa.options == ["Nguyễn Văn An: đã tiếp nhận"]


async def test_inside_one_dang_bo_the_chain_is_shorter(cast: Cast, world, db) -> None:
    an = cast["an"]
    await an.says("chuyen sinh hoat dang")
    await an.says("chuyển hẳn")
    await an.says("chuyển nhà")
    await an.says("01/12/2026")
    await an.says("tdp 7")
    assert an.options[0] == "Chi bộ Tổ dân phố số 7 (Đảng ủy phường Yên Hòa)"
    await an.says("1")
    await an.says("gửi")
    steps = await all_of(db, TransferStep, order=TransferStep.seq)
    assert [(s.kind, s.issues_letter) for s in steps] == [
        ("cell", False),
        ("office", True),
        ("receiving_cell", False),
    ]
    binh = cast["binh"]
    await binh.presses(button(await cast.prompt(world, "binh"), texts.TRANSFER_APPROVE))
    giang = cast["giang"]
    await giang.presses(button(await cast.prompt(world, "giang"), texts.TRANSFER_APPROVE))
    assert "Đã cấp giấy giới thiệu số 001/2026/GTSHĐ" in giang.text
    letter = await one(db, TransferLetter)
    assert letter.issuer_org_id == world.orgs["ward"].id
    # The receiving secretary may record the letter handed in, from the incoming list.
    await cast.login("khanh")
    khanh = cast["khanh"]
    [incoming] = await cast.notices(world, "khanh", "transfer.incoming")
    assert "Chi bộ Tổ dân phố số 7" in incoming.text
    await khanh.says(texts.TRANSFER_MANAGE_TITLE)
    await khanh.says(texts.TRANSFER_MANAGE_IN)
    await khanh.says("1")
    await khanh.says(texts.TRANSFER_MANAGE_PRESENTED)
    assert "Đã ghi nhận đồng chí Nguyễn Văn An nộp giấy" in khanh.text
    await khanh.presses(button(await cast.prompt(world, "khanh"), texts.TRANSFER_RECEIVE))
    member = await one(db, Member, Member.id == world.people["an"].id)
    assert member.official_org_id == world.orgs["tdp7"].id


async def test_superior_level_is_configurable_per_tree(
    engine, db, world, settings, clock: FakeClock
) -> None:
    """With TRANSFER_SUPERIOR={"TU-HN": "self"} the ward issues letters for moves out too."""
    from partybot.services import transfer_chain
    from partybot.storage.models import TransferKind

    configured = settings.model_copy(update={"transfer_superior": {"TU-HN": "self"}})
    async with db.transaction() as session:
        home, other = world.orgs["home"].id, world.orgs["other"].id
        default = await transfer_chain.plan(session, TransferKind.OFFICIAL, home, other, settings)
        itself = await transfer_chain.plan(session, TransferKind.OFFICIAL, home, other, configured)
        named = settings.model_copy(update={"transfer_superior": {"DU-YH": "CB-CQTU"}})
        elsewhere = await transfer_chain.plan(session, TransferKind.OFFICIAL, home, other, named)
        wrong = settings.model_copy(update={"transfer_superior": {"TU-HN": "NOPE"}})
        with pytest.raises(transfer_chain.ChainConfigError):
            await transfer_chain.plan(session, TransferKind.OFFICIAL, home, other, wrong)
    assert [s.kind for s in default] == [
        "cell",
        "office",
        "superior",
        "receiving_office",
        "receiving_cell",
    ]
    assert [(s.kind, s.issues_letter) for s in itself] == [
        ("cell", False),
        ("office", True),
        ("receiving_office", False),
        ("receiving_cell", False),
    ]
    assert elsewhere[2].org_id == world.orgs["city_cell"].id
