"""Members in their own words: other procedures, common questions, a person, wandering off-topic."""

import pytest
from sqlalchemy import select

from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.dialogs.flow import Registry
from partybot.dialogs.understanding import Matcher
from partybot.handlers.console import ConsoleChannel
from partybot.storage.db import Database
from partybot.storage.models import Approval, HelpRequest, OutboxMessage
from tests.support.sample_dialog import registry_with_samples
from tests.support.transcript import Person
from tests.support.world import World, build_world


@pytest.fixture
def registry() -> Registry:
    return registry_with_samples()


@pytest.fixture
async def world(db: Database) -> World:
    return await build_world(db)


async def login(engine: Engine, phone: str) -> Person:
    await ConsoleChannel(engine, None, print).login(phone)  # type: ignore[arg-type]
    person = Person(engine, phone)
    await person.says("menu")
    return person


async def test_at_the_menu_a_clear_request_goes_straight_there(engine, world) -> None:
    an = await login(engine, "+84912000001")
    await an.says("cho toi dong tien dang phi thang nay")
    assert an.last.text == "Bác muốn làm gì?"  # the procedure registered for "dues"


async def test_wandering_off_mid_procedure_and_coming_back(engine, world, db) -> None:
    an = await login(engine, "+84912000001")
    await an.says("1")
    await an.says("dong dang phi")
    assert an.last.text == "Ngày nào ạ?"
    await an.says("cho bac hoi phai dong dang phi bao nhieu tien")
    entry = Matcher.default().faq("dues_amount")
    assert entry.answer in an.text
    assert an.last.text == "Ngày nào ạ?"  # no follow-up: its procedure is the one in progress
    await an.says("tôi muốn chuyển sinh hoạt đảng về quê")
    assert an.last.text == Matcher.default().offer("transfer_official") or an.last.text.endswith(
        "phải không?"
    )
    await an.says("đúng rồi")
    assert texts.SUSPENDED.format(title="Thủ tục mẫu") in an.text
    assert an.last.text.startswith("Đã đếm")
    await an.says("menu chính")
    await an.says("thu tuc mau")
    assert an.last.text == texts.RESUME_QUESTION.format(title="Thủ tục mẫu")
    await an.says("lam tiep")
    assert an.last.text == "Ngày nào ạ?"


async def test_a_person_on_request_and_the_answer_coming_back(engine, world, db) -> None:
    an = await login(engine, "+84912000001")
    await an.says("1")
    await an.says("cháu ơi cho bác gặp bí thư")
    assert texts.HUMAN_SENT.format(name="Trần Thị Bình") in an.text
    assert an.last.text == "Bác muốn làm gì?"
    binh = await login(engine, "+84912000002")
    await binh.says("việc cần duyệt")
    assert binh.options == ["Nguyễn Văn An cần giúp"]
    await binh.says("1")
    assert "cần giúp ở bước «Bác muốn làm gì?» của «Thủ tục mẫu»" in binh.last.text
    await binh.says("trả lời")
    await binh.says("Bác chọn số 1 rồi gõ ngày nhé, chiều cháu qua nhà.")
    assert texts.HELP_ANSWER_SENT.format(name="Nguyễn Văn An") in binh.text
    await binh.says("đã xong")
    assert texts.HELP_CLOSED.format(name="Nguyễn Văn An") in binh.text
    async with db.transaction() as session:
        answered = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.event == "help.answered")
        )
        request = await session.scalar(select(HelpRequest))
        approval = await session.scalar(select(Approval).where(Approval.kind == "help"))
    assert answered is not None and answered.member_id == world.people["an"].id
    reply = engine.render_notice(answered.event, answered.params)
    assert (
        "Đồng chí Trần Thị Bình trả lời Bác:" in reply.text and "chiều cháu qua nhà" in reply.text
    )
    assert request is not None and request.status == "closed"
    assert approval is not None and approval.status == "done"


async def test_asking_twice_adds_to_one_request(engine, world, db) -> None:
    an = await login(engine, "+84912000001")
    await an.says("gặp người")
    await an.says("nhờ người giúp tôi với")
    async with db.transaction() as session:
        requests = (await session.scalars(select(HelpRequest))).all()
    assert len(requests) == 1


async def test_the_same_unknown_words_twice_offer_a_person(engine, world) -> None:
    an = await login(engine, "+84912000001")
    await an.says("1")
    await an.says("con mèo nhà bác ốm rồi")
    assert an.last.text == "Bác muốn làm gì?"
    await an.says("con meo nha bac om roi")
    assert an.last.text == texts.HUMAN_OFFER


async def test_greetings_english_and_emoji_keep_the_step(engine, world) -> None:
    an = await login(engine, "+84912000001")
    await an.says("1")
    await an.says("chào cháu")
    assert texts.GREETING in an.text and an.last.text == "Bác muốn làm gì?"
    await an.says("Hello, can you help me pay my party fees?")
    assert texts.ENGLISH_ONLY in an.text and an.last.text == "Bác muốn làm gì?"
    await an.says("🙏🙏🙏")
    assert an.last.text == "Bác muốn làm gì?"
    await an.says("cảm ơn cháu nhiều")
    assert texts.THANKS in an.text


async def test_personal_answer_uses_the_members_data(engine, world) -> None:
    an = await login(engine, "+84912000001")
    await an.says("bí thư chi bộ của tôi là ai")
    assert "Trần Thị Bình" in an.text


async def test_an_answer_offers_its_procedure(engine, world) -> None:
    an = await login(engine, "+84912000001")
    await an.says("mỗi tháng đóng bao nhiêu tiền đảng phí")
    assert Matcher.default().faq("dues_amount").answer in an.text
    assert an.last.text == texts.FAQ_FOLLOW_UP
    await an.says("có")
    assert an.last.text == "Bác muốn làm gì?"
