"""Payment references: short codes put in a transfer memo so the bank notification can be matched.

Banks rewrite memos (upper/lower case, dots, hyphens, spaces inserted at line wraps, the payer's
name and transaction ids around them), so references avoid look-alike characters and always
mix letters and digits, which lets the matcher tolerate separators without reading ordinary
words as a reference.
"""

import re
import secrets
from functools import lru_cache

from partybot.services.textnorm import fold

# No 0/O, 1/I/L (look-alikes) and no U (avoids accidental words), as in Crockford's base 32.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_DIGITS = frozenset("23456789")
MAX_SEPARATORS = 2  # separator runs tolerated inside one reference (prefix included)
_PREFIX = re.compile(r"[A-Z]{1,4}")


def _check(prefix: str, length: int) -> None:
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"prefix must be 1-4 upper-case ASCII letters, got {prefix!r}")
    if not 4 <= length <= 16:
        raise ValueError(f"length must be between 4 and 16, got {length}")


def _mixed(body: str) -> bool:
    return any(c in _DIGITS for c in body) and any(c not in _DIGITS for c in body)


def new_reference(prefix: str = "DP", length: int = 8) -> str:
    """A fresh random reference such as "DPAB7K9QXZ": prefix + `length` characters of ALPHABET.

    The body always has at least one digit and one letter (drawn again otherwise), so
    find_references can reject plain words and plain numbers.
    """
    _check(prefix, length)
    while True:
        body = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if _mixed(body):
            return prefix + body


@lru_cache(maxsize=16)
def _pattern(prefix: str, length: int) -> re.Pattern[str]:
    # Runs on fold()ed text: lower case, every dot, hyphen or other punctuation already a space.
    body = "[" + ALPHABET.lower() + "]"
    chars = [re.escape(c) for c in prefix.lower()] + [body] * length
    # A look-ahead finds overlapping candidates; the reference must end at a word boundary.
    return re.compile("(?=(" + " ?".join(chars) + ")(?![a-z0-9]))")


def find_references(memo: str, prefix: str = "DP", length: int = 8) -> list[str]:
    """Candidate references in a bank memo, canonical (upper case, no separators), in order.

    Tolerates case changes and up to two spaces, dots or hyphens inside a reference; the
    reference must end at a word boundary, so a longer code is never cut short.
    """
    _check(prefix, length)
    found: list[str] = []
    for match in _pattern(prefix, length).finditer(fold(memo)):
        raw = match.group(1)
        reference = raw.replace(" ", "").upper()
        if raw.count(" ") > MAX_SEPARATORS or not _mixed(reference[len(prefix) :]):
            continue
        if reference not in found:
            found.append(reference)
    return found
