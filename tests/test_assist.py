"""Helper mode: a community helper acts for a member who consented, recorded with both names."""

import pytest
from sqlalchemy import select

from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.dialogs.flow import Registry
from partybot.handlers.console import ConsoleChannel
from partybot.storage.db import Database
from partybot.storage.models import AuditEntry, OutboxMessage
from tests.support.sample_dialog import registry_with_samples
from tests.support.transcript import Person
from tests.support.world import World, add_helper, build_world


@pytest.fixture
def registry() -> Registry:
    return registry_with_samples()


@pytest.fixture
async def world(db: Database) -> World:
    world = await build_world(db)
    await add_helper(db, world)
    return world


async def login(engine: Engine, phone: str) -> Person:
    await ConsoleChannel(engine, None, print).login(phone)  # type: ignore[arg-type]
    person = Person(engine, phone)
    await person.says("menu")
    return person


async def consent_code(db: Database, member_id: int) -> tuple[str, str]:
    async with db.transaction() as session:
        notice = await session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.member_id == member_id, OutboxMessage.event == "assist.consent")
            .order_by(OutboxMessage.id.desc())
        )
    assert notice is not None
    return notice.params["code"], notice.params["tokens"][0][1]


async def test_helper_completes_a_procedure_with_the_members_code(engine, db, world) -> None:
    khoa = await login(engine, "+84912000008")
    assert texts.ASSIST_TITLE in await khoa.menu()
    await khoa.says("hỗ trợ đảng viên")
    await khoa.says("nguyen van an")
    assert khoa.last.text == texts.ASSIST_WAIT.format(name="Nguyễn Văn An")
    code, _token = await consent_code(db, world.people["an"].id)
    wrong = "0000" if code != "0000" else "1111"
    await khoa.says(wrong)
    assert texts.ASSIST_WRONG_CODE in khoa.text
    await khoa.says(code)
    assert texts.ASSIST_STARTED.format(name="Nguyễn Văn An") in khoa.text
    assert texts.ASSIST_NOW.format(name="Nguyễn Văn An") in khoa.last.text
    assert khoa.options[0] == texts.ASSIST_END and texts.ASSIST_TITLE not in khoa.options
    await khoa.says("thủ tục mẫu")
    for answer in ("nộp đảng phí", "20/11/2026", "35.000", "Nhờ tổ công nghệ làm giúp"):
        await khoa.says(answer)
    assert "Xong: dues 2026-11-20 35000" in khoa.text
    async with db.transaction() as session:
        done = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.event == "assist.done")
        )
        entries = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert done is not None and done.member_id == world.people["an"].id
    assert "Tạ Văn Khoa" in engine.render_notice(done.event, done.params).text
    consent = next(e for e in entries if e.action == "assist.consented")
    assert consent.actor_id == world.people["an"].id and consent.details == {"how": "code"}
    await khoa.says("kết thúc hỗ trợ")
    assert texts.ASSIST_ENDED.format(name="Nguyễn Văn An") in khoa.text
    assert texts.ASSIST_TITLE in await khoa.menu()


async def test_the_member_can_agree_by_pressing_a_button(engine, db, world) -> None:
    khoa = await login(engine, "+84912000008")
    await khoa.says("hỗ trợ đảng viên")
    await khoa.says("0912 000 003")  # Lê Văn Cường, of the school cell, lives in the ward
    _code, token = await consent_code(db, world.people["cuong"].id)
    await khoa.says(texts.ASSIST_CHECK)
    assert texts.ASSIST_NOT_YET in khoa.text
    cuong = await login(engine, "+84912000003")
    await cuong.presses(token)
    assert texts.ASSIST_THANKS.format(helper="Tạ Văn Khoa") in cuong.text
    await cuong.presses(token)
    assert texts.ALREADY_HANDLED in cuong.text
    await khoa.says("1")
    assert texts.ASSIST_STARTED.format(name="Lê Văn Cường") in khoa.text


async def test_help_is_recorded_with_both_names(engine, db, world) -> None:
    khoa = await login(engine, "+84912000008")
    await khoa.says("hỗ trợ đảng viên")
    await khoa.says("Nguyễn Văn An")
    code, _ = await consent_code(db, world.people["an"].id)
    await khoa.says(code)
    await khoa.says("gặp bí thư")  # a help request, made by the helper for the member
    async with db.transaction() as session:
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "help.requested")
        )
    assert entry is not None
    assert entry.actor_id == world.people["khoa"].id
    assert entry.on_behalf_of_id == world.people["an"].id


async def test_only_members_of_the_helpers_organisation(engine, db, world) -> None:
    khoa = await login(engine, "+84912000008")
    await khoa.says("hỗ trợ đảng viên")
    await khoa.says("0912000007")  # Vũ Văn Hải, of another ward
    assert texts.ASSIST_NOT_FOUND in khoa.text
    an = await login(engine, "+84912000001")
    assert texts.ASSIST_TITLE not in await an.menu()


async def test_a_session_expires_after_an_hour(engine, db, world, clock) -> None:
    khoa = await login(engine, "+84912000008")
    await khoa.says("hỗ trợ đảng viên")
    await khoa.says("Nguyễn Văn An")
    code, _ = await consent_code(db, world.people["an"].id)
    await khoa.says(code)
    clock.advance(minutes=61)
    await khoa.says("menu")
    assert texts.ASSIST_NOW.format(name="Nguyễn Văn An") not in khoa.last.text
    assert texts.ASSIST_TITLE in await khoa.menu()
