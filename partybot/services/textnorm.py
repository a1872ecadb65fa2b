"""Text folding shared by every matcher: typed Vietnamese arrives with or without diacritics."""

import re
import unicodedata

_PUNCT = re.compile(r"[^\w\s]|_")


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ -> d), turn punctuation into spaces.

    "Nộp  Đảng phí!" and "nop dang phi" fold to the same string.
    """
    decomposed = unicodedata.normalize("NFD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")
    return " ".join(_PUNCT.sub(" ", plain).split())


def nfc(text: str) -> str:
    """Canonical composed form, so names typed on different keyboards compare equal."""
    return unicodedata.normalize("NFC", text)
