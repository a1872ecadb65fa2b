"""Transcripts of "Nộp đảng phí" and "Tình hình đảng phí" through the real engine, on SQLite and
PostgreSQL: an elderly member paying with typos and without diacritics, the QR code read back,
the treasurer confirming by button, in the inbox and for cash, base changes and exemptions."""

import io
from datetime import date

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.dialogs.model import Reply
from partybot.services import dues, dues_bank, files, vietqr
from partybot.storage.db import Database
from partybot.storage.models import (
    Approval,
    BankTxStatus,
    DuesPayment,
    IntentStatus,
    Member,
    Organisation,
    PaymentIntent,
)
from tests.support.clock import FakeClock
from tests.support.dues_world import HOME_ACCOUNT, build_dues_world, login, outbox
from tests.support.world import World

DEC = date(2026, 12, 1)


@pytest.fixture
async def world(db: Database) -> World:
    return await build_dues_world(db)


async def stored_bytes(db: Database, token: str, clock: FakeClock) -> bytes:
    async with db.transaction() as session:
        found = await files.by_token(session, token, clock())
        assert found is not None
        return found.data


def decode_qr(png: bytes) -> str:
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return found.text


async def latest_intent(db: Database, world: World, who: str) -> PaymentIntent:
    async with db.transaction() as session:
        intent = await dues.latest_intent(session, world.people[who].id)
        assert intent is not None
        return intent


async def notices_for(db: Database, engine: Engine, member_id: int, event: str) -> list[Reply]:
    return [
        engine.render_notice(r.event, r.params)
        for r in await outbox(db, event)
        if r.member_id == member_id
    ]


async def test_member_pays_by_qr_and_the_treasurer_confirms(engine, db, world, clock) -> None:
    an = await login(engine, "+84912000001")
    await an.says("dong tien dang")  # no diacritics, a synonym of the menu entry
    assert "Mức đảng phí của Bác: 35.000 đ/tháng." in an.text
    assert "Bác còn tháng 12/2026 chưa nộp: 35.000 đ." in an.text
    assert texts.DUES_CASH_LINE in an.text
    assert an.options[0] == "Nộp tháng 12/2026 (35.000 đ)"
    await an.says("nop thang nay")
    assert an.last.text.startswith("Bác nộp đảng phí tháng 12/2026: tổng 35.000 đ.")
    await an.says("dong y")
    qr_message = an.replies[0]
    assert "Vietcombank" in qr_message.text and HOME_ACCOUNT in qr_message.text
    assert "Số tiền: 35.000 đ" in qr_message.text
    intent = await latest_intent(db, world, "an")
    memo = f"{intent.reference} DANG PHI"
    assert f"Nội dung: {memo}" in qr_message.text
    [image] = qr_message.attachments
    assert image.is_image
    payload = decode_qr(await stored_bytes(db, image.file_token, clock))
    assert payload == vietqr.build_payload("970436", HOME_ACCOUNT, 35_000, memo)
    parsed = vietqr.parse_payload(payload)
    assert (parsed["amount"], parsed["memo"], parsed["account"]) == (35_000, memo, HOME_ACCOUNT)
    assert len(memo) <= 25 and memo.isascii()
    assert not set(intent.reference[2:]) & set("01OI")
    assert an.last.text == texts.DUES_AFTER_QR
    await an.says("toi da chuyen khoan roi")
    assert texts.DUES_CLAIM_SENT in an.text
    prompts = [r for r in await outbox(db, "approval.prompt")]
    assert {r.member_id for r in prompts} == {world.people["em"].id, world.people["binh"].id}
    em_prompt = next(r for r in prompts if r.member_id == world.people["em"].id)
    reply = engine.render_notice(em_prompt.event, em_prompt.params)
    assert (
        "Nguyễn Văn An" in reply.text
        and "35.000 đ" in reply.text
        and intent.reference in reply.text
    )
    assert [c.label for c in reply.actions] == [
        texts.DUES_CLAIM_RECEIVED,
        texts.DUES_CLAIM_NOT_RECEIVED,
    ]
    em = await login(engine, "+84912000005")
    await em.presses(reply.actions[0].payload)
    assert "Đã ghi nhận 35.000 đ của Nguyễn Văn An" in em.text
    await em.presses(reply.actions[0].payload)  # pressed again from the old message
    assert texts.ALREADY_HANDLED in em.text
    [receipt] = await notices_for(db, engine, world.people["an"].id, "dues.receipt")
    assert "35.000 đ" in receipt.text and "12/2026" in receipt.text
    [pdf] = receipt.attachments
    text = (
        PdfReader(io.BytesIO(await stored_bytes(db, pdf.file_token, clock))).pages[0].extract_text()
    )
    for expected in (
        "BIÊN LAI THU ĐẢNG PHÍ",
        "Nguyễn Văn An",
        "35.000 đ",
        "12/2026",
        "Ba mươi lăm nghìn đồng",
        "Hoàng Văn Em",
        "Chi bộ Tổ dân phố số 5",
    ):
        assert expected in text
    async with db.transaction() as session:
        assert await dues.paid_through(session, world.people["an"].id) == DEC
        payment = await session.scalar(select(DuesPayment))
        assert payment is not None and payment.method == "transfer"
        assert payment.receipt_number and payment.receipt_number in text
        approval = await session.scalar(select(Approval).where(Approval.kind == "dues.claim"))
        assert approval is not None and approval.status == "done"
    await an.says("nop dang phi")
    assert texts.DUES_PAID_UP.format(month="12/2026") in an.text


