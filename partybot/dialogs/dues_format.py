"""How dues figures read in messages: money, months, percentages, exact fractions."""

from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from itertools import pairwise

from partybot.dialogs import texts
from partybot.dialogs.flow import Invalid
from partybot.services.documents import format_vnd
from partybot.services.dues_rules import add_months
from partybot.services.textnorm import fold
from partybot.services.vnwords import from_words

__all__ = ["count", "exact", "format_vnd", "month", "months", "percent"]


def month(day: date | str) -> str:
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.month:02d}/{day.year}"


def months(days: Sequence[date | str]) -> str:
    """ "10/2026, 11/2026" or, for a longer run of months, "09/2026 đến 12/2026"."""
    parsed = [date.fromisoformat(d) if isinstance(d, str) else d for d in days]
    if len(parsed) <= 3:
        return ", ".join(month(d) for d in parsed)
    run = all(add_months(a, 1) == b for a, b in pairwise(parsed))
    if run:
        return f"{month(parsed[0])} đến {month(parsed[-1])}"
    return f"{month(parsed[0])}, {month(parsed[1])}, …, {month(parsed[-1])}"


def _decimal(value: Fraction) -> str:
    """A fraction with a finite decimal expansion, Vietnamese style: 35617.285 -> "35.617,285"."""
    whole, rest = divmod(value, 1)
    digits = ""
    while rest and len(digits) < 8:
        rest *= 10
        digit, rest = divmod(rest, 1)
        digits += str(int(digit))
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{digits}" if digits else grouped


def percent(value: Fraction) -> str:
    return _decimal(value)


def exact(value: Fraction) -> str:
    return f"{_decimal(value)} đ"


def count(text: str, limit: int) -> int:
    """A number of months typed as "3", "3 tháng", "ba" or "ba tháng", from 1 to `limit`."""
    words = [w for w in fold(text).split() if w not in ("thang", "nua", "toi", "them")]
    value: int | None = None
    if len(words) == 1 and words[0].isdigit():
        value = int(words[0])
    elif words:
        value = from_words(" ".join(words))
    if value is None or not 1 <= value <= limit:
        raise Invalid(texts.DUES_BAD_COUNT.format(limit=limit))
    return value
