"""Dues and transfers, against the real ledger: paid up to the current month to ask, paid up to
the month of the letter to get it, and a ledger that cannot tell stops only the letter."""

from datetime import date

import pytest
from sqlalchemy import select

from partybot.dialogs import texts
from partybot.services import dues, transfer_views
from partybot.services.dues_rules import load_rules
from partybot.storage.db import Database
from partybot.storage.models import (
    DuesObligation,
    Member,
    StepStatus,
    Transfer,
    TransferLetter,
    TransferStep,
)
from tests.support.transfer_world import Cast, build_transfer_world, button, pay
from tests.support.world import World


@pytest.fixture
async def world(db: Database) -> World:
    return await build_transfer_world(db, paid=())


@pytest.fixture
async def cast(engine, db, world) -> Cast:
    cast = Cast(engine, db)
    await cast.login("an", "binh", "giang")
    return cast


async def ask_to_move_inside_the_ward(person) -> None:
    await person.says("menu")
    await person.says("chuyen sinh hoat")
    await person.says(texts.TRANSFER_CASE_MOVE)
    await person.says(texts.TRANSFER_REASON_HOME)
    await person.says("01/12/2026")
    await person.says("tdp 7")
    await person.says("1")
    await person.says(texts.TRANSFER_SEND)


async def test_unpaid_dues_first_with_the_offer_to_pay(cast: Cast, world, db) -> None:
    an = cast["an"]
    await an.says("chuyen sinh hoat")
    assert texts.TRANSFER_DUES_FIRST.format(months="tháng 12/2026") == an.last.text
    assert an.options == [texts.TRANSFER_PAY_NOW, texts.TRANSFER_PAY_LATER]
    await an.says(texts.TRANSFER_PAY_NOW)
    # The dues dialog, with the month owed and its amount (0.5% of a 7,000,000 đ pension).
    assert "35.000 đ" in an.last.text and "12/2026" in an.last.text
    await pay(db, world, "an", date(2026, 12, 1), months=1)
    await an.says("menu")
    await an.says("chuyen sinh hoat")
    assert an.last.text == texts.TRANSFER_CASE


async def test_the_letter_waits_for_the_month_it_is_issued_in(cast: Cast, world, db, clock) -> None:
    await pay(db, world, "an", date(2026, 12, 1), months=1)
    await ask_to_move_inside_the_ward(cast["an"])
    await cast["binh"].presses(button(await cast.prompt(world, "binh"), texts.TRANSFER_APPROVE))
    prompt = await cast.prompt(world, "giang")
    clock.now = clock.now.replace(year=2027, month=1, day=5)  # January is now due
    giang = cast["giang"]
    await giang.presses(button(prompt, texts.TRANSFER_APPROVE))
    assert (
        texts.TRANSFER_BLOCKED_DUES.format(name="Nguyễn Văn An", months="tháng 01/2027")
        in giang.text
    )
    async with db.transaction() as session:
        office = await session.scalar(select(TransferStep).where(TransferStep.seq == 2))
        assert office is not None and office.status == StepStatus.PENDING
        assert await session.scalar(select(TransferLetter)) is None
    [told] = await cast.notices(world, "an", "transfer.dues_due")
    assert "tháng 01/2027" in told.text
    await pay(db, world, "an", date(2027, 1, 1), months=1)
    await giang.presses(button(prompt, texts.TRANSFER_APPROVE))
    assert "Đã cấp giấy giới thiệu số 001/2027/GTSHĐ" in giang.text
    async with db.transaction() as session:
        letter = await session.scalar(select(TransferLetter))
    assert letter is not None and letter.dues_paid_through == date(2027, 1, 1)


async def test_dues_the_ledger_cannot_compute_stop_only_the_letter(cast: Cast, world, db) -> None:
    await cast.login("em")  # the treasurer: no dues category on record
    em = cast["em"]
    await ask_to_move_inside_the_ward(em)
    assert texts.TRANSFER_SENT.format(org="Chi bộ Tổ dân phố số 5") in em.text
    await cast["binh"].presses(button(await cast.prompt(world, "binh"), texts.TRANSFER_APPROVE))
    giang = cast["giang"]
    await giang.presses(button(await cast.prompt(world, "giang"), texts.TRANSFER_APPROVE))
    assert texts.TRANSFER_BLOCKED_DUES_UNKNOWN.format(name="Hoàng Văn Em") in giang.text
    async with db.transaction() as session:
        transfer = await session.scalar(select(Transfer))
    assert transfer is not None and transfer.status == "pending"


async def test_dues_follow_the_new_chi_bo_from_the_next_month(cast: Cast, world, db, clock) -> None:
    await pay(db, world, "an", date(2026, 12, 1), months=1)
    async with db.transaction() as session:  # January already on the ledger, not yet paid
        member = await session.get(Member, world.people["an"].id)
        assert member is not None
        rules = await load_rules(session)
        await dues.ensure_obligations(session, member, date(2027, 1, 1), clock(), rules)
    await ask_to_move_inside_the_ward(cast["an"])
    await cast.login("khanh")
    for who in ("binh", "giang"):
        await cast[who].presses(button(await cast.prompt(world, who), texts.TRANSFER_APPROVE))
    an = cast["an"]
    await an.says("menu")
    await an.says("chuyen sinh hoat")
    await an.says(texts.TRANSFER_OPT_PRESENTED)
    await cast["khanh"].presses(button(await cast.prompt(world, "khanh"), texts.TRANSFER_RECEIVE))
    async with db.transaction() as session:
        rows = (await session.scalars(select(DuesObligation).order_by(DuesObligation.month))).all()
        by_month = {row.month: row for row in rows if row.member_id == world.people["an"].id}
        december = await transfer_views.official_cell_for_month(
            session, world.people["an"].id, date(2026, 12, 1)
        )
    assert by_month[date(2026, 12, 1)].org_id == world.orgs["home"].id  # paid at home
    assert by_month[date(2027, 1, 1)].org_id == world.orgs["tdp7"].id  # owed to the new cell
    assert december == world.orgs["home"].id