async def test_typos_all_months_and_months_ahead(engine, db, world, settings) -> None:
    start = settings.model_copy(update={"dues_start_month": date(2026, 10, 1)})
    engine.settings = start
    an = await login(engine, "+84912000001")
    await an.says("đong đang phi")  # half the diacritics
    assert "Bác còn 3 tháng chưa nộp (10/2026, 11/2026, 12/2026), tổng 105.000 đ." in an.text
    await an.says("nop ca 3 thang")
    assert "tổng 105.000 đ" in an.last.text
    await an.says("chon lai")
    await an.says("nop truoc")
    assert an.last.text == texts.DUES_ASK_AHEAD_OWED.format(owed=3, limit=12)
    for bad in ("0", "-1", "13", "nhieu", "100"):
        await an.says(bad)
        assert texts.DUES_BAD_COUNT.format(limit=12) in an.text
    await an.says("hai thang")
    assert "tháng 10/2026 đến 02/2027: tổng 175.000 đ" in an.last.text
    await an.says("dung")  # "đúng" without diacritics, not "dừng" (cancel)
    assert "Số tiền: 175.000 đ" in an.text
    intent = await latest_intent(db, world, "an")
    assert intent.amount == 175_000 and len(intent.months) == 5


@pytest.mark.parametrize("typed", ["chuyen khoan xong roi", "đã chuyển", "da ck", "xong"])
async def test_saying_the_transfer_is_made(engine, db, world, typed) -> None:
    an = await login(engine, "+84912000001")
    await an.says("dong dang phi")
    await an.says("mot thang")
    await an.says("da")  # "dạ": yes
    await an.says(typed)
    assert texts.DUES_CLAIM_SENT in an.text
    intent = await latest_intent(db, world, "an")
    assert intent.status == IntentStatus.CLAIMED


async def test_treasurer_rejects_a_claim_kindly(engine, db, world) -> None:
    an = await login(engine, "+84912000001")
    await an.says("nop dang phi")
    await an.says("1")
    await an.says("1")
    await an.says("1")  # "Tôi đã chuyển khoản"
    em = await login(engine, "+84912000005")
    await em.says("tinh hinh dang phi")
    assert "Chi bộ Tổ dân phố số 5, tháng 12/2026" in em.text
    await em.says("xac nhan chuyen khoan")
    await em.says("1")
    await em.says("chua thay tien")
    assert "Đã báo Nguyễn Văn An" in em.text
    [notice] = await notices_for(db, engine, world.people["an"].id, "dues.claim_rejected")
    assert "35.000 đ" in notice.text and "Hoàng Văn Em" in notice.text
    intent = await latest_intent_any(db, world)
    assert intent.status == IntentStatus.CANCELLED
    async with db.transaction() as session:
        assert await session.scalar(select(DuesPayment)) is None


