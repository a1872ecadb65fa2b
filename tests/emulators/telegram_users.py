"""Telegram users and group chats played by a test, each action one queued Update."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PIL import Image

from tests.emulators.telegram_rules import utf16_len

if TYPE_CHECKING:
    from tests.emulators.telegram import TelegramEmulator


def tiny_png() -> bytes:
    """A valid 4x4 PNG: the default picture users send, and handy for upload tests."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


class _Sender:
    """Default for share_contact's user_id: the user who shares."""


SENDER = _Sender()


@dataclass(frozen=True)
class SimChat:
    """A group chat the simulated users can write in."""

    id: int
    title: str

    @property
    def api(self) -> dict[str, Any]:
        return {"id": self.id, "type": "group", "title": self.title}


class SimUser:
    """A Telegram user played by the test. Each action queues one Update and returns it."""

    def __init__(
        self,
        emu: TelegramEmulator,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        phone_number: str | None,
        language_code: str,
    ) -> None:
        self._emu = emu
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.phone_number = phone_number
        self.language_code = language_code

    @property
    def api(self) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        return user

    @property
    def chat(self) -> dict[str, Any]:
        """The private chat between this user and the bot."""
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    async def send_text(self, text: str, *, chat: SimChat | None = None) -> dict[str, Any]:
        return await self._emu._user_message(self, chat, {"text": text})

    async def send_command(
        self, command: str, args: str | None = None, *, chat: SimChat | None = None
    ) -> dict[str, Any]:
        """``/start`` or ``/start PAYLOAD`` (a deep link), with the bot_command entity."""
        text = command if args is None else f"{command} {args}"
        entity = {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
        return await self._emu._user_message(self, chat, {"text": text, "entities": [entity]})

    async def share_contact(
        self,
        phone_number: str,
        *,
        user_id: int | _Sender | None = SENDER,
        first_name: str | None = None,
        last_name: str | None = None,
        chat: SimChat | None = None,
    ) -> dict[str, Any]:
        """A contact message; ``user_id=None`` omits it (a contact typed in by hand),
        another id makes it someone else's contact."""
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or self.first_name,
        }
        if last_name:
            contact["last_name"] = last_name
        if isinstance(user_id, _Sender):
            contact["user_id"] = self.id
        elif user_id is not None:
            contact["user_id"] = user_id
        return await self._emu._user_message(self, chat, {"contact": contact})

    async def press(
        self,
        callback_data: str,
        *,
        message_id: int | None = None,
        chat: SimChat | None = None,
        strict: bool = True,
    ) -> dict[str, Any]:
        """Press an inline button. By default the newest bot message in the chat that has a
        button with this data; ``strict=False`` forges data no button carries."""
        chat_id = chat.id if chat else self.id
        message = self._emu._button_message(chat_id, callback_data, message_id, strict)
        query_id = str(next(self._emu._query_ids))
        query = {
            "id": query_id,
            "from": self.api,
            "message": self._emu._message_api(message),
            "chat_instance": str(chat_id),
            "data": callback_data,
        }
        self._emu._callback_queries[query_id] = query
        return await self._emu.push_update({"callback_query": query})

    async def tap(self, label: str, *, chat: SimChat | None = None) -> dict[str, Any]:
        """Tap a button of the reply keyboard on screen: its text, or the user's own contact
        when the button requests it."""
        chat_id = chat.id if chat else self.id
        for row in self._emu._reply_keyboard(chat_id):
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if text != label:
                    continue
                if isinstance(button, dict) and button.get("request_contact"):
                    if self.phone_number is None:
                        raise ValueError(f"user {self.id} has no phone_number to share")
                    return await self.share_contact(self.phone_number, chat=chat)
                return await self.send_text(label, chat=chat)
        raise ValueError(f"no reply keyboard button {label!r} in chat {chat_id}")

    async def send_sticker(
        self, *, emoji: str = "👍", chat: SimChat | None = None
    ) -> dict[str, Any]:
        stored = self._emu._store_file(b"RIFF-sticker", "sticker.webp", "image/webp", "stickers")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self._emu._user_message(self, chat, {"sticker": sticker})

    async def send_photo(
        self,
        content: bytes | None = None,
        *,
        caption: str | None = None,
        chat: SimChat | None = None,
    ) -> dict[str, Any]:
        data = content if content is not None else tiny_png()
        stored = self._emu._store_file(data, "photo.png", "image/png", "photos")
        with Image.open(io.BytesIO(data)) as image:
            stored.width, stored.height = image.size
        payload: dict[str, Any] = {"photo": [self._emu._photo_size(stored)]}
        if caption is not None:
            payload["caption"] = caption
        return await self._emu._user_message(self, chat, payload)

    async def send_voice(
        self, content: bytes = b"OggS-voice", *, duration: int = 3, chat: SimChat | None = None
    ) -> dict[str, Any]:
        stored = self._emu._store_file(content, "voice.ogg", "audio/ogg", "voice")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(content),
        }
        return await self._emu._user_message(self, chat, {"voice": voice})

    async def edit_text(
        self, message_id: int, new_text: str, *, chat: SimChat | None = None
    ) -> dict[str, Any]:
        """Edit one of this user's earlier text messages (an ``edited_message`` update)."""
        chat_id = chat.id if chat else self.id
        message = self._emu._user_messages.get((chat_id, message_id))
        if message is None or message["from"]["id"] != self.id or "text" not in message:
            raise ValueError(f"user {self.id} has no text message {message_id} in chat {chat_id}")
        message.update(text=new_text, edit_date=int(time.time()))
        message.pop("entities", None)
        return await self._emu.push_update({"edited_message": dict(message)})

    async def forward_text(
        self,
        text: str,
        *,
        origin: SimUser | None = None,
        sender_name: str = "Người dùng ẩn",
        chat: SimChat | None = None,
    ) -> dict[str, Any]:
        """Forward someone's text: from ``origin`` if given, else from a hidden user."""
        forward: dict[str, Any] = {"date": int(time.time()) - 60}
        if origin is not None:
            forward.update(type="user", sender_user=origin.api)
        else:
            forward.update(type="hidden_user", sender_user_name=sender_name)
        return await self._emu._user_message(self, chat, {"text": text, "forward_origin": forward})
