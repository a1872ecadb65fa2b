"""Members and secretaries on Telegram: the real channel, the real engine, the Bot API emulator.

Each test is a transcript of what a person does on their phone (tap a button, share a contact,
press an inline button) and what they then see, plus what the database holds afterwards; the
main journeys run in long polling and in webhook mode.
"""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.dialogs.flow import Registry
from partybot.handlers.telegram import TelegramChannel
from partybot.services import approvals, identity
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import Approval, Conversation, OutboxMessage
from tests.emulators.telegram import TelegramEmulator
from tests.support.sample_dialog import registry_with_samples
from tests.support.telegram import MODES, Phone, account, channel_settings, running
from tests.support.world import World, build_world

NAV = [[texts.NAV_BACK, texts.NAV_CANCEL], [texts.NAV_HELP, texts.NAV_MENU]]


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(limits=False) as emulator:
        yield emulator


@pytest.fixture
def registry() -> Registry:
    return registry_with_samples()


@pytest.fixture
async def world(db: Database) -> World:
    return await build_world(db)


@pytest.fixture(params=MODES)
async def channel(
    request: pytest.FixtureRequest, emu: TelegramEmulator, settings: Settings, engine: Engine
) -> AsyncIterator[TelegramChannel]:
    async with running(request.param, channel_settings(settings, emu), engine) as started:
        yield started


@pytest.fixture
async def polling_channel(
    emu: TelegramEmulator, settings: Settings, engine: Engine
) -> AsyncIterator[TelegramChannel]:
    async with running("polling", channel_settings(settings, emu), engine) as started:
        yield started


async def linked(
    emu: TelegramEmulator, channel: TelegramChannel, user_id: int, phone: str
) -> Phone:
    """A member who already linked their account by sharing their contact."""
    person = Phone(emu, channel, emu.user(user_id, "Thành viên", phone_number=phone))
    await person.starts()
    await person.taps(texts.SHARE_CONTACT)
    assert texts.LINKED.split("!")[0] in person.text
    return person


async def test_onboarding_by_shared_contact(emu, channel, db, world) -> None:
    cuong = Phone(emu, channel, emu.user(5001, "Cường", phone_number="84912000003"))
    await cuong.starts()
    (question,) = cuong.messages  # the greeting and the question read as one message
    assert question.text == f"{texts.WELCOME}\n\n{texts.ASK_PHONE}\n{texts.TG_CONTACT_HINT}"
    markup = question.reply_markup or {}
    assert markup["keyboard"][0] == [{"text": texts.SHARE_CONTACT, "request_contact": True}]
    assert markup["resize_keyboard"] is True
    assert markup["input_field_placeholder"] == "0912 345 678"
    assert cuong.keyboard[1:] == [[texts.NAV_BACK, texts.NAV_HELP]]

    await cuong.taps(texts.SHARE_CONTACT)
    assert texts.LINKED.format(name="Lê Văn Cường", cell="Chi bộ Trường THCS Yên Hòa") in cuong.text
    assert cuong.question == texts.MENU_NEXT
    assert [texts.NAV_HELP] in cuong.keyboard
    linked_account = await account(db, 5001)
    assert linked_account.member_id == world.people["cuong"].id
    assert linked_account.verified_by == "contact"
    assert linked_account.display_name == "Cường"


async def test_someone_elses_contact_falls_back_to_the_code(
    emu, polling_channel, db, world, clock
) -> None:
    stranger = Phone(emu, polling_channel, emu.user(5002, "Khách"))
    await stranger.starts()
    await stranger.shares_contact("+84912000001", user_id=777)  # An's card, sent by someone else
    assert texts.CONTACT_NOT_OWN in stranger.text
    assert (await account(db, 5002)).member_id is None
    await stranger.shares_contact("84912000001", user_id=None)  # a contact typed in by hand
    assert texts.CONTACT_NOT_OWN in stranger.text

    async with db.transaction() as session:
        an = await session.get(type(world.people["an"]), world.people["an"].id)
        invite = await identity.issue_invite(session, an, None, clock(), 72)
    await stranger.says("0912 000 001")
    assert stranger.last.text == texts.ASK_CODE
    await stranger.says(invite.code)
    assert "Nguyễn Văn An" in stranger.text
    linked_account = await account(db, 5002)
    assert linked_account.member_id == world.people["an"].id
    assert linked_account.verified_by == "code"


async def test_deep_link_links_in_one_tap(emu, channel, db, world, clock) -> None:
    async with db.transaction() as session:
        binh = await session.get(type(world.people["binh"]), world.people["binh"].id)
        invite = await identity.issue_invite(session, binh, None, clock(), 72)
    person = Phone(emu, channel, emu.user(5003, "Bình"))
    await person.starts(invite.token)
    assert texts.LINKED.format(name="Trần Thị Bình", cell="Chi bộ Tổ dân phố số 5") in person.text
    assert person.question == texts.MENU_NEXT
    assert (await account(db, 5003)).member_id == world.people["binh"].id