async def latest_intent_any(db: Database, world: World) -> PaymentIntent:
    async with db.transaction() as session:
        found = await session.scalar(select(PaymentIntent).order_by(PaymentIntent.id.desc()))
        assert found is not None
        return found


async def test_treasurer_records_cash_in_chat(engine, db, world, clock) -> None:
    em = await login(engine, "+84912000005")
    assert texts.DUES_CELL_TITLE in em.options
    await em.says("tinh hinh dang phi")
    overview = em.last.text
    assert "Đã nộp: 0 người" in overview and "Miễn: 2 người" in overview
    assert "Chưa tính được mức: 1 người (Đỗ Văn Khánh)" in overview
    await em.says("danh sach chua nop")
    assert "Nguyễn Văn An, 0912 000 001: 1 tháng (12/2026), 35.000 đ" in em.last.text
    await em.says("ghi nhan tien da thu")
    await em.says("nguyen van an")  # typed name, no diacritics
    assert em.last.text.startswith("Nguyễn Văn An còn nợ 1 tháng (12/2026), tổng 35.000 đ.")
    await em.says("ca")
    await em.says("tien mat")
    assert (
        em.last.text
        == "Ghi nhận Nguyễn Văn An nộp 35.000 đ (tháng 12/2026), tiền mặt. Đúng không ạ?"
    )
    await em.says("dung")
    assert "Biên lai số BL2026-" in em.text
    assert any(a.filename.endswith(".pdf") for r in em.replies for a in r.attachments)
    [receipt] = await notices_for(db, engine, world.people["an"].id, "dues.receipt")
    assert "Biên lai số" in receipt.text
    async with db.transaction() as session:
        payment = await session.scalar(select(DuesPayment))
        assert payment is not None and payment.method == "cash"
        assert payment.confirmed_by_id == world.people["em"].id
    await em.says("tinh hinh dang phi")
    assert "Đã nộp: 1 người, 35.000 đ" in em.last.text


async def test_treasurer_can_only_collect_in_own_cell(engine, db, world) -> None:
    em = await login(engine, "+84912000005")
    await em.says("tinh hinh dang phi")
    await em.says("ghi nhan tien da thu")
    await em.says("0912000007")  # Hải, of another ward's cell
    assert "Không thấy đảng viên «0912000007» trong chi bộ" in em.text
    await em.says("van")  # An, Em, Lão, Nam, Khánh: several match
    assert texts.DUES_CELL_MANY_FOUND.format(count=5) in em.text


async def test_one_tap_reminders_from_the_view(engine, db, world) -> None:
    em = await login(engine, "+84912000005")
    await em.says("tinh hinh dang phi")
    await em.says("1")  # the unpaid list
    await em.says("nhac tat ca")
    assert texts.DUES_CELL_REMINDED.format(count=5) in em.text
    await em.says("1")
    await em.says("nhac tat ca")
    assert texts.DUES_CELL_REMINDED_NONE in em.text
    rows = await outbox(db, "dues.reminder")
    reminded = {r.member_id for r in rows}
    assert len(rows) == 5 and not {world.people[w].id for w in ("old", "hang", "khanh")} & reminded


