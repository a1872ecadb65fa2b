"""Parsers for free input: each returns a clean value or raises Invalid with a Vietnamese reason."""

import re
import unicodedata
from datetime import date

from partybot.dialogs import texts
from partybot.dialogs.flow import Invalid
from partybot.services.phones import InvalidPhone, normalise_phone

MAX_AMOUNT = 10_000_000_000
_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\s*$")
_UNITS = {"trieu": 1_000_000, "tr": 1_000_000, "nghin": 1_000, "ngan": 1_000, "k": 1_000}


def phone(text: str) -> str:
    try:
        return normalise_phone(text)
    except InvalidPhone:
        raise Invalid(texts.BAD_PHONE) from None


def day(text: str) -> date:
    """dd/mm/yyyy (also with dots or dashes, two-digit years read as 20yy)."""
    found = _DATE.match(text)
    if not found:
        raise Invalid(texts.BAD_DATE)
    d, m, y = (int(part) for part in found.groups())
    if y < 100:
        y += 2000
    try:
        return date(y, m, d)
    except ValueError:
        raise Invalid(texts.BAD_DATE) from None


def amount(text: str) -> int:
    """VND as people type it: '7000000', '7.000.000', '7,000,000 đ', '7 triệu', '7tr5', '350k'.

    Never rounds: a figure that is not a whole number of đồng is refused, not guessed.
    """
    plain = _strip_marks(text.lower())
    plain = _CURRENCY.sub(" ", plain).strip()
    if "-" in plain:
        raise Invalid(texts.AMOUNT_TOO_SMALL)
    if _GROUPED.fullmatch(plain):
        total = int(re.sub(r"[.,\s]", "", plain))
    else:
        total = _with_units(plain)
    if total <= 0:
        raise Invalid(texts.AMOUNT_TOO_SMALL)
    if total > MAX_AMOUNT:
        raise Invalid(texts.AMOUNT_TOO_BIG)
    return total


_CURRENCY = re.compile(r"(vnd|dong|d)\s*$|\bvnd\b|\bdong\b")
_GROUPED = re.compile(r"\d+|\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*")
_PART = re.compile(r"\s*(\d+(?:[.,]\d{1,3})?)\s*(trieu|tr|nghin|ngan|k)(?![a-z])\s*")
_TAIL = re.compile(r"\s*(\d{1,3})\s*")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


def _with_units(plain: str) -> int:
    """'7 triệu 500 nghìn', '7,5 triệu', '7tr5', '350k' -> whole đồng."""
    total, position, last_unit = 0, 0, 0
    while position < len(plain):
        part = _PART.match(plain, position)
        if part:
            unit = _UNITS[part.group(2)]
            value = float(part.group(1).replace(",", ".")) * unit
            if value != int(value):
                raise Invalid(texts.BAD_AMOUNT)
            total, last_unit, position = total + int(value), unit, part.end()
            continue
        tail = _TAIL.fullmatch(plain, position)
        if tail and last_unit == 1_000_000:
            digits = tail.group(1)
            total += int(digits) * 10 ** (6 - len(digits))
            break
        raise Invalid(texts.BAD_AMOUNT)
    if total == 0 and not plain:
        raise Invalid(texts.BAD_AMOUNT)
    return total


def free_text(limit: int):  # type: ignore[no-untyped-def]
    """A parser for free text of at most `limit` characters (never silently cut)."""

    def parse(text: str) -> str:
        cleaned = text.strip()
        if not cleaned:
            raise Invalid(texts.TEXT_EMPTY)
        if len(cleaned) > limit:
            raise Invalid(texts.TEXT_TOO_LONG.format(limit=limit))
        return cleaned

    return parse
