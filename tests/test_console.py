"""The console channel: one person plays a member and their secretary in turn."""

from partybot.bot.app import App
from partybot.bot.chat import ChatSession
from partybot.dialogs.engine import Engine
from partybot.settings import Settings
from partybot.storage.db import Database
from tests.support.world import build_world


async def test_notices_queued_for_the_person_at_the_keyboard_are_shown(
    db: Database, settings: Settings, engine: Engine, tmp_path
) -> None:
    await build_world(db)
    lines: list[str] = []
    chat = ChatSession(App(settings, db, engine), tmp_path, lines.append)
    assert await chat.become("0912 000 001")
    for text in ("menu", "thông tin", "abc", "xyz", "qqq"):  # three failed tries: a human
        await chat.line(text)
    await chat.line("1")
    assert any("Tôi đã báo đồng chí Trần Thị Bình" in line for line in lines)
    lines.clear()
    assert await chat.become("0912000002")
    shown = "\n".join(lines)
    assert "(tin nhắn mới)" in shown
    assert "Đảng viên Nguyễn Văn An (+84912000001) cần giúp" in shown
    lines.clear()
    await chat.line("menu")  # shown once, not again
    assert "(tin nhắn mới)" not in "\n".join(lines)


async def test_unknown_phone_for_as_is_refused(db, settings, engine, tmp_path) -> None:
    await build_world(db)
    lines: list[str] = []
    chat = ChatSession(App(settings, db, engine), tmp_path, lines.append)
    assert not await chat.become("0999 999 999")
    assert not await chat.become("not a phone")
    assert lines == [
        "Không có đảng viên nào với số 0999 999 999.",
        "Không có đảng viên nào với số not a phone.",
    ]