async def test_a_whole_procedure_with_the_reply_keyboard(emu, channel, db, world) -> None:
    an = await linked(emu, channel, 5004, "+84912000001")
    await an.taps("Thủ tục mẫu")
    assert an.last.text == "Bác muốn làm gì?"
    assert an.keyboard == [
        ["Nộp đảng phí"],
        ["Chuyển sinh hoạt"],
        ["Xin nhận xét nơi cư trú"],
        *NAV,
    ]

    await an.taps("Nộp đảng phí")
    assert an.last.text == "Ngày nào ạ?"
    assert an.keyboard == NAV  # a free-text question still has its way out
    await an.says("15/3/2026")
    assert an.last.text == "Bao nhiêu tiền?"
    await an.taps(texts.NAV_BACK)
    assert an.last.text == "Ngày nào ạ?"
    await an.says("16/03/2026")
    await an.says("7 triệu")
    assert an.last.text == "Ghi chú?"
    await an.says("Đóng cho <b>tháng 3</b> & 4")
    (done,) = an.messages
    # Typed angle brackets reach the member as typed: escaped, never taken as formatting.
    receipt = "Xong: dues 2026-03-16 7000000 «Đóng cho <b>tháng 3</b> & 4»"
    assert done.text == f"{receipt}\n\n{texts.MENU_NEXT}"
    assert done.entities == []
    async with db.transaction() as session:
        conversation = await session.scalar(
            select(Conversation).where(Conversation.account_id == (await account(db, 5004)).id)
        )
    assert conversation is not None and conversation.dialog == "menu"


async def test_approval_buttons_act_once(emu, channel, db, world, clock, engine) -> None:
    binh = await linked(emu, channel, 5005, "+84912000002")
    async with db.transaction() as session:
        await approvals.request(
            session,
            kind="sample",
            subject_id=41,
            org_id=world.orgs["home"].id,
            params={"name": "Nguyễn Văn An"},
            now=clock(),
            actions=["approve"],
        )
        row = await session.scalar(select(OutboxMessage))
    assert row is not None
    # What the outbox worker does with the notice: render it, hand it to the same sender.
    await channel.sender.send("5005", [engine.render_notice(row.event, row.params)])
    [prompt] = binh.read()
    assert "Đồng chí Nguyễn Văn An xin duyệt việc mẫu." in (prompt.text or "")
    assert prompt.buttons == [["Đồng ý"]]
    data = prompt.callback_data("Đồng ý")
    assert data == row.params["tokens"][0][1] and len(data.encode()) <= 64

    await binh.presses(data)
    assert "Đã duyệt." in binh.text
    await binh.presses(data)  # the same old button, pressed again
    assert texts.ALREADY_HANDLED in binh.text
    assert [answer.data for answer in emu.callback_answers] == [data, data]
    async with db.transaction() as session:
        approval = await session.scalar(select(Approval))
    assert approval is not None and approval.status == "done"
    assert approval.decided_by_id == world.people["binh"].id


async def test_tampered_or_foreign_buttons_do_nothing(
    emu, polling_channel, db, world, clock, engine
) -> None:
    binh = await linked(emu, polling_channel, 5006, "+84912000002")
    dung = await linked(emu, polling_channel, 5007, "+84912000004")
    async with db.transaction() as session:
        await approvals.request(
            session,
            kind="sample",
            subject_id=41,
            org_id=world.orgs["home"].id,
            params={"name": "Nguyễn Văn An"},
            now=clock(),
            actions=["approve"],
        )
        row = await session.scalar(select(OutboxMessage))
    assert row is not None
    token = row.params["tokens"][0][1]
    await polling_channel.sender.send("5006", [engine.render_notice(row.event, row.params)])
    binh.read()

    prompt_id = emu.messages_to(5006)[-1].message_id
    tampered = token[:-1] + ("y" if token.endswith("x") else "x")  # random tokens end in x too
    await binh.presses(tampered, strict=False, message_id=prompt_id)
    assert texts.BUTTON_GONE in binh.text
    await binh.presses("sample.approve:41", strict=False, message_id=prompt_id)
    assert texts.BUTTON_GONE in binh.text
    # Dung forges Bình's token from her own chat: it is bound to Bình, so it does nothing.
    await dung.presses(token, strict=False, message_id=emu.messages_to(5007)[-1].message_id)
    assert texts.BUTTON_NOT_YOURS in dung.text
    assert len(emu.callback_answers) == 3
    async with db.transaction() as session:
        approval = await session.scalar(select(Approval))
    assert approval is not None and approval.status == "pending"
