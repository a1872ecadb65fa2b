"""Neutral replies as Telegram messages, shaped for elderly members.

Choices become a reply keyboard of big buttons (a button sends its label back as text, which the
engine matches like a typed answer); navigation is always on it; approval buttons are inline
buttons whose callback data is the opaque action token. Every text is HTML-escaped, because
member-provided words (names, notes) travel inside it, and split at line breaks under 4096.
"""

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from aiogram.methods import SendDocument, SendMessage, SendPhoto
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from partybot.dialogs import texts
from partybot.dialogs.model import Choice, Reply
from partybot.handlers.sending import FileLoader

TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
PLACEHOLDER_LIMIT = 64
SHORT_LABEL = 14  # labels up to this many characters may share a row, two by two
PARSE_MODE = "HTML"

Markup = ReplyKeyboardMarkup | InlineKeyboardMarkup
Outgoing = SendMessage | SendPhoto | SendDocument


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _escaped_len(text: str) -> int:
    return utf16_len(html.escape(text, quote=False))


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces that each fit `limit` once escaped: cut at a line break, else a space, else hard.

    Splitting happens before escaping, so an entity like `&amp;` is never cut in half.
    """
    pieces: list[str] = []
    rest = text.strip()
    while rest and _escaped_len(rest) > limit:
        fit = _longest_fitting_prefix(rest, limit)
        newline = rest.rfind("\n", 0, fit + 1)
        cut = newline if newline > 0 else rest.rfind(" ", 0, fit + 1)
        if cut <= 0:
            cut = fit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return [piece for piece in pieces if piece]


def _longest_fitting_prefix(text: str, limit: int) -> int:
    """The most characters of `text` whose escaped form is at most `limit` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += _escaped_len(char)
        if used > limit:
            return index
    return len(text)


def _rows(labels: Sequence[str]) -> list[list[str]]:
    """One button per row, or two per row when every label is short (e.g. Đúng / Không phải)."""
    if labels and all(len(label) <= SHORT_LABEL for label in labels):
        return [list(labels[i : i + 2]) for i in range(0, len(labels), 2)]
    return [[label] for label in labels]


def reply_keyboard(reply: Reply) -> ReplyKeyboardMarkup | None:
    """Big buttons: the contact request first, then the answers, then navigation."""
    choices, nav = tuple(_labels(reply.choices)), tuple(_labels(reply.nav))
    return _keyboard(reply.request_contact, choices, nav, reply.placeholder)


@lru_cache(maxsize=1024)
def _keyboard(
    request_contact: bool, choices: tuple[str, ...], nav: tuple[str, ...], placeholder: str | None
) -> ReplyKeyboardMarkup | None:
    """Built once per distinct keyboard (aiogram's types are frozen): the menu and the
    navigation rows come back in nearly every message."""
    rows: list[list[KeyboardButton]] = []
    if request_contact:
        rows.append([KeyboardButton(text=texts.SHARE_CONTACT, request_contact=True)])
    for group in (choices, nav):
        rows += [[KeyboardButton(text=label) for label in row] for row in _rows(group)]
    if not rows:
        return None
    return ReplyKeyboardMarkup(
        keyboard=rows,
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=(placeholder or texts.TG_PLACEHOLDER)[:PLACEHOLDER_LIMIT],
    )


def inline_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """One inline button per row; a payload too long for Telegram is a bug upstream."""
    buttons = []
    for action in reply.actions:
        if not 1 <= len(action.payload.encode()) <= CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data must be 1-64 bytes, got {action.payload!r}")
        buttons.append([InlineKeyboardButton(text=action.label, callback_data=action.payload)])
    return InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None


def _labels(choices: Sequence[Choice]) -> list[str]:
    return [choice.label for choice in choices]


def message_text(reply: Reply) -> str:
    """The reply's text, with a pointer to the contact button when it is shown."""
    if reply.request_contact:
        return f"{reply.text}\n{texts.TG_CONTACT_HINT}"
    return reply.text


def _plain(reply: Reply) -> bool:
    """A statement: text only, no buttons, files or contact request of its own."""
    return not (
        reply.choices or reply.nav or reply.actions or reply.attachments or reply.request_contact
    )


def joined(replies: Sequence[Reply]) -> list[Reply]:
    """Statements ride in the message after them, so a turn reads as one message where it can.

    "Xong rồi ạ!" and then "Bác cần làm gì tiếp ạ?" with its buttons are one message to read
    (and one send) instead of two; the question stays the last line, next to its buttons. Text
    still comes before files, and `split_text` cuts whatever grew past Telegram's limit.
    """
    out: list[Reply] = []
    statements: list[str] = []
    for reply in replies:
        if _plain(reply):
            statements.append(reply.text)
            continue
        if statements:
            reply = replace(reply, text=_paragraphs(*statements, reply.text))
            statements = []
        out.append(reply)
    if statements:
        out.append(Reply(_paragraphs(*statements)))
    return out


def _paragraphs(*texts: str) -> str:
    return "\n\n".join(text.strip() for text in texts if text.strip())


@dataclass(frozen=True)
class _File:
    data: bytes
    filename: str
    is_image: bool


async def render(chat_id: int | str, reply: Reply, load_file: FileLoader) -> list[Outgoing]:
    """The Bot API calls that show one reply: its text (split if long), then its files.

    Inline buttons ride on the last piece of text they belong to; the reply keyboard on the last
    message that carries no inline buttons (Telegram allows one markup per message). A file that
    expired meanwhile is left out rather than failing the whole reply.
    """
    files: list[_File] = []
    for attachment in reply.attachments:
        stored = await load_file(attachment.file_token)
        if stored is not None:
            files.append(_File(stored.data, attachment.filename, attachment.is_image))
    pieces = split_text(message_text(reply)) if reply.text.strip() else []
    inline, keyboard = inline_keyboard(reply), reply_keyboard(reply)
    markups: list[Markup | None] = [None] * (len(pieces) + len(files))
    if inline is not None and pieces:
        markups[len(pieces) - 1] = inline
    if keyboard is not None and markups and markups[-1] is None:
        markups[-1] = keyboard
    calls: list[Outgoing] = []
    for piece, markup in zip(pieces, markups, strict=False):
        calls.append(
            SendMessage(
                chat_id=chat_id,
                text=html.escape(piece, quote=False),
                parse_mode=PARSE_MODE,
                reply_markup=markup,
            )
        )
    for file, markup in zip(files, markups[len(pieces) :], strict=True):
        upload = BufferedInputFile(file.data, filename=file.filename)
        if file.is_image:
            calls.append(SendPhoto(chat_id=chat_id, photo=upload, reply_markup=markup))
        else:
            calls.append(SendDocument(chat_id=chat_id, document=upload, reply_markup=markup))
    return calls
