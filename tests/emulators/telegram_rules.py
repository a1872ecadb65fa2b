"""Telegram's validation rules, as the emulator applies them.

Each check answers what Telegram answers (HTTP 400 with its description), so a message that
would be refused in production is refused in tests: HTML that does not parse, text over 4096
characters, callback data over 64 bytes, keyboards of the wrong shape.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
_MAX_BUTTONS = 100

# aiogram sends every form field as a string; Telegram types them by name.
INT_FIELDS = frozenset(
    {
        "chat_id", "message_id", "offset", "limit", "timeout", "max_connections", "cache_time",
        "reply_to_message_id", "message_thread_id", "user_id",
    }
)  # fmt: skip
BOOL_FIELDS = frozenset(
    {
        "drop_pending_updates", "show_alert", "disable_notification", "protect_content",
        "allow_sending_without_reply", "has_spoiler", "allow_paid_broadcast",
        "disable_content_type_detection", "disable_web_page_preview",
    }
)  # fmt: skip
JSON_FIELDS = frozenset(
    {
        "reply_markup", "allowed_updates", "entities", "caption_entities", "commands", "scope",
        "link_preview_options", "reply_parameters",
    }
)  # fmt: skip

CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
INLINE_ACTIONS = frozenset(
    {
        "url", "callback_data", "web_app", "login_url", "switch_inline_query",
        "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
        "callback_game", "pay",
    }
)  # fmt: skip

# What an injected failure says when the test gives no description.
_STATUS_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: injected failure",
    404: "Not Found",
    409: "Conflict: injected failure",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """A Bot API failure; the HTTP status doubles as ``error_code``, as with Telegram."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def failure(
    status: int, retry_after: float | None = None, description: str | None = None
) -> ApiError:
    if status == 429:
        seconds = max(1, math.ceil(retry_after or 1))
        return ApiError(429, description or f"Too Many Requests: retry after {seconds}", seconds)
    return ApiError(status, description or _STATUS_DESCRIPTIONS.get(status, f"Error {status}"))


# --- HTML parse mode -------------------------------------------------------------------------