async def test_member_reports_a_new_pension(engine, db, world) -> None:
    an = await login(engine, "+84912000001")
    await an.says("dang phi")
    await an.says("viec khac")
    await an.says("bao thay doi thu nhap")
    assert "Mức căn cứ chi bộ đang ghi: 7.000.000 đ" in an.last.text
    for bad, message in (
        ("-5", texts.AMOUNT_TOO_SMALL),
        ("0", texts.AMOUNT_TOO_SMALL),
        ("7", texts.DUES_BASE_TOO_SMALL),
        ("99999999999", texts.AMOUNT_TOO_BIG),
        ("5000000000", texts.DUES_BASE_TOO_BIG),
        ("nhiều lắm", texts.BAD_AMOUNT),
    ):
        await an.says(bad)
        assert message in an.text, bad
    await an.says("bảy triệu rưỡi")
    assert an.last.text.startswith("Bác báo mức mới 7.500.000 đ. Đảng phí sẽ là 37.500 đ/tháng")
    await an.says("gui")
    assert texts.DUES_BASE_SENT in an.text
    em = await login(engine, "+84912000005")
    await em.says("viec can duyet")
    await em.says("1")
    assert "7.500.000 đ (trước: 7.000.000 đ)" in em.last.text
    await em.says("xac nhan")
    assert "Đã ghi quyết định và báo cho Nguyễn Văn An." in em.text
    async with db.transaction() as session:
        assert await dues.monthly_amount(session, world.people["an"].id, DEC) == 37_500
    [decided] = await notices_for(db, engine, world.people["an"].id, "dues.base_decided")
    assert "37.500 đ/tháng" in decided.text


@pytest.mark.parametrize("typed", ["7tr5", "7.500.000", "7,500,000 đ", "7 triệu 500 nghìn"])
async def test_a_base_typed_many_ways(engine, db, world, typed) -> None:
    an = await login(engine, "+84912000001")
    await an.says("dang phi")
    await an.says("viec khac")
    await an.says("bao thay doi thu nhap")
    await an.says(typed)
    assert an.last.text.startswith("Bác báo mức mới 7.500.000 đ.")


async def test_member_asks_for_a_reduction_and_the_secretary_decides(engine, db, world) -> None:
    an = await login(engine, "+84912000001")
    await an.says("nop dang phi")
    await an.says("viec khac")
    await an.says("xin mien giam")
    await an.says("giam 50%")
    await an.says("kho khan khac")
    await an.says("13")
    assert texts.DUES_BAD_COUNT.format(limit=12) in an.text
    await an.says("6 thang")
    await an.says("Con trai ốm nặng, nhà khó khăn")
    assert "giảm 50%, 6 tháng từ tháng 12/2026" in an.last.text
    await an.says("gui")
    assert texts.DUES_EX_SENT in an.text
    async with db.transaction() as session:
        assert await dues.monthly_amount(session, world.people["an"].id, DEC) == 35_000  # not yet
    prompts = [
        r for r in await outbox(db, "approval.prompt") if r.params["kind"] == "dues.exemption"
    ]
    assert {r.member_id for r in prompts} == {world.people["binh"].id}  # the secretary only
    reply = engine.render_notice(prompts[0].event, prompts[0].params)
    assert "«Con trai ốm nặng, nhà khó khăn»" in reply.text
    binh = await login(engine, "+84912000002")
    await binh.presses(reply.actions[0].payload)
    assert "Đã ghi quyết định" in binh.text
    async with db.transaction() as session:
        assert await dues.monthly_amount(session, world.people["an"].id, DEC) == 17_500
        assert await dues.monthly_amount(session, world.people["an"].id, date(2027, 5, 1)) == 17_500
        assert await dues.monthly_amount(session, world.people["an"].id, date(2027, 6, 1)) == 35_000
    await an.says("dang phi")
    assert "Mức đảng phí của Bác: 17.500 đ/tháng." in an.text


async def test_exempt_member_is_told_so(engine, db, world) -> None:
    old = await login(engine, "+84912000011")
    await old.says("nop dang phi")
    assert texts.DUES_EXEMPT.format(reason="đủ 50 năm tuổi Đảng") in old.text
    assert texts.DUES_PAY_AHEAD not in old.options
    await old.says("viec khac")
    await old.says("xin mien giam")
    assert texts.DUES_EX_ALREADY.format(reason="đủ 50 năm tuổi Đảng") in old.text


async def test_explanation_shows_the_exact_figure_and_rounding(engine, db, world) -> None:
    async with db.transaction() as session:
        an = await session.get(Member, world.people["an"].id)
        assert an is not None
        an.dues_base = 7_123_457
    person = await login(engine, "+84912000001")
    await person.says("nop dang phi")
    await person.says("viec khac")
    await person.says("cach tinh")
    text = person.text
    assert "Quy định 01-QĐ/TW" in text
    assert "0,5% của lương hưu 7.123.457 đ = 35.617,285 đ" in text
    assert "làm tròn lên: 35.618 đ" in text


