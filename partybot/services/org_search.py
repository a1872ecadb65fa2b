"""Finding a chi bộ by the few words a member types: "P. Yên Hòa", "tdp 5", "kdc1 cau giay".

Names are folded (no diacritics, no punctuation), common abbreviations spelled out, and every
chi bộ is searched together with the names of the committees above it, so a ward's name finds
its cells.
"""

import re
from dataclasses import dataclass

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


def _score(query: str, choice: str, **_: object) -> float:
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


async def search(session: AsyncSession, typed: str, limit: int = 4) -> list[OrgMatch]:
    """The best chi bộ matches for what was typed, best first; empty when nothing is close."""
    query = _meaningful(normalise(typed))
    if not query:
        return []
    found = await cells(session)
    choices = {
        index: _meaningful(normalise(f"{name} {parent_name or ''}"))
        for index, (_id, name, parent_name) in enumerate(found)
    }
    ranked = process.extract(query, choices, scorer=_score, limit=None, score_cutoff=MIN_SCORE)
    ranked.sort(key=lambda hit: (-hit[1], found[hit[2]][1]))
    best = ranked[0][1] if ranked else 0.0
    return [
        OrgMatch(found[index][0], found[index][1], found[index][2], score)
        for _choice, score, index in ranked[:limit]
        if score >= best - BEHIND_BEST
    ]