_TAG_ENTITIES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")
_START_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)?")
_ATTR_RE = re.compile(r"\s+([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_TAG_CLOSE_RE = re.compile(r"\s*>")
_END_RE = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    entity: dict[str, Any] | None
    start: int


def _decode_entity(name: str) -> str | None:
    if not name.startswith("#"):
        return _NAMED_ENTITIES.get(name)
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return None


def _entity_error(message: str) -> ApiError:
    return bad(f"can't parse entities: {message}")


def _open_tag(source: str, index: int, stack: list[_OpenTag], pos: int) -> tuple[_OpenTag, int]:
    """Parse the start tag at ``index``; Telegram refuses tags it does not know."""

    def offset() -> int:
        return len(source[:index].encode())

    match = _START_RE.match(source, index)
    assert match is not None  # the caller saw "<"
    name = (match.group(1) or "").lower()
    if name not in _TAG_ENTITIES:
        raise _entity_error(f'unsupported start tag "{name}" at byte offset {offset()}')
    attrs: dict[str, str] = {}
    end = match.end()
    while attr := _ATTR_RE.match(source, end):
        attrs[attr.group(1).lower()] = (attr.group(2) or "").strip("\"'")
        end = attr.end()
    close = _TAG_CLOSE_RE.match(source, end)
    if close is None:
        raise _entity_error(f"unclosed start tag at byte offset {offset()}")
    entity: dict[str, Any] | None = {"type": _TAG_ENTITIES[name]}
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise _entity_error(f'tag "span" must have class "tg-spoiler" at byte offset {offset()}')
    if name == "a":
        entity = {"type": "text_link", "url": attrs["href"]} if attrs.get("href") else None
    elif name == "tg-emoji":
        if "emoji-id" not in attrs:
            raise _entity_error(
                f'tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset()}'
            )
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "code" and stack and stack[-1].name == "pre" and stack[-1].start == pos:
        language = attrs.get("class", "")
        if language.startswith("language-") and stack[-1].entity is not None:
            stack[-1].entity["language"] = language.removeprefix("language-")
            entity = None
    return _OpenTag(name, entity, pos), close.end()


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML parse mode: the plain text and its entities, or Telegram's 400."""
    out: list[str] = []
    pos = 0
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "<" and source.startswith("</", index):
            match = _END_RE.match(source, index)
            offset = len(source[:index].encode())
            if match is None:
                raise _entity_error(f"unclosed end tag at byte offset {offset}")
            name = match.group(1).lower()
            if not stack:
                raise _entity_error(f"unexpected end tag at byte offset {offset}")
            tag = stack.pop()
            if tag.name != name:
                raise _entity_error(
                    f'unmatched end tag at byte offset {offset}, expected "</{tag.name}>", '
                    f'found "</{name}>"'
                )
            if tag.entity is not None and pos > tag.start:
                entities.append({**tag.entity, "offset": tag.start, "length": pos - tag.start})
            index = match.end()
            continue
        if char == "<":
            tag, index = _open_tag(source, index, stack, pos)
            stack.append(tag)
            continue
        piece = char
        index += 1
        if char == "&" and (match := _ENTITY_RE.match(source, index - 1)):
            decoded = _decode_entity(match.group(1))
            if decoded is not None:
                piece, index = decoded, match.end()
        out.append(piece)
        pos += utf16_len(piece)
    if stack:
        raise _entity_error(f'can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _strip(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram trims surrounding whitespace and clips the entities to what remains."""
    stripped = text.strip()
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    kept.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, kept


def format_text(
    text: Any, parse_mode: Any, entities: Any, *, limit: int, empty_error: str, long_error: str
) -> tuple[str, list[dict[str, Any]]]:
    """Text as the user will see it, validated like Telegram validates text and captions."""
    if not isinstance(text, str):
        raise bad(empty_error)
    if parse_mode is None or parse_mode == "":
        plain, found = text, list(entities or [])
    elif str(parse_mode).lower() == "html":
        plain, found = parse_html(text)
    elif str(parse_mode).lower() in {"markdown", "markdownv2"}:
        plain, found = text, []  # accepted verbatim: partybot speaks HTML only
    else:
        raise bad(f"unsupported parse_mode {parse_mode}")
    plain, found = _strip(plain, found)
    if not plain:
        raise bad(empty_error)
    if len(plain) > limit:
        raise bad(long_error)
    return plain, found


# --- reply markup ----------------------------------------------------------------------------


def _rows(rows: Any, name: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad(f'field "{name}" must be an Array of Arrays')
    if sum(len(row) for row in rows) > _MAX_BUTTONS:
        raise bad("reply markup is too long")
    return rows


def _check_inline_keyboard(rows: Any) -> None:
    for row in _rows(rows, "inline_keyboard"):
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            actions = INLINE_ACTIONS & button.keys()
            if not actions:
                raise bad(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if "callback_data" in actions and not (
                isinstance(data, str) and 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT
            ):
                raise bad("BUTTON_DATA_INVALID")
            if "url" in actions and not re.match(r"(https?|tg)://\S+$", str(button["url"])):
                raise bad("BUTTON_URL_INVALID")


def _check_reply_keyboard(markup: dict[str, Any], chat_type: str) -> None:
    rows = _rows(markup["keyboard"], "keyboard")
    if not any(rows):
        raise bad("keyboard must be non-empty")
    for row in rows:
        for button in row:
            label = button.get("text") if isinstance(button, dict) else button
            if not isinstance(label, str) or not label:
                raise bad('can\'t parse keyboard button: Field "text" must be of type String')
            asks_contact = isinstance(button, dict) and button.get("request_contact")
            if asks_contact and chat_type != "private":
                raise bad("phone number can be requested in private chats only")
    placeholder = markup.get("input_field_placeholder")
    if placeholder is not None and not (
        isinstance(placeholder, str) and 1 <= len(placeholder) <= 64
    ):
        raise bad("input_field_placeholder must be 1-64 characters")


def check_reply_markup(markup: Any, chat_type: str) -> None:
    """Refuse a reply_markup that Telegram would refuse."""
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _check_reply_keyboard(markup, chat_type)
    elif markup.get("remove_keyboard") is not True and markup.get("force_reply") is not True:
        raise bad("can't parse reply keyboard markup JSON object")


def labels(markup: dict[str, Any] | None) -> list[list[str]]:
    if not markup:
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [[b["text"] if isinstance(b, dict) else b for b in row] for row in rows]


def coerce(params: dict[str, Any]) -> dict[str, Any]:
    """Type string form fields the way Telegram does, by field name."""
    typed: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str) and key in JSON_FIELDS:
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise bad(f"can't parse {key} JSON object") from exc
        elif isinstance(value, str) and key in INT_FIELDS:
            value = int(value) if re.fullmatch(r"-?\d+", value.strip()) else value
        elif isinstance(value, str) and key in BOOL_FIELDS:
            value = value.lower() in {"true", "1"}
        typed[key] = value
    return typed


def int_param(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    if not isinstance(value, int):
        raise bad(f"invalid {name} specified")
    return value
