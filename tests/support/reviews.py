"""People and steps shared by the residence-review tests."""

import io
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from partybot.dialogs.engine import Engine
from partybot.dialogs.model import Reply
from partybot.handlers.console import ConsoleChannel
from partybot.services import files
from partybot.storage.db import Database
from partybot.storage.models import (
    OutboxMessage,
    ReviewEvent,
    ReviewRequest,
    Role,
    RoleKind,
)
from tests.support.transcript import Person
from tests.support.world import World, add_member, build_world

PHONES = {
    "an": "+84912000001",
    "binh": "+84912000002",
    "cuong": "+84912000003",
    "dung": "+84912000004",
    "giang": "+84912000006",
    "hai": "+84912000007",
    "lan": "+84912000008",
    "ong": "+84912000009",
    "khoa": "+84912000010",
    "tu": "+84912000011",
}
DUTY_COUNT = 5  # the packaged list


async def review_world(db: Database) -> World:
    """The shared test ward plus a deputy at the residence cell and members who may not ask.

    Lê Văn Cường teaches in the school cell and lives in Tổ dân phố 5 (secretary Trần Thị Bình,
    deputy Phan Thị Lan); the school's secretary is Phạm Thị Dung; Đỗ Thị Giang is the ward
    committee officer; Vũ Văn Hải is a secretary in another ward.
    """
    world = await build_world(db)
    home, school = world.orgs["home"], world.orgs["school"]
    async with db.transaction() as session:
        people = world.people
        people["lan"] = await add_member(session, "Phan Thị Lan", PHONES["lan"], home)
        session.add(
            Role(member_id=people["lan"].id, org_id=home.id, role=RoleKind.DEPUTY_SECRETARY)
        )
        people["ong"] = await add_member(
            session, "Bùi Văn Ông", PHONES["ong"], home, dues_category="pension"
        )
        people["khoa"] = await add_member(session, "Ngô Văn Khoa", PHONES["khoa"], school)
        people["tu"] = await add_member(session, "Đinh Văn Tú", PHONES["tu"], home, residence=home)
    return world


async def login(engine: Engine, who: str) -> Person:
    await ConsoleChannel(engine, None, print).login(PHONES[who])  # type: ignore[arg-type]
    person = Person(engine, PHONES[who])
    await person.says("menu")
    return person


async def outbox(db: Database, member_id: int | None = None) -> list[OutboxMessage]:
    async with db.transaction() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if member_id is not None:
            query = query.where(OutboxMessage.member_id == member_id)
        return list((await session.scalars(query)).all())


async def notices(engine: Engine, db: Database, member_id: int, event: str) -> list[Reply]:
    return [
        engine.render_notice(row.event, row.params)
        for row in await outbox(db, member_id)
        if row.event == event
    ]


async def button(engine: Engine, db: Database, member_id: int, label: str, event: str) -> str:
    """The payload of the newest `event` notice's button with this label, for this member."""
    (*_, reply) = await notices(engine, db, member_id, event)
    return next(choice.payload for choice in reply.actions if choice.label == label)


async def requests(db: Database) -> list[ReviewRequest]:
    async with db.transaction() as session:
        return list((await session.scalars(select(ReviewRequest).order_by(ReviewRequest.id))).all())


async def events(db: Database, request_id: int) -> list[str]:
    async with db.transaction() as session:
        rows = await session.scalars(
            select(ReviewEvent.action)
            .where(ReviewEvent.request_id == request_id)
            .order_by(ReviewEvent.at, ReviewEvent.id)
        )
        return list(rows.all())


async def file_bytes(db: Database, engine: Engine, token: str) -> bytes:
    async with db.transaction() as session:
        stored = await files.by_token(session, token, engine.clock())
        assert stored is not None
        return stored.data


def pdf_text(data: bytes) -> str:
    """All pages' text with whitespace runs collapsed (line wraps become spaces)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


async def ask_for_review(cuong: Person, note: str = "Nhờ chi bộ xem giúp") -> None:
    """Lê Văn Cường asks for this year's review, the way an elderly member types."""
    await cuong.says("xin nhan xet noi cu tru")
    await cuong.says("đúng")
    await cuong.says("1")
    await cuong.says(note)
    await cuong.says("gửi")
    assert "Số yêu cầu" in cuong.text


async def answer_duties(secretary: Person, answers: list[str]) -> None:
    for answer in answers:
        await secretary.says(answer)


async def fill_and_sign(secretary: Person, comments: str = "Gương mẫu, tích cực.") -> None:
    await answer_duties(secretary, ["Tốt"] * DUTY_COUNT)
    await secretary.says("Đã trao đổi")
    await secretary.says(comments)
    await secretary.says("Ký xác nhận")


def receipt_channel(engine: Engine, folder: Path, lines: list[str]) -> ConsoleChannel:
    return ConsoleChannel(engine, folder, lines.append)
