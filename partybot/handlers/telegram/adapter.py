"""Telegram updates in, engine replies out: an aiogram Router with no business rule in it.

Messages, shared contacts, `/start <invite>` and inline-button presses become a neutral
`Inbound` for the engine. What the engine cannot use gets a short answer here: an edited or a
forwarded message, a message in a group. Updates of one chat are processed one after the other,
different chats at the same time; sending happens on a second per-chat queue, so an update
counts as processed once the engine committed it, not once a rate-limited reply went out.

Updates are routed by plain attribute checks (`route`), not by aiogram's Dispatcher: its
synchronous filters (`F.contact`, …) each run in a worker thread, four thread hops an update
that cost more CPU than the rest of the routing; FSM and middlewares are not used here anyway.
"""

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import CommandStart
from aiogram.filters.command import CommandException
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, Update
from sqlalchemy import update as sql_update

from partybot.dialogs import texts
from partybot.dialogs.engine import Engine
from partybot.dialogs.model import Inbound, InboundKind, Reply
from partybot.handlers.group_commit import GroupCommit
from partybot.handlers.ordering import ChatQueues
from partybot.handlers.sending import DeliveryError, Unreachable
from partybot.handlers.telegram.sender import CHANNEL, TelegramSender
from partybot.handlers.telegram.unread import call_unread
from partybot.storage.db import Database
from partybot.storage.models import ChannelAccount, ProcessedUpdate
from partybot.storage.queries import insert_ignoring_conflict

log = logging.getLogger(__name__)

BLOCKED = "blocked the bot"
UPDATE_TYPES = ("message", "edited_message", "callback_query", "my_chat_member")
_START = CommandStart()


def chat_key(update: Update) -> str:
    """The chat whose order this update must keep (a button press belongs to its presser)."""
    if update.message is not None:
        return str(update.message.chat.id)
    if update.edited_message is not None:
        return str(update.edited_message.chat.id)
    if update.callback_query is not None:
        return str(update.callback_query.from_user.id)
    if update.my_chat_member is not None:
        return str(update.my_chat_member.chat.id)
    return f"update:{update.update_id}"


def _user(message: Message, update: Update, **fields: object) -> Inbound:
    """An Inbound from a private chat, where the chat id is the person's id."""
    sender = message.from_user
    return Inbound(
        CHANNEL,
        str(message.chat.id),
        update_key=str(update.update_id),
        display_name=sender.full_name[:120] if sender else None,
        **fields,  # type: ignore[arg-type]
    )


async def mark_unreachable(
    db: Database, channel: str, external_id: str, reason: str | None, now: datetime
) -> None:
    """Record that a person cannot be reached on a channel (None: reachable again)."""
    async with db.transaction() as session:
        await session.execute(
            sql_update(ChannelAccount)
            .where(ChannelAccount.channel == channel, ChannelAccount.external_id == external_id)
            .values(
                unreachable_at=now if reason else None,
                unreachable_reason=reason[:200] if reason else None,
            )
        )


