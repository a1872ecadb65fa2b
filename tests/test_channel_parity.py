"""The same request typed on Telegram and on Zalo leaves the same trace in the database.

Two members alike in every way that matters (same cells, same age) ask for the residence
review through the real channels and the emulators, in the same words; what the database then
holds about each request, its approval, its notices, its audit trail and the conversation must
be the same, member ids aside.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import (
    Approval,
    AuditEntry,
    ChannelAccount,
    Conversation,
    OutboxMessage,
    ReviewRequest,
)
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.support.clock import FakeClock
from tests.support.delivery import link
from tests.support.reviews import review_world
from tests.support.telegram import Phone, channel_settings, running
from tests.support.world import add_member
from tests.support.zalo import zalo_channel

TELEGRAM_ID = 7001
ZALO_ID = "4f1e0c9a7b2d"
# What each member types, and a piece of what the bot must answer before the next message.
SCRIPT = [
    ("Xin nhận xét nơi cư trú", "• Ở: Chi bộ Tổ dân phố số 5"),
    ("đúng", texts.REVIEW_ASK_YEAR),
    ("nam 2026", texts.REVIEW_ASK_NOTE.splitlines()[0]),
    ("Tôi hay đi công tác xa, nhờ chi bộ thông cảm", "• Năm nhận xét: 2026"),
    ("gui yeu cau", texts.MENU_NEXT),
]

Says = Callable[[str], Awaitable[list[str]]]


async def follow_script(says: Says) -> None:
    for text, answer in SCRIPT:
        replies = await says(text)
        assert any(answer in reply for reply in replies), (text, replies)


async def trace(db: Database, member_id: int, channel: str) -> dict[str, Any]:
    """What the database holds about one member's request, with their own id left out."""

    def who(person: int | None) -> int | str | None:
        return "self" if person == member_id else person

    async with db.transaction() as session:
        [request] = await session.scalars(
            select(ReviewRequest).where(ReviewRequest.member_id == member_id)
        )
        approvals = list(
            await session.scalars(
                select(Approval).where(Approval.subject_id == request.id).order_by(Approval.id)
            )
        )
        keys = tuple(f"approval.prompt:{a.id}:" for a in approvals)
        notices = [
            n
            for n in await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            if (n.dedup_key or "").startswith(keys)
        ]
        audit = await session.scalars(
            select(AuditEntry).where(AuditEntry.actor_id == member_id).order_by(AuditEntry.id)
        )
        conversation = await session.scalar(
            select(Conversation)
            .join(ChannelAccount, ChannelAccount.id == Conversation.account_id)
            .where(ChannelAccount.member_id == member_id, ChannelAccount.channel == channel)
        )
    assert conversation is not None
    return {
        "request": (
            request.workplace_org_id,
            request.residence_org_id,
            request.year,
            request.status,
            request.note,
            who(request.requested_by_id),
        ),
        "approvals": [(a.kind, a.org_id, a.roles, a.status) for a in approvals],
        "notices": [(who(n.member_id), n.event, n.urgency, n.status) for n in notices],
        "audit": [(entry.action, entry.subject.replace(str(request.id), "#")) for entry in audit],
        "conversation": (conversation.dialog, conversation.step, conversation.state),
    }


@pytest.fixture
async def emulators() -> AsyncIterator[tuple[TelegramEmulator, ZaloEmulator]]:
    async with TelegramEmulator(limits=False) as telegram, ZaloEmulator() as zalo:
        yield telegram, zalo


async def test_the_same_request_on_telegram_and_zalo_leaves_the_same_trace(
    db: Database, engine: Engine, settings: Settings, clock: FakeClock, emulators
) -> None:
    telegram, zalo = emulators
    world = await review_world(db)
    home, school = world.orgs["home"], world.orgs["school"]
    async with db.transaction() as session:
        twin = await add_member(session, "Lê Văn Hùng", "+84912000020", school, residence=home)
    cuong = world.people["cuong"]
    seen = datetime(2026, 11, 1, tzinfo=UTC)
    await link(db, cuong.id, "telegram", str(TELEGRAM_ID), seen)
    await link(db, twin.id, "zalo", ZALO_ID, seen)

    async with running("polling", channel_settings(settings, telegram), engine) as channel:
        phone = Phone(telegram, channel, telegram.user(TELEGRAM_ID, "Cường"))

        async def on_telegram(text: str) -> list[str]:
            return [m.text or "" for m in await phone.says(text)]

        await follow_script(on_telegram)

    async with zalo_channel(zalo, db, engine, clock, webhook=True):
        user = zalo.user(ZALO_ID, "Hùng")

        async def on_zalo(text: str) -> list[str]:
            before = len(zalo.texts_to(ZALO_ID))
            user.send_text(text)
            wanted = dict(SCRIPT)[text]
            await zalo.wait_for(lambda: any(wanted in t for t in zalo.texts_to(ZALO_ID)[before:]))
            return zalo.texts_to(ZALO_ID)[before:]

        await follow_script(on_zalo)

    on_telegram_trace = await trace(db, cuong.id, "telegram")
    assert on_telegram_trace["request"][3:] == (
        "requested",
        "Tôi hay đi công tác xa, nhờ chi bộ thông cảm",
        "self",
    )
    assert on_telegram_trace["approvals"] and on_telegram_trace["notices"]
    assert on_telegram_trace == await trace(db, twin.id, "zalo")
