"""The console channel: the same dialogs in a terminal, for demos, tests and helpers.

Choices print as a numbered list, like on Zalo. Files (QR codes, PDFs) are written to a folder and
their path printed. Notices queued for the person at the keyboard are shown after each message, so
one person can play a member and their secretary in turn.
"""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from partybot.dialogs.engine import Engine
from partybot.dialogs.model import Inbound, Reply
from partybot.handlers.plaintext import choice_lines
from partybot.services import files, identity
from partybot.services.directory import member_by_phone
from partybot.storage.models import ChannelAccount, OutboxMessage, OutboxStatus

CHANNEL = "console"


class ConsoleChannel:
    def __init__(self, engine: Engine, files_dir: Path, write: Callable[[str], None]) -> None:
        self.engine = engine
        self.db = engine.db
        self.files_dir = files_dir
        self.write = write

    async def login(self, phone: str) -> str:
        """Act as the roster member with this phone; the console is trusted (an operator's tool)."""
        now = self.engine.clock()
        async with self.db.transaction() as session:
            member = await member_by_phone(session, phone)
            if member is None:
                raise LookupError(phone)
            account = await self.engine.account(
                session, Inbound(CHANNEL, phone, display_name=member.full_name), now
            )
            if account.member_id != member.id:
                await identity.link(session, account, member, "console", now)
            return member.full_name

    async def say(self, user_key: str, text: str) -> None:
        replies = await self.engine.handle(Inbound(CHANNEL, user_key, text=text))
        for reply in replies:
            await self.show(reply)
        await self.show_queued(user_key)

    async def show_queued(self, user_key: str) -> None:
        """Deliver, here, the notices waiting for the member at the keyboard."""
        now = self.engine.clock()
        async with self.db.transaction() as session:
            member_id = await session.scalar(
                select(ChannelAccount.member_id).where(
                    ChannelAccount.channel == CHANNEL, ChannelAccount.external_id == user_key
                )
            )
            if member_id is None:
                return
            rows = (
                await session.scalars(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.member_id == member_id,
                        OutboxMessage.status == OutboxStatus.PENDING,
                    )
                    .order_by(OutboxMessage.id)
                )
            ).all()
            for row in rows:
                self.write("(tin nhắn mới)")
                await self.show(self.engine.render_notice(row.event, row.params), now)
                row.status, row.channel, row.sent_at = OutboxStatus.SENT, CHANNEL, now

    async def show(self, reply: Reply, now: datetime | None = None) -> None:
        self.write(reply.text)
        for attachment in reply.attachments:
            self.write(f"[Tệp: {await self.save(attachment.file_token, now)}]")
        if reply.actions:
            self.write("  [nút: " + " · ".join(action.label for action in reply.actions) + "]")
        for line in choice_lines(reply):
            self.write(f"  {line}")

    async def save(self, token: str, now: datetime | None) -> Path:
        async with self.db.transaction() as session:
            stored = await files.by_token(session, token, now or self.engine.clock())
            if stored is None:
                return Path("?")
            self.files_dir.mkdir(parents=True, exist_ok=True)
            path = self.files_dir / stored.filename
            path.write_bytes(stored.data)
            return path