class TelegramAdapter:
    """Turns updates into engine calls and replies; feed it with `submit`."""

    def __init__(self, engine: Engine, sender: TelegramSender, concurrency: int = 0) -> None:
        self.engine = engine
        self.db = engine.db
        self.sender = sender
        self.bot = sender.bot
        # Transactions at once. SQLite's run on this thread and have one writer anyway, so a
        # second would only wait for the first one's lock; past a few, PostgreSQL gains nothing
        # either (the engine is CPU-bound Python) and latency grows.
        self._slots = asyncio.Semaphore(concurrency or (1 if self.db.is_sqlite else 4))
        self.turns = GroupCommit(engine, self._slots)  # a bunch of updates shares commits
        self.updates = ChatQueues()  # engine work, in order per chat
        self.outgoing = ChatQueues()  # replies, in order per chat

    def submit(self, update: Update) -> "asyncio.Task[None]":
        """Queue an update behind earlier ones of its chat; the task ends once it is processed."""
        return self.updates.submit(chat_key(update), lambda: self.route(update))

    async def route(self, update: Update) -> None:
        """Hand an update to the method for its kind; kinds not asked for are ignored."""
        if update.message is not None:
            await self.on_message(update.message, update)
        elif update.edited_message is not None:
            await self.on_edited(update.edited_message, update)
        elif update.callback_query is not None:
            await self.on_button(update.callback_query, update)
        elif update.my_chat_member is not None:
            await self.on_membership(update.my_chat_member)

    async def on_message(self, message: Message, update: Update) -> None:
        """The first that fits: a group, a forward, a contact, /start, text, anything else."""
        if message.chat.type != ChatType.PRIVATE:
            await self.on_group(message, update)
        elif message.forward_origin is not None:
            await self.on_forwarded(message, update)
        elif message.contact is not None:
            await self.on_contact(message, update)
        elif message.text is not None:
            invite = await self._start_argument(message.text)
            if invite is not None:
                await self.on_start(message, invite, update)
            else:
                await self.on_text(message, update)
        else:
            await self.on_other(message, update)

    @property
    def update_types(self) -> list[str]:
        """The update types to ask Telegram for: those `route` handles."""
        return list(UPDATE_TYPES)

    async def _start_argument(self, text: str) -> str | None:
        """For `/start` (or `/start@thisbot`) the deep-link argument, "" if none; else None."""
        if not text.startswith("/"):
            return None
        try:
            command = await _START.parse_command(text, self.bot)
        except CommandException:
            return None
        return (command.args or "").strip()

    # -- to the engine ----------------------------------------------------------------------

    async def on_text(self, message: Message, event_update: Update) -> None:
        await self._handle(_user(message, event_update, text=message.text or ""))

    async def on_start(self, message: Message, invite: str, event_update: Update) -> None:
        """`/start` alone, or `/start <invite token>` from the secretary's deep link."""
        await self._handle(_user(message, event_update, kind=InboundKind.START, text=invite))

    async def on_contact(self, message: Message, event_update: Update) -> None:
        """Only a contact whose user_id is the sender's own verifies the phone number."""
        contact = message.contact
        assert contact is not None
        sender_id = message.from_user.id if message.from_user else None
        own = contact.user_id is not None and contact.user_id == sender_id
        inbound = _user(
            message,
            event_update,
            kind=InboundKind.CONTACT,
            contact_phone=contact.phone_number,
            contact_is_own=own,
        )
        await self._handle(inbound)

    async def on_other(self, message: Message, event_update: Update) -> None:
        """Stickers, photos, voice notes…: the engine says it reads text and asks again."""
        await self._handle(_user(message, event_update, kind=InboundKind.UNSUPPORTED))

    async def on_button(self, query: CallbackQuery, event_update: Update) -> None:
        """An inline button: its data is an opaque token the engine checks; always answered."""
        inbound = Inbound(
            CHANNEL,
            str(query.from_user.id),
            kind=InboundKind.BUTTON,
            payload=query.data or "",
            update_key=str(event_update.update_id),
            display_name=query.from_user.full_name[:120],
        )
        try:
            await self._handle(inbound)
        finally:
            try:
                await call_unread(self.bot, AnswerCallbackQuery(callback_query_id=query.id))
            except TelegramAPIError as late:
                log.info("callback query %s not answered: %s", query.id, late.message)

    async def _handle(self, inbound: Inbound) -> None:
        replies = await self.turns.handle(inbound)
        if replies:
            self.deliver(inbound.user_key, replies)

    # -- answered here ----------------------------------------------------------------------

    async def on_edited(self, message: Message, event_update: Update) -> None:
        """The engine already took the original; an edit would change nothing, so say so."""
        if message.chat.type == ChatType.PRIVATE:
            await self._answer(message.chat.id, event_update, texts.TG_EDITED)

    async def on_forwarded(self, message: Message, event_update: Update) -> None:
        """Someone else's words (or contact) are never taken as the member's answer."""
        await self._answer(message.chat.id, event_update, texts.TG_FORWARDED)

    async def on_group(self, message: Message, event_update: Update) -> None:
        """Procedures are private: answer in a group only when spoken to, and point to a chat."""
        if await self._addressed_to_bot(message):
            await self._answer(message.chat.id, event_update, texts.TG_GROUP)

    async def on_membership(self, event: ChatMemberUpdated) -> None:
        """Blocking the bot (or unblocking it) arrives as a change of the bot's membership."""
        if event.chat.type != ChatType.PRIVATE:
            return  # the bot added to or removed from a group says nothing about a person
        status = event.new_chat_member.status
        if status == ChatMemberStatus.KICKED:
            reason: str | None = BLOCKED
        elif status == ChatMemberStatus.MEMBER:
            reason = None
        else:
            return
        async with self._slots:
            await mark_unreachable(
                self.db, CHANNEL, str(event.chat.id), reason, self.engine.clock()
            )

    async def _addressed_to_bot(self, message: Message) -> bool:
        me = await self.bot.me()
        words = message.text or message.caption or ""
        replied = message.reply_to_message
        return (
            words.startswith("/")
            or (me.username is not None and f"@{me.username}".lower() in words.lower())
            or (
                replied is not None
                and replied.from_user is not None
                and replied.from_user.id == me.id
            )
        )

    async def _answer(self, chat_id: int, update: Update, text: str) -> None:
        """A short answer outside the engine, once per update_id like everything else."""
        async with self._slots, self.db.transaction() as session:
            fresh = await insert_ignoring_conflict(
                session,
                ProcessedUpdate,
                {
                    "channel": CHANNEL,
                    "update_key": str(update.update_id),
                    "processed_at": self.engine.clock(),
                },
            )
        if fresh:
            self.deliver(str(chat_id), [Reply(text)])

    # -- sending ----------------------------------------------------------------------------

    def deliver(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Queue replies behind earlier ones to the same chat; failures are handled there."""
        self.outgoing.submit(chat_id, lambda: self._send(chat_id, replies))

    async def _send(self, chat_id: str, replies: Sequence[Reply]) -> None:
        try:
            await self.sender.send(chat_id, replies)
        except Unreachable as gone:
            log.info("telegram chat %s is unreachable: %s", chat_id, gone)
            try:
                await mark_unreachable(self.db, CHANNEL, chat_id, str(gone), self.engine.clock())
            except Exception:
                log.exception("could not record that chat %s is unreachable", chat_id)
        except DeliveryError as failed:
            log.warning("reply to telegram chat %s not delivered: %r", chat_id, failed)
        except Exception:
            log.exception("reply to telegram chat %s failed", chat_id)