async def test_paying_cash_is_a_choice_and_no_account_means_cash_only(engine, db, world) -> None:
    an = await login(engine, "+84912000001")
    await an.says("nop dang phi")
    await an.says("1")
    await an.says("nop tien mat")
    assert "Bác đưa 35.000 đ cho đồng chí Hoàng Văn Em (thủ quỹ chi bộ)" in an.text
    async with db.transaction() as session:
        home = await session.get(Organisation, world.orgs["home"].id)
        assert home is not None
        home.bank_account = None
    await an.says("nop dang phi")
    await an.says("1")
    assert "Chi bộ chưa có tài khoản ngân hàng" in an.last.text
    assert an.options == [texts.DUES_CASH]


async def test_member_without_a_base_can_report_it(engine, db, world) -> None:
    khanh = await login(engine, "+84912000015")
    await khanh.says("nop dang phi")
    assert "chưa có mức lương hoặc lương hưu làm căn cứ" in khanh.text
    await khanh.says("bao muc luong")
    await khanh.says("6 triệu")
    assert "Đảng phí sẽ là 30.000 đ/tháng" in khanh.last.text


async def test_unmatched_transfer_is_resolved_by_the_treasurer(engine, db, world, settings, clock):
    async with db.transaction() as session:
        result, tx = await dues_bank.record_credit(
            session,
            settings,
            dues_bank.Credit(
                provider="sepay",
                external_id="9001",
                account=HOME_ACCOUNT,
                amount=70_000,
                memo="NGUYEN VAN AN NOP DANG PHI",
                occurred_at=clock(),
            ),
            clock(),
        )
    assert result == dues_bank.Result.REVIEW and tx is not None
    [prompt] = [
        r for r in await outbox(db, "approval.prompt") if r.member_id == world.people["em"].id
    ]
    reply = engine.render_notice(prompt.event, prompt.params)
    assert "nội dung không có mã thanh toán" in reply.text and "70.000 đ" in reply.text
    em = await login(engine, "+84912000005")
    await em.presses(reply.actions[0].payload)
    assert em.options[:2] == [texts.DUES_TRANSFER_OTHER, texts.DUES_TRANSFER_IGNORE]
    await em.says("ghi cho dang vien khac")
    await em.says("0912 000 001")
    assert "Ghi 70.000 đ cho Nguyễn Văn An: trừ vào tháng 12/2026, 01/2027" in em.last.text
    await em.says("dung")
    assert "Đã ghi cho Nguyễn Văn An" in em.text
    async with db.transaction() as session:
        assert await dues.paid_through(session, world.people["an"].id) == date(2027, 1, 1)
        stored = await session.get(type(tx), tx.id)
        assert stored is not None and stored.status == BankTxStatus.RESOLVED
    await em.presses(reply.actions[0].payload)
    assert texts.ALREADY_HANDLED in em.text


async def test_a_transfer_that_is_not_dues_is_set_aside(engine, db, world, settings, clock):
    async with db.transaction() as session:
        _, tx = await dues_bank.record_credit(
            session,
            settings,
            dues_bank.Credit("sepay", "9002", HOME_ACCOUNT, 500_000, "UNG HO QUY", clock()),
            clock(),
        )
    assert tx is not None
    em = await login(engine, "+84912000005")
    await em.says("tinh hinh dang phi")
    assert texts.DUES_CELL_TRANSFERS.format(count=1) in em.options
    await em.says("chuyen khoan chua khop")
    await em.says("1")
    await em.says("khong phai dang phi")
    await em.says("dung")
    assert texts.DUES_TRANSFER_IGNORED in em.text
    async with db.transaction() as session:
        stored = await session.get(type(tx), tx.id)
        assert stored is not None and stored.status == BankTxStatus.IGNORED
        assert await session.scalar(select(DuesPayment)) is None
