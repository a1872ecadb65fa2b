"""Finding a chi bộ by the few words a member types: "P. Yên Hòa", "tdp 5", "kdc1 cau giay".

Names are folded (no diacritics, no punctuation), common abbreviations spelled out, and every
chi bộ is searched together with the names of the committees above it, so a ward's name finds
its cells.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from partybot.services.textnorm import fold
from partybot.storage.models import Organisation, OrgKind

ABBREVIATIONS = {
    "p": "phuong",
    "x": "xa",
    "tt": "thi tran",
    "q": "quan",
    "tp": "thanh pho",
    "cb": "chi bo",
    "du": "dang uy",
    "db": "dang bo",
    "kdc": "khu dan cu",
    "tdp": "to dan pho",
    "kp": "khu pho",
    "t": "thon",
}
# Words most names have: they must not make two unrelated names look alike.
GENERIC = {"chi", "bo", "dang", "uy", "phuong", "xa", "so"}
MIN_SCORE = 62.0
BEHIND_BEST = 25.0  # a match this far behind the best one is noise
SHORTLIST = 40  # candidates each native scorer passes on to the full score
_LETTERS_DIGITS = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")


@dataclass(frozen=True)
class OrgMatch:
    org_id: int
    name: str
    parent_name: str | None
    score: float


def normalise(text: str) -> str:
    """Folded, abbreviations spelled out, digits split from letters ("tdp5" -> "to dan pho 5")."""
    words = _LETTERS_DIGITS.sub(" ", fold(text)).split()
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


def _meaningful(text: str) -> str:
    return " ".join(word for word in text.split() if word not in GENERIC)


def _score(query: str, choice: str) -> float:
    if not query:
        return 0.0
    return max(
        fuzz.token_set_ratio(query, choice),
        fuzz.partial_token_sort_ratio(query, choice) * 0.9,
    )


async def cells(session: AsyncSession) -> list[tuple[int, str, str | None]]:
    """(id, name, parent's name) of every chi bộ."""
    parent = aliased(Organisation)
    rows = await session.execute(
        select(Organisation.id, Organisation.name, parent.name)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(Organisation.kind == OrgKind.CELL)
        .order_by(Organisation.id)
    )
    return [(org_id, name, parent_name) for org_id, name, parent_name in rows]


@lru_cache(maxsize=1 << 16)
def searchable(name: str, parent_name: str | None) -> str:
    """A chi bộ as the search sees it (cached: the same names come back on every search)."""
    return _meaningful(normalise(f"{name} {parent_name or ''}"))


async def search(session: AsyncSession, typed: str, limit: int = 4) -> list[OrgMatch]:
    """The best chi bộ matches for what was typed, best first; empty when nothing is close.

    Two passes of rapidfuzz's native scorers pick a shortlist over the whole roster; only the
    shortlist is scored by `_score`, so a city's thousands of chi bộ stay fast.
    """
    query = _meaningful(normalise(typed))
    if not query:
        return []
    found = await cells(session)
    choices = [searchable(name, parent_name) for _id, name, parent_name in found]
    shortlist = {
        index
        for scorer in (fuzz.token_set_ratio, fuzz.partial_token_sort_ratio)
        for _choice, _score_value, index in process.extract(
            query, choices, scorer=scorer, limit=SHORTLIST, score_cutoff=MIN_SCORE
        )
    }
    ranked = [
        (choices[index], score, index)
        for index in shortlist
        if (score := _score(query, choices[index])) >= MIN_SCORE
    ]
    ranked.sort(key=lambda hit: (-hit[1], found[hit[2]][1]))
    best = ranked[0][1] if ranked else 0.0
    return [
        OrgMatch(found[index][0], found[index][1], found[index][2], score)
        for _choice, score, index in ranked[:limit]
        if score >= best - BEHIND_BEST
    ]
