"""The console chat loop behind `partybot chat` and `partybot demo`.

With a terminal it is interactive (`/as PHONE` switches person, `/guest` becomes a new unlinked
user, `/quit` leaves). Without one it reads one message per line, prints each reply and exits at
the end of input, so transcripts can be piped through it.
"""

import asyncio
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from partybot.bot.app import App
from partybot.handlers.console import ConsoleChannel
from partybot.services.phones import InvalidPhone, normalise_phone

GUEST = "guest"
CONSOLE_HELP = (
    "Lệnh: /as SỐ_ĐIỆN_THOẠI để đóng vai đảng viên khác, /guest để làm người mới, /quit để thoát."
)


class ChatSession:
    def __init__(self, app: App, files_dir: Path, write: Callable[[str], None]) -> None:
        self.channel = ConsoleChannel(app.engine, files_dir, write)
        self.write = write
        self.user_key = GUEST

    async def become(self, phone_text: str) -> bool:
        try:
            phone = normalise_phone(phone_text)
            name = await self.channel.login(phone)
        except (InvalidPhone, LookupError):
            self.write(f"Không có đảng viên nào với số {phone_text}.")
            return False
        self.user_key = phone
        self.write(f"— Bây giờ bạn là {name} ({phone_text}) —")
        await self.channel.show_queued(phone)
        return True

    def become_guest(self, name: str = GUEST) -> None:
        self.user_key = name
        self.write("— Bây giờ bạn là người dùng mới, chưa liên kết —")

    async def line(self, text: str) -> bool:
        """Handle one typed line; False when the user asked to quit."""
        command, _, rest = text.strip().partition(" ")
        if command == "/quit":
            return False
        if command == "/as":
            await self.become(rest.strip())
        elif command == "/guest":
            self.become_guest(rest.strip() or GUEST)
        elif command == "/help":
            self.write(CONSOLE_HELP)
        else:
            await self.channel.say(self.user_key, text)
        return True


async def run_chat(app: App, files_dir: Path, as_phone: str | None, guest: str | None) -> None:
    interactive = sys.stdin.isatty()
    session = ChatSession(app, files_dir, print)
    if as_phone and not await session.become(as_phone):
        raise SystemExit(2)
    if guest or not as_phone:
        session.become_guest(guest or f"{GUEST}-{uuid.uuid4().hex[:8]}")
    if interactive:
        print(CONSOLE_HELP)
    while True:
        try:
            text = await asyncio.to_thread(input, "> " if interactive else "")
        except EOFError:
            break
        if not interactive:
            print(f"> {text}")
        if not await session.line(text):
            break
        print()
