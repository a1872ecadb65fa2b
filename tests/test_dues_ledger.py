"""The dues ledger on SQLite and PostgreSQL: monthly obligations, payments oldest month first,
months ahead and credit, re-pricing, the public API other procedures use, and the reminders."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from partybot.dialogs.engine import Engine
from partybot.services import dues
from partybot.services.dues_rules import AmountUnknown, load_rules
from partybot.services.sweeps import SWEEPS
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import (
    DuesObligation,
    Member,
    ObligationStatus,
    OutboxMessage,
    PaymentMethod,
    Urgency,
)
from tests.support.dues_world import build_dues_world, outbox
from tests.support.world import World

OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)
JAN, FEB, MAR = date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)


@pytest.fixture
async def world(db: Database) -> World:
    return await build_dues_world(db)


@pytest.fixture
def from_october(settings: Settings) -> Settings:
    return settings.model_copy(update={"dues_start_month": OCT})


async def sweep(db: Database, settings: Settings, now: datetime) -> int:
    return await SWEEPS["dues.obligations"].run(db, now, settings)


async def member(db: Database, world: World, who: str) -> Member:
    async with db.transaction() as session:
        found = await session.get(Member, world.people[who].id)
        assert found is not None
        return found


async def pay(db, settings, world, who, amount, clock, method=PaymentMethod.CASH):
    async with db.transaction() as session:
        payer = await session.get(Member, world.people[who].id)
        treasurer = await session.get(Member, world.people["em"].id)
        return await dues.record_payment(
            session, settings, payer, amount, method, clock(), confirmed_by=treasurer
        )


async def statuses(db: Database, world: World, who: str) -> list[tuple[date, int, int, str]]:
    async with db.transaction() as session:
        rows = await dues.obligations_of(session, world.people[who].id)
        return [(r.month, r.amount, r.paid_amount, r.status) for r in rows]


async def test_the_monthly_sweep_is_idempotent(db, world, from_october, clock) -> None:
    first = await sweep(db, from_october, clock())
    assert await sweep(db, from_october, clock()) == 0
    async with db.transaction() as session:
        count = await session.scalar(select(func.count()).select_from(DuesObligation))
    assert count == first
    assert await statuses(db, world, "an") == [
        (OCT, 35_000, 0, "open"),
        (NOV, 35_000, 0, "open"),
        (DEC, 35_000, 0, "open"),
    ]
    assert [s for *_, s in await statuses(db, world, "old")] == ["exempt"] * 3
    assert [s for *_, s in await statuses(db, world, "hang")] == ["exempt"] * 3
    assert await statuses(db, world, "khanh") == []  # no base on record: not priced
    clock.advance(days=30)  # into January: one more month each
    assert await sweep(db, from_october, clock()) == first // 3


async def test_without_a_start_month_only_the_current_month_is_owed(db, world, settings, clock):
    await sweep(db, settings, clock())
    assert await statuses(db, world, "an") == [(DEC, 35_000, 0, "open")]


async def test_public_api_for_other_procedures(db, world, from_october, clock) -> None:
    an = world.people["an"].id
    async with db.transaction() as session:
        assert await dues.paid_through(session, an) is None
        assert await dues.unpaid_months(session, an, DEC) == [DEC]  # not on the ledger yet
        assert await dues.monthly_amount(session, an, DEC) == 35_000
        assert await dues.monthly_amount(session, world.people["old"].id, DEC) == 0
        with pytest.raises(AmountUnknown):
            await dues.monthly_amount(session, world.people["khanh"].id, DEC)
    await sweep(db, from_october, clock())
    async with db.transaction() as session:
        assert await dues.unpaid_months(session, an, DEC) == [OCT, NOV, DEC]
        assert await dues.unpaid_months(session, an, NOV) == [OCT, NOV]
        assert await dues.unpaid_months(session, an, FEB) == [OCT, NOV, DEC, JAN, FEB]
        assert await dues.paid_through(session, world.people["old"].id) == DEC  # all exempt
    await pay(db, from_october, world, "an", 70_000, clock)
    async with db.transaction() as session:
        assert await dues.paid_through(session, an) == NOV
        assert await dues.unpaid_months(session, an, DEC) == [DEC]


async def test_payments_settle_the_oldest_months_first(db, world, from_october, clock) -> None:
    await sweep(db, from_october, clock())
    await pay(db, from_october, world, "an", 50_000, clock)
    assert await statuses(db, world, "an") == [
        (OCT, 35_000, 35_000, "paid"),
        (NOV, 35_000, 15_000, "open"),
        (DEC, 35_000, 0, "open"),
    ]
    async with db.transaction() as session:
        owed = await dues.due_now(
            session, from_october, await session.get(Member, world.people["an"].id), clock()
        )
        assert [(o.month, o.amount) for o in owed] == [(NOV, 20_000), (DEC, 35_000)]
    payment = await pay(db, from_october, world, "an", 90_000, clock)
    assert await statuses(db, world, "an") == [
        (OCT, 35_000, 35_000, "paid"),
        (NOV, 35_000, 35_000, "paid"),
        (DEC, 35_000, 35_000, "paid"),
        (JAN, 35_000, 35_000, "paid"),  # paid ahead
    ]
    assert payment.unallocated == 0
    async with db.transaction() as session:
        lines = await dues.receipt_lines(session, payment.id)
        assert [(x.month, x.amount) for x in lines] == [(NOV, 20_000), (DEC, 35_000), (JAN, 35_000)]
        assert await dues.paid_through(session, world.people["an"].id) == JAN


async def test_paying_ahead_stops_at_the_limit_and_the_rest_is_credit(db, world, settings, clock):
    limited = settings.model_copy(update={"dues_max_months_ahead": 2})
    payment = await pay(db, limited, world, "an", 35_000 * 5, clock)
    assert [m for m, *_ in await statuses(db, world, "an")] == [DEC, JAN, FEB]
    assert payment.unallocated == 35_000 * 2
    clock.now = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
    await sweep(db, limited, clock())  # March arrives: the credit pays it
    assert (await statuses(db, world, "an"))[-1] == (MAR, 35_000, 35_000, "paid")
    async with db.transaction() as session:
        refreshed = await dues.payments_of(session, world.people["an"].id)
    assert refreshed[0].unallocated == 35_000


async def test_a_confirmed_base_reprices_open_months_only(db, world, from_october, clock) -> None:
    await sweep(db, from_october, clock())
    await pay(db, from_october, world, "an", 35_000, clock)  # October paid at the old base
    async with db.transaction() as session:
        an = await session.get(Member, world.people["an"].id)
        em = await session.get(Member, world.people["em"].id)
        request = await dues.request_base_change(session, from_october, an, 7_500_000, clock())
        await dues.decide(session, from_october, request.id, em, True, clock())
    assert await statuses(db, world, "an") == [
        (OCT, 35_000, 35_000, "paid"),
        (NOV, 35_000, 0, "open"),  # before the month the change was reported
        (DEC, 37_500, 0, "open"),
    ]
    [notice] = await outbox(db, "dues.base_decided")
    assert notice.member_id == world.people["an"].id and notice.params["approved"]


async def test_an_exemption_decision_needs_the_secretary(db, world, from_october, clock) -> None:
    await sweep(db, from_october, clock())
    async with db.transaction() as session:
        an = await session.get(Member, world.people["an"].id)
        request = await dues.request_exemption(
            session, from_october, an, 50, "hardship", 3, "", clock()
        )
        treasurer = await session.get(Member, world.people["em"].id)
        with pytest.raises(PermissionError):
            await dues.decide(session, from_october, request.id, treasurer, True, clock())
    async with db.transaction() as session:
        secretary = await session.get(Member, world.people["binh"].id)
        await dues.decide(session, from_october, request.id, secretary, True, clock())
    assert [(m, a) for m, a, *_ in await statuses(db, world, "an")] == [
        (OCT, 35_000),
        (NOV, 35_000),
        (DEC, 17_500),
    ]
    async with db.transaction() as session:
        assert await dues.monthly_amount(session, world.people["an"].id, FEB) == 17_500
        assert await dues.monthly_amount(session, world.people["an"].id, MAR) == 35_000


async def test_rule_change_history(db, world, from_october, clock) -> None:
    """A month from before 02/2026 still computes with Quyết định 342."""
    async with db.transaction() as session:
        assert (
            await dues.monthly_amount(session, world.people["nga"].id, date(2026, 1, 1)) == 10_000
        )
        assert await dues.monthly_amount(session, world.people["nga"].id, DEC) == 5_000
        assert (
            await dues.monthly_amount(session, world.people["old"].id, date(2026, 1, 1)) == 45_000
        )
        rules = await load_rules(session)
    assert rules.rule_set_for(DEC).code == "QD01"


async def reminders(db: Database, settings: Settings, now: datetime) -> int:
    return await SWEEPS["dues.reminders"].run(db, now, settings)


async def test_reminders_once_a_month_kind_warning_at_two(
    db, world, from_october, clock, engine: Engine
) -> None:
    await sweep(db, from_october, clock())
    await pay(db, from_october, world, "binh", 34_250 * 3, clock)  # all paid
    await pay(db, from_october, world, "em", 93_600 * 2, clock)  # owes December only
    clock.now = datetime(2026, 12, 5, 1, 30, tzinfo=UTC)  # 08:30 on the 5th
    sent = await reminders(db, from_october, clock())
    assert sent > 0
    assert await reminders(db, from_october, clock()) == 0  # the same day again: nothing new
    clock.now = datetime(2026, 12, 20, 1, 30, tzinfo=UTC)
    assert await reminders(db, from_october, clock()) == 0  # once a month per member
    rows = [r for r in await outbox(db) if r.event != "dues.receipt"]
    by_member: dict[int, list[OutboxMessage]] = {}
    for row in rows:
        by_member.setdefault(row.member_id, []).append(row)
    people = world.people
    reminded = {r.member_id for r in rows if r.event in ("dues.reminder", "dues.warning")}
    assert people["binh"].id not in reminded  # paid up
    for exempt in ("old", "hang"):
        assert people[exempt].id not in by_member
    [em_row] = by_member[people["em"].id]
    assert em_row.event == "dues.reminder" and em_row.urgency == Urgency.REMINDER
    assert em_row.dedup_key == f"dues-reminder:2026-12:{people['em'].id}"
    text = engine.render_notice(em_row.event, em_row.params).text
    assert "12/2026" in text and "93.600 đ" in text and "tiền mặt" in text
    [an_row] = by_member[people["an"].id]
    assert an_row.event == "dues.warning"
    warning = engine.render_notice(an_row.event, an_row.params).text
    assert "2 tháng" in warning and "10/2026, 11/2026" in warning
    assert "xóa tên" not in warning.lower() and "xoa ten" not in warning.lower()
    lists = {r.member_id: r for r in rows if r.event == "dues.warning_list"}
    assert set(lists) == {people[w].id for w in ("binh", "dung", "hai")}  # each cell's secretary
    home_list = lists[people["binh"].id]
    secretary_text = engine.render_notice(home_list.event, home_list.params).text
    assert "Nguyễn Văn An" in secretary_text and "0912 000 001" in secretary_text
    assert "Trần Thị Bình" not in secretary_text


async def test_the_treasurers_one_tap_reminder_once_a_day(db, world, settings, clock) -> None:
    async with db.transaction() as session:
        people = [await session.get(Member, world.people[w].id) for w in ("an", "old", "nam")]
        treasurer = await session.get(Member, world.people["em"].id)
        assert await dues.remind(session, people, treasurer, clock(), settings) == 2
        assert await dues.remind(session, people, treasurer, clock(), settings) == 0
    async with db.transaction() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert {r.member_id for r in rows} == {world.people["an"].id, world.people["nam"].id}
    assert all(r.params["by"] == "Hoàng Văn Em" for r in rows)


async def test_cell_summary(db, world, from_october, clock) -> None:
    await sweep(db, from_october, clock())
    await pay(db, from_october, world, "binh", 34_250 * 3, clock)
    async with db.transaction() as session:
        summary = await dues.cell_summary(session, from_october, world.orgs["home"].id, clock())
    assert summary.paid == 1 and summary.paid_amount == 34_250
    assert summary.exempt == 2  # the 50-year member and the social pension
    assert [m.full_name for m in summary.unpriced] == ["Đỗ Văn Khánh"]
    assert summary.unpaid == 4  # An, Em, Nga, Nam
    assert summary.unpaid_amount == 35_000 + 93_600 + 5_000 + 15_930
    debtors = {d.member.full_name: d.total for d in summary.debtors}
    assert debtors["Nguyễn Văn An"] == 105_000


async def test_obligation_rows_are_unique_per_member_and_month(db, world, from_october, clock):
    await sweep(db, from_october, clock())
    async with db.transaction() as session:
        rows = (
            await session.execute(
                select(DuesObligation.member_id, DuesObligation.month, func.count())
                .group_by(DuesObligation.member_id, DuesObligation.month)
                .having(func.count() > 1)
            )
        ).all()
        assert rows == []
        statuses_seen = set((await session.scalars(select(DuesObligation.status))).all())
    assert statuses_seen == {ObligationStatus.OPEN, ObligationStatus.EXEMPT}
