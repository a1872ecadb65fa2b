"""Turning what a member typed into one of the choices on screen.

Accepted: the choice's number, its label or a synonym typed with or without diacritics, or a close
fuzzy match. A match that is good but not certain is confirmed with the member, never guessed.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from partybot.services.textnorm import fold

CERTAIN = 88.0  # act on it
LIKELY = 70.0  # ask "Có phải Bác muốn …?"
MARGIN = 8.0  # a certain match must beat the runner-up by this much

# Choice labels, synonyms and navigation words come from a small, fixed vocabulary and are
# compared with every message: fold each once.
_fold_phrase = lru_cache(maxsize=4096)(fold)


@dataclass(frozen=True)
class Candidate:
    key: str
    phrases: Sequence[str]  # the label first, then synonyms


@dataclass(frozen=True)
class Match:
    key: str
    score: float
    certain: bool


def best_match(text: str, candidates: Sequence[Candidate]) -> Match | None:
    folded = fold(text)
    if not folded:
        return None
    scores: list[tuple[float, str]] = []
    for candidate in candidates:
        best = 0.0
        for phrase in candidate.phrases:
            target = _fold_phrase(phrase)
            if folded == target:
                return Match(candidate.key, 100.0, True)
            best = max(best, _score(folded, target))
        scores.append((best, candidate.key))
    if not scores:
        return None
    scores.sort(reverse=True)
    top, key = scores[0]
    runner_up = scores[1][0] if len(scores) > 1 else 0.0
    if top < LIKELY:
        return None
    return Match(key, top, top >= CERTAIN and top - runner_up >= MARGIN)


def _score(typed: str, target: str) -> float:
    """Similarity that forgives typos and extra words but not a single shared short word."""
    if len(typed) <= 2 or len(target) <= 2:
        return 100.0 if typed == target else 0.0
    extra_words = len(typed.split()) - len(target.split())
    # A sentence that merely contains the label says something else too: leave it to
    # understanding.py rather than call it a sure choice.
    containment = 0.95 if extra_words <= 2 else 0.75
    return max(
        fuzz.ratio(typed, target),
        fuzz.token_set_ratio(typed, target) * containment,
        # Only a part of the label typed ("nop dang" for "nop dang phi"); the other way round a
        # short label hides inside longer words ("huy" in "chuyen").
        fuzz.partial_ratio(typed, target) * 0.9 if 4 <= len(typed) <= len(target) else 0.0,
    )


def exact_match(text: str, candidates: Sequence[Candidate]) -> str | None:
    """Only an exact (folded) label or synonym: used where free text could be mistaken for one."""
    folded = fold(text)
    for candidate in candidates:
        if any(folded == _fold_phrase(phrase) for phrase in candidate.phrases):
            return candidate.key
    return None
