"""Zalo Bot API updates: defensive parsing into one flat, hashable record.

Zalo's payload shapes vary between doc versions and clients (wrapped in
``{ok, result}`` or bare, ``display_name`` / ``first_name`` / ``name``,
``photo`` / ``photo_url``), and updates carry no ``update_id``. Everything
Zalo-shaped is absorbed here so the adapter above sees one stable dataclass.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Literal

SECRET_HEADER = "X-Bot-Api-Secret-Token"
"""Header carrying the webhook secret given to setWebhook."""

UpdateKind = Literal["text", "image", "sticker", "voice", "unsupported"]

_KIND_BY_EVENT: dict[str, UpdateKind] = {
    "message.text.received": "text",
    "message.image.received": "image",
    "message.sticker.received": "sticker",
    "message.voice.received": "voice",
    "message.unsupported.received": "unsupported",
}


@dataclass(frozen=True)
class ZaloUpdate:
    """One inbound Zalo event, flattened; optional parts are None when absent.

    ``chat_id`` is where replies go (the docs say: reply to ``chat.id``);
    ``user_id`` identifies the sender. Both are strings (Zalo ids are hex),
    and either falls back to the other when the payload carries only one.
    """

    event_name: str
    message_id: str
    chat_id: str
    user_id: str
    display_name: str
    text: str | None
    photo_url: str | None
    sticker: str | None
    date_ms: int | None
    kind: UpdateKind
    caption: str | None = None
    chat_type: str = "PRIVATE"


def parse_update(payload: dict[str, Any]) -> ZaloUpdate:
    """Parse a webhook body or a getUpdates result, wrapped or bare.

    Never raises on odd field types; raises ValueError only when the payload
    has no message with a ``from`` or ``chat`` to attribute it to.
    """
    if not isinstance(payload, dict):
        raise ValueError("Zalo update must be a JSON object")
    body = payload["result"] if isinstance(payload.get("result"), dict) else payload
    message = body.get("message")
    if not isinstance(message, dict):
        if "from" not in body and "chat" not in body:
            raise ValueError("Zalo update has no message (no 'message', 'from' or 'chat')")
        message = body
    if "from" not in message and "chat" not in message:
        raise ValueError("Zalo message has neither 'from' nor 'chat'")

    sender = _obj(message.get("from"))
    chat = _obj(message.get("chat"))
    user_id = _id(sender.get("id"))
    chat_id = _id(chat.get("id")) or user_id
    event_name = _str(body.get("event_name")) or _str(message.get("event_name")) or ""
    text = _str(message.get("text"))
    photo_url = _photo(message)
    sticker = _str(message.get("sticker"))
    return ZaloUpdate(
        event_name=event_name,
        message_id=_id(message.get("message_id")),
        chat_id=chat_id,
        user_id=user_id or chat_id,
        display_name=_display_name(sender),
        text=text,
        photo_url=photo_url,
        sticker=sticker,
        date_ms=_int(message.get("date")),
        kind=_KIND_BY_EVENT.get(event_name) or _guess_kind(text, photo_url, sticker),
        caption=_str(message.get("caption")),
        chat_type=(_str(chat.get("chat_type")) or "PRIVATE").upper(),
    )


def dedup_key(update: ZaloUpdate) -> str:
    """Key for "already processed?": Zalo has no update_id, so event + message id.

    A payload without a message id falls back to a digest of who/when/what,
    so two different id-less messages never share a key.
    """
    if update.message_id:
        return f"{update.event_name}:{update.message_id}"
    content = "\x1f".join(
        [
            update.chat_id,
            str(update.date_ms),
            update.text or "",
            update.photo_url or "",
            update.sticker or "",
        ]
    )
    digest = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return f"{update.event_name}:nomid:{digest}"


def verify_secret(received: str | None, expected: str) -> bool:
    """Constant-time check of the X-Bot-Api-Secret-Token header value."""
    if received is None or not expected:
        return False
    return hmac.compare_digest(
        received.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    """A non-empty string, or None: odd types never become text."""
    return value if isinstance(value, str) and value != "" else None


def _id(value: Any) -> str:
    """Ids are documented as strings; accept integers too, never bools or floats."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _display_name(sender: dict[str, Any]) -> str:
    """``display_name`` (official), else ``first_name``/``last_name``, else ``name``."""
    full = " ".join(
        part.strip() for key in ("first_name", "last_name") if (part := _str(sender.get(key)))
    )
    for candidate in (_str(sender.get("display_name")), full, _str(sender.get("name"))):
        if candidate and candidate.strip():
            return candidate.strip()
    return ""


def _photo(message: dict[str, Any]) -> str | None:
    """The image URL from ``photo_url``, or ``photo`` as a string, object or list."""
    direct = _str(message.get("photo_url"))
    if direct:
        return direct
    photo = message.get("photo")
    candidates = photo if isinstance(photo, list) else [photo]
    for item in candidates:
        if isinstance(item, dict):
            item = item.get("url") or item.get("photo_url")
        url = _str(item)
        if url:
            return url
    return None


def _guess_kind(text: str | None, photo_url: str | None, sticker: str | None) -> UpdateKind:
    """Kind for an unknown or missing event name, from what the message carries."""
    if photo_url:
        return "image"
    if sticker:
        return "sticker"
    if text:
        return "text"
    return "unsupported"
