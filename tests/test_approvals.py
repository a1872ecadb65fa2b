"""One inbox and one reminder rule for every procedure's approvals."""

import pytest
from sqlalchemy import select

from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.dialogs.flow import Registry
from partybot.handlers.console import ConsoleChannel
from partybot.services import approvals
from partybot.services.sweeps import SWEEPS
from partybot.storage.db import Database
from partybot.storage.models import Approval, OutboxMessage
from tests.support.clock import FakeClock
from tests.support.sample_dialog import registry_with_samples
from tests.support.transcript import Person
from tests.support.world import World, build_world


@pytest.fixture
def registry() -> Registry:
    return registry_with_samples()


@pytest.fixture
async def world(db: Database) -> World:
    return await build_world(db)


async def open_sample(db: Database, world: World, clock: FakeClock, org: str = "home") -> int:
    async with db.transaction() as session:
        approval = await approvals.request(
            session,
            kind="sample",
            subject_id=41,
            org_id=world.orgs[org].id,
            params={"name": "Nguyễn Văn An"},
            now=clock(),
            actions=["approve"],
        )
        return approval.id


async def outbox(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def login(engine: Engine, phone: str) -> Person:
    await ConsoleChannel(engine, None, print).login(phone)  # type: ignore[arg-type]
    person = Person(engine, phone)
    await person.says("menu")
    return person


async def test_the_approver_gets_a_prompt_with_own_buttons(engine, db, world, clock) -> None:
    await open_sample(db, world, clock)
    [row] = await outbox(db)
    assert row.member_id == world.people["binh"].id and row.event == "approval.prompt"
    reply = engine.render_notice(row.event, row.params)
    assert "Đồng chí Nguyễn Văn An xin duyệt việc mẫu." in reply.text
    assert [c.label for c in reply.actions] == ["Đồng ý"]
    binh = await login(engine, "+84912000002")
    await binh.presses(reply.actions[0].payload)
    assert "Đã duyệt." in binh.text
    await binh.presses(reply.actions[0].payload)  # pressed again from the old message
    assert texts.ALREADY_HANDLED in binh.text
    async with db.transaction() as session:
        approval = await session.scalar(select(Approval))
    assert approval is not None and approval.status == "done"
    assert approval.decided_by_id == world.people["binh"].id


async def test_another_cells_secretary_cannot_act(engine, db, world, clock) -> None:
    await open_sample(db, world, clock)
    [row] = await outbox(db)
    token = row.params["tokens"][0][1]
    dung = await login(engine, "+84912000004")
    await dung.presses(token)
    assert texts.BUTTON_NOT_YOURS in dung.text
    async with db.transaction() as session:
        assert await approvals.inbox(session, world.people["dung"].id) == []
        approval = await session.scalar(select(Approval))
        assert approval is not None
        assert not await approvals.can_act(session, world.people["dung"].id, approval)
        assert await approvals.can_act(session, world.people["binh"].id, approval)


async def test_inbox_dialog_lists_and_acts(engine, db, world, clock) -> None:
    await open_sample(db, world, clock)
    binh = await login(engine, "+84912000002")
    assert texts.APPROVALS_TITLE in binh.options
    await binh.says("viec can duyet")
    assert binh.last.text == texts.APPROVALS_PICK.format(count=1)
    assert binh.options == ["Yêu cầu mẫu của Nguyễn Văn An"]
    await binh.says("1")
    assert binh.options == ["Đồng ý"]
    await binh.says("đồng ý")
    assert "Đã duyệt." in binh.text
    await binh.says("duyet")
    assert texts.APPROVALS_NONE in binh.text


async def test_reminder_then_escalation_once_each(engine, db, world, clock, settings) -> None:
    await open_sample(db, world, clock)
    sla = SWEEPS["approvals.sla"].run
    clock.advance(hours=23)
    assert await sla(db, clock(), settings) == 0
    clock.advance(hours=2)
    assert await sla(db, clock(), settings) == 1
    assert await sla(db, clock(), settings) == 0
    rows = await outbox(db)
    assert [r.event for r in rows] == ["approval.prompt", "approval.reminder"]
    reminder = engine.render_notice(rows[1].event, rows[1].params)
    assert reminder.text.startswith(texts.APPROVAL_REMINDER)
    clock.advance(hours=48)
    assert await sla(db, clock(), settings) == 1
    assert await sla(db, clock(), settings) == 0
    escalated = (await outbox(db))[-1]
    assert escalated.event == "approval.escalated"
    assert escalated.member_id == world.people["giang"].id
    text = engine.render_notice(escalated.event, escalated.params).text
    assert "Trần Thị Bình" in text and "Chi bộ Tổ dân phố số 5" in text and "03/12/2026" in text


async def test_nobody_to_approve_goes_to_the_office_at_once(engine, db, world, clock) -> None:
    async with db.transaction() as session:
        from partybot.storage.models import Role

        role = await session.scalar(select(Role).where(Role.member_id == world.people["binh"].id))
        await session.delete(role)
    await open_sample(db, world, clock)
    [row] = await outbox(db)
    assert row.event == "approval.escalated" and row.member_id == world.people["giang"].id
