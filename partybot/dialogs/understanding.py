"""Understanding what members type: chat shorthand, number answers, intents and common questions.

Elderly members write without diacritics, with typos and chat abbreviations ("dp", "ko", "shd"),
in whole sentences ("cháu ơi cho bác hỏi…"). `normalise` makes such text comparable, `parse_number`
reads a numbered choice, and `Matcher` maps a message to an intent or a common question from the
curated phrases in data/intents.toml and data/faq.toml, and says whether it is sure enough to act
without asking: a wrong action taken without confirmation is the worst failure for this audience.
"""

from __future__ import annotations

import csv
import math
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from string import Formatter

from rapidfuzz import fuzz, process

from partybot.services.textnorm import fold, nfc

# --------------------------------------------------------------------------- normalisation

# Folded chat shorthand and frequent misspellings -> folded standard words.
_ABBREVIATIONS: dict[str, str] = {
    # party words
    "dp": "dang phi",
    "dphi": "dang phi",
    "dangphi": "dang phi",
    "fi": "phi",
    "dag": "dang",
    "shd": "sinh hoat dang",
    "sh": "sinh hoat",
    "cb": "chi bo",
    "cbo": "chi bo",
    "bt": "bi thu",
    "btcb": "bi thu chi bo",
    "dv": "dang vien",
    "dvien": "dang vien",
    "qd": "quy dinh",
    "bhxh": "bao hiem xa hoi",
    "dvc": "dich vu cong",
    "hs": "ho so",
    # negation and common function words
    "k": "khong",
    "ko": "khong",
    "kg": "khong",
    "kh": "khong",
    "khg": "khong",
    "hok": "khong",
    "khum": "khong",
    "dc": "duoc",
    "j": "gi",
    "ji": "gi",
    "ntn": "nhu the nao",
    "vs": "voi",
    "r": "roi",
    "ng": "nguoi",
    "bn": "bao nhieu",
    "bnhieu": "bao nhieu",
    "nhiu": "nhieu",
    "mk": "minh",
    "ms": "moi",
    "cx": "cung",
    "trc": "truoc",
    "lm": "lam",
    "mun": "muon",
    "bjo": "bao gio",
    "bgio": "bao gio",
    "np": "nop",
    # money and phones
    "ck": "chuyen khoan",
    "stk": "so tai khoan",
    "tk": "tai khoan",
    "sdt": "so dien thoai",
    "dt": "dien thoai",
    "dthoai": "dien thoai",
    # acknowledgements
    "tks": "cam on",
    "thanks": "cam on",
    "thank": "cam on",
    "thx": "cam on",
    "camon": "cam on",
    "oke": "ok",
    "okie": "ok",
    "oki": "ok",
    "okay": "ok",
    "okela": "ok",
    "uh": "u",
    "uk": "u",
    "um": "u",
    "uhm": "u",
    "helo": "hello",
}
# Two-word shorthand checked before the one-word table ("thank you" is one thanks, not two words).
_ABBREVIATION_PAIRS: dict[tuple[str, str], str] = {
    ("thank", "you"): "cam on",
    ("thanks", "you"): "cam on",
}
_PAIR_HEADS = frozenset(first for first, _ in _ABBREVIATION_PAIRS)

_UNIT_WORDS = frozenset(
    {"thang", "nam", "ngay", "tuan", "tuoi", "lan", "trieu", "nghin", "ngan", "phan", "nguoi"}
)
_DIGIT_WORDS = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
# After "mươi", "mốt"/"lăm"/"tư" are the units digit (hai mươi mốt, ba mươi lăm, bốn mươi tư).
_TAIL_WORDS = {**_DIGIT_WORDS, "lam": 5, "nham": 5, "tu": 4}
_NUMBER_STARTS = frozenset({"muoi", *_DIGIT_WORDS})


def _number_spans(tokens: Sequence[str], start: int) -> list[tuple[int, int]]:
    """Every (value, end) reading of number words at `start`, shortest first: "nam muoi nam" is
    50 then 55, and the caller keeps the first reading followed by the right kind of word."""
    readings: list[tuple[int, int]] = []
    n = len(tokens)
    first = tokens[start]
    if first == "muoi":
        readings.append((10, start + 1))
        tens, after = 10, start + 1
    elif first in _DIGIT_WORDS:
        readings.append((_DIGIT_WORDS[first], start + 1))
        if start + 1 < n and tokens[start + 1] == "muoi":
            tens, after = _DIGIT_WORDS[first] * 10, start + 2
            readings.append((tens, after))
        else:
            return readings
    else:
        return readings
    if after < n and tokens[after] in _TAIL_WORDS:
        readings.append((tens + _TAIL_WORDS[tokens[after]], after + 1))
    return readings


def _numbers_before_units(tokens: list[str]) -> list[str]:
    """Write number words as digits when a unit follows ("ba tháng" -> "3 thang").

    Only there: alone, "ba" is also bà, "nam" năm/Nam, "tam" tạm, "sau" sau. "sau tháng 6"
    (after June) is left alone: a month name, not six months.
    """
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        # Most words start no number: not worth asking _number_spans about.
        for value, end in _number_spans(tokens, i) if tokens[i] in _NUMBER_STARTS else ():
            if end < n and tokens[end] in _UNIT_WORDS:
                names_a_month = (
                    tokens[end] in {"thang", "nam"}
                    and end + 1 < n
                    and (tokens[end + 1].isdigit() or tokens[end + 1] in _DIGIT_WORDS)
                )
                if not names_a_month:
                    out += [str(value), tokens[end]]  # the unit is never read as a number again
                    i = end + 1
                    break
        else:
            out.append(tokens[i])
            i += 1
    return out


# Words renamed while their diacritics still tell them apart: "dừng" (stop) and "đúng" (right)
# both fold to "dung"; "đóng" (pay) and "đồng" (money, comrade, agree) both fold to "dong".
_BEFORE_FOLDING = {"dừng": "ngừng", "đóng": "nộp"}
_BEFORE_FOLDING_RE = re.compile(r"\b(" + "|".join(_BEFORE_FOLDING) + r")\b")


@lru_cache(maxsize=8192)
def _folded(word: str) -> tuple[str, ...]:
    """fold() of one typed word, split; remembered, since members use few distinct words."""
    return tuple(fold(word).split())


def _fold_split(text: str) -> list[str]:
    """fold(text).split(), a word at a time: case, accents and punctuation are folded per
    character (decomposition never reorders across a space), so the words fold on their own."""
    return [token for word in text.split() for token in _folded(word)]


def normalise(text: str) -> str:
    """fold() plus chat shorthand expanded and number words before a unit written as digits.

    "Đóng đp ko?" -> "nop dang phi khong"; "đi vắng ba tháng" -> "di vang 3 thang".
    Pronouns (e, a, c) are kept as typed.
    """
    return " ".join(_normalised(text))


def _normalised(text: str) -> list[str]:
    """normalise() as its tokens, for the matcher, which would only split the string again."""
    text = _BEFORE_FOLDING_RE.sub(lambda m: _BEFORE_FOLDING[m[1]], nfc(text).casefold())
    tokens = _fold_split(text)
    expanded: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if tok in _PAIR_HEADS and i + 1 < n and (tok, tokens[i + 1]) in _ABBREVIATION_PAIRS:
            expanded += _ABBREVIATION_PAIRS[tok, tokens[i + 1]].split()
            i += 2
        else:
            expanded += _ABBREVIATIONS[tok].split() if tok in _ABBREVIATIONS else (tok,)
            i += 1
    return _numbers_before_units(expanded)


_NUMBER_FILLERS = frozenset(
    {
        "so",
        "thu",
        "chon",
        "lua",
        "cai",
        "muc",
        "phuong",
        "an",
        "dap",
        "y",
        "cau",
        "nut",
        "bam",
        "toi",
        "bac",
        "chau",
        "em",
        "e",
        "con",
        "minh",
        "anh",
        "la",
        "nhe",
        "nha",
        "a",
        "oi",
        "di",
        "vay",
        "the",
        "ok",
        "lay",
        "cho",
    }
)
_ORDINALS = (("thu nhat", "1"), ("dau tien", "1"), ("thu tu", "4"))


def parse_number(text: str) -> int | None:
    """The number a member gives as a choice: "2", "2.", "số 2", "hai", "thứ hai", "chọn số 3 ạ".

    None when there is no number or more than a number ("2 tháng", "không phải số 2"). Only small
    numbers (0-999) count: a phone number is not a choice.
    """
    folded = f" {fold(text)} "
    for words, digit in _ORDINALS:
        folded = folded.replace(f" {words} ", f" {digit} ")
    tokens = [t for t in folded.split() if t not in _NUMBER_FILLERS]
    if len(tokens) == 1 and tokens[0].isdigit():
        return int(tokens[0]) if len(tokens[0]) <= 3 else None
    if tokens:
        for value, end in reversed(_number_spans(tokens, 0)):
            if end == len(tokens):
                return value
    return None


# --------------------------------------------------------------------------- the catalogue

_DATA = "partybot.dialogs.data"
MAX_CHARS = 1000
FAQ_PREFIX = "faq:"
ENGLISH = "english"
NONE = "none"
# Values the dialogs know how to fill in a `personal` answer.
PLACEHOLDERS = frozenset(
    {"monthly_amount", "party_years", "secretary_name", "treasurer_name", "cell_name"}
)


@dataclass(frozen=True, slots=True)
class Intent:
    """Something a member asks the bot to do; `offer` confirms a guess."""

    name: str
    phrases: tuple[str, ...]
    offer: str | None = None
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """A common question with its plain answer and where the facts come from."""

    id: str
    question: str
    phrases: tuple[str, ...]
    answer: str
    source: str
    personal: str | None = None
    offer: str | None = None
    cues: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return FAQ_PREFIX + self.id

    @property
    def placeholders(self) -> frozenset[str]:
        if self.personal is None:
            return frozenset()
        return frozenset(name for _, name, _, _ in Formatter().parse(self.personal) if name)

    def render(self, values: Mapping[str, str] | None = None) -> str:
        """The personal answer when every placeholder has a value, else the generic one."""
        needed = self.placeholders
        if self.personal is not None and values and all(values.get(k) for k in needed):
            return self.personal.format_map({k: values[k] for k in needed})
        return self.answer


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The intents and common questions a Matcher is built from (the packaged data by default)."""

    intents: Mapping[str, Intent]
    faqs: Mapping[str, FaqEntry]


def _read_toml(name: str) -> dict:
    return tomllib.loads(resources.files(_DATA).joinpath(name).read_text(encoding="utf-8"))


@cache
def load_catalogue() -> Catalogue:
    """Read and check the packaged intents and questions once."""
    raw_intents = _read_toml("intents.toml")["intents"]
    intents = {
        name: Intent(name, tuple(body["phrases"]), body.get("offer"), tuple(body.get("cues", ())))
        for name, body in raw_intents.items()
    }
    faqs: dict[str, FaqEntry] = {}
    for body in _read_toml("faq.toml")["faq"]:
        entry = FaqEntry(
            id=body["id"],
            question=body["question"],
            phrases=tuple(body["phrases"]),
            answer=body["answer"].strip(),
            source=body["source"],
            personal=body["personal"].strip() if "personal" in body else None,
            offer=body.get("offer"),
            cues=tuple(body.get("cues", ())),
        )
        if entry.id in faqs:
            raise ValueError(f"faq.toml: duplicate id {entry.id}")
        unknown = entry.placeholders - PLACEHOLDERS
        if unknown:
            raise ValueError(f"faq.toml {entry.id}: unknown placeholders {sorted(unknown)}")
        if entry.offer is not None and entry.offer not in intents:
            raise ValueError(f"faq.toml {entry.id}: offer {entry.offer!r} is not an intent")
        faqs[entry.id] = entry
    return Catalogue(intents, faqs)


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class Match:
    """The best reading of a message.

    `label` is an intent name, "faq:<id>" or "none"; `score` is 0-100; `confident` means act
    without asking; otherwise a label other than "none" is a guess to confirm. `alternatives` are
    the next best labels with their scores.
    """

    label: str
    score: float
    confident: bool
    alternatives: list[tuple[str, float]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score limits tuned on the dev split of tests/corpus/messages.tsv (see its README)."""

    confident: float = 80.0
    suggest: float = 50.0
    margin: float = 10.0


# Words that carry little meaning on their own weigh little when a longer message is compared,
# but still match, so "có" alone is yes. Pronouns and particles weigh least.
_PARTICLES = frozenset(
    {
        "a",
        "oi",
        "nhe",
        "nhi",
        "ha",
        "ah",
        "vay",
        "day",
        "thi",
        "la",
        "ma",
        "pro",
        "u",
        "o",
        "cho",
        "hoi",
        "xin",
        "vui",
        "long",
    }
)
_FUNCTION_WORDS = frozenset(
    {
        "co",
        "khong",
        "phai",
        "roi",
        "nua",
        "voi",
        "di",
        "duoc",
        "the",
        "nao",
        "gi",
        "sao",
        "giup",
        "con",
        "da",
        "nhu",
        "va",
        "cua",
        "ve",
        "can",
        "de",
        "lam",
        "muon",
        "chua",
        "nay",
        "baygio",
    }
)
# Ways members refer to themselves or the bot; all compare as one token, "pro".
_PRONOUNS = frozenset({"bac", "toi", "chau", "em", "e", "anh", "minh", "ong", "ba", "to", "tui"})
_LIGHT_WORDS = _PARTICLES | _FUNCTION_WORDS | _PRONOUNS
# Words of greetings and thanks: a request that comes with them is judged without them.
_SOCIAL_WORDS = frozenset({"chao", "alo", "hello", "hi", "cam", "on"})
_SOCIAL_LABELS = frozenset({"greeting", "thanks"})

# Same meaning, one spelling, for the comparison only (phrases and messages alike). Patterns
# that start with the same word are tried in this order, so longer ones come first.
_SYNONYMS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    # dues, transfer, residence
    (("tien", "dang", "phi"), ("dang", "phi")),
    (("tien", "dang"), ("dang", "phi")),
    (("phi", "dang", "vien"), ("dang", "phi")),
    (("phi", "dang"), ("dang", "phi")),
    (("sinh", "hoat", "dang"), ("sinh", "hoat")),
    (("chuyen", "dang"), ("chuyen", "sinh", "hoat")),
    (("ve", "huu"), ("nghi", "huu")),
    (("noi", "o"), ("noi", "cu", "tru")),
    (("to", "dan", "pho"), ("noi", "cu", "tru")),
    (("khu", "dan", "cu"), ("noi", "cu", "tru")),
    (("khu", "pho"), ("noi", "cu", "tru")),
    (("app",), ("ung", "dung")),
    (("qua", "mang"), ("online",)),
    (("truc", "tuyen"), ("online",)),
    # question words
    (("nhu", "the", "nao"), ("thenao",)),
    (("the", "nao"), ("thenao",)),
    (("ra", "sao"), ("thenao",)),
    (("kieu", "gi"), ("thenao",)),
    (("bao", "nhieu", "ngay"), ("baolau",)),
    (("bao", "nhieu"), ("baonhieu",)),
    (("bao", "lau"), ("baolau",)),
    (("bao", "gio"), ("khinao",)),
    (("may", "ngay"), ("baolau",)),
    (("may", "nghin"), ("baonhieu",)),
    (("khi", "nao"), ("khinao",)),
    (("luc", "nao"), ("khinao",)),
    (("tai", "sao"), ("taisao",)),
    (("vi", "sao"), ("taisao",)),
    (("la", "gi"), ("lagi",)),
    (("la", "sao"), ("lagi",)),
    (("bay", "gio"), ("baygio",)),  # "now", not a question
)
_SYNONYMS_BY_HEAD: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = defaultdict(list)
for _pattern, _replacement in _SYNONYMS:
    _SYNONYMS_BY_HEAD[_pattern[0]].append((_pattern, _replacement))

# Question words: a message asking about a procedure ("nhận xét nơi cư trú để làm gì") is not a
# request for it ("xin nhận xét nơi cư trú"); _canonical marks both phrase and message with
# "hoigi" when they ask.
_QUESTION_WORDS = frozenset(
    {"gi", "ai", "thenao", "khinao", "baolau", "baonhieu", "lagi", "taisao"}
)
# Labels that start a procedure: a question matched only by a request phrase is discounted.
_PROCEDURES = frozenset(
    {
        "dues",
        "dues_history",
        "review",
        "transfer",
        "transfer_official",
        "transfer_temporary",
        "approvals",
        "dues_report",
        "broadcast",
    }
)
_CLAUSE_BREAK = re.compile(r"[,;:!?\n]+|\.(?!\d)")

# Token weights. Phrase words weigh by rarity across labels (idf); these are the exceptions.
_PARTICLE_WEIGHT = 0.05
_FUNCTION_WEIGHT = 0.15
_DIGIT_WEIGHT = 0.3
_UNKNOWN_WEIGHT = 2.0  # a message word no phrase has: it is something the phrases do not explain
# Tokens _canonical adds: a negation reverses the meaning, so it weighs as much as the rarest
# word; "(đã) … chưa?" turns a request into a question about the past; any question word.
_MARKER_WEIGHTS = {"khongx": 4.0, "dachua": 2.5, "hoigi": 1.5}

# Scoring, tuned on the dev split of the corpus.
_ADJACENCY = 0.2  # share of the score that comes from word order
_QUESTION_MISMATCH = 0.9
# A phrase that negates what the message says, or the reverse, is a contradiction, not a near miss.
_NEGATION_MISMATCH = 0.75
# A label whose cue word is in the message, when the message is already about it, gains
# _CUE_BONUS at a score of 50, less the closer it already is to 100.
_CUE_BONUS, _CUE_FLOOR = 10.0, 35.0
# Scores below the floor, or this far below the best so far, are not worked out: they can
# neither win nor change a winner's margin, nor be worth offering as an alternative.
_SCORE_FLOOR, _SCORE_RANGE = 30.0, 30.0
# A bound is trusted to skip work only by more than float rounding could take from it.
_ROUNDING = 1e-9
# Labels a Match reports: the best and three alternatives.
_SHOWN = 4


def _combine(recall: float, precision: float, adjacency: float) -> float:
    """0-100 from how much of the phrase the message holds (recall), how much of the message the
    phrase explains (precision) and word order. Their harmonic mean keeps a short phrase inside a
    long message (high recall, low precision) from scoring like a full match."""
    if not recall or not precision:
        return 0.0
    overlap = 2 * precision * recall / (precision + recall)
    return 100 * ((1 - _ADJACENCY) * overlap + _ADJACENCY * adjacency)


def _least_upper(score: float, weight: float) -> float:
    """The least weight a phrase must share with a message of content weight `weight` to reach
    `score`, even with all of the phrase matched and perfect word order (_combine solved for
    precision; a greeting's phrases divide by the larger whole weight, so it holds for them too).

    Phrases are tried best-matched first, so the first one below it ends the search. _ROUNDING
    is taken off so that float rounding never ends it early.
    """
    overlap = (score / 100 - _ADJACENCY) / (1 - _ADJACENCY)
    if overlap <= 0:
        return 0.0
    return weight * overlap / (2 - overlap) * (1 - _ROUNDING)


_EN_WORDS = frozenset(
    {
        "a",
        "about",
        "am",
        "an",
        "and",
        "any",
        "are",
        "at",
        "be",
        "bot",
        "by",
        "call",
        "can",
        "could",
        "do",
        "does",
        "dont",
        "english",
        "fee",
        "for",
        "from",
        "get",
        "have",
        "hello",
        "help",
        "how",
        "i",
        "im",
        "in",
        "is",
        "it",
        "know",
        "like",
        "me",
        "membership",
        "money",
        "much",
        "my",
        "need",
        "not",
        "of",
        "on",
        "please",
        "receipt",
        "speak",
        "that",
        "the",
        "this",
        "to",
        "transfer",
        "want",
        "what",
        "when",
        "where",
        "who",
        "why",
        "will",
        "with",
        "wrong",
        "would",
        "you",
        "your",
        "chat",
        "party",
        "dues",
        "member",
        "pay",
        "month",
        "each",
        "there",
        "here",
        "just",
        "our",
        "should",
        "m",
        "s",
        "t",
        "don",
        "cash",
        "website",
        "card",
        "phone",
        "number",
    }
)
# Folded Vietnamese words that are not English words: one of them means the message is not
# English.
_VI_WORDS = frozenset(
    {
        "toi",
        "bac",
        "chau",
        "khong",
        "ko",
        "duoc",
        "dang",
        "phi",
        "nop",
        "chi",
        "bo",
        "muon",
        "lam",
        "sao",
        "gi",
        "nhu",
        "thi",
        "la",
        "cua",
        "voi",
        "cho",
        "hoi",
        "roi",
        "chua",
        "minh",
        "em",
        "oi",
        "nhe",
        "xin",
        "chao",
        "cam",
        "sinh",
        "hoat",
        "chuyen",
    }
)


def _canonical(tokens: Sequence[str]) -> list[str]:
    """Matcher-only rewriting, applied to phrases and messages alike: pronouns as one token,
    synonyms as one spelling, đóng (pay) as nộp but not in đồng ý/đồng chí, a negating "không"
    told apart from the final question "… không?", and "(đã) … chưa?" (have you … yet?) marked,
    since it turns "nộp đảng phí" into a question about the past; a question word adds "hoigi"."""
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        for pattern, replacement in _SYNONYMS_BY_HEAD.get(tok, ()):
            end = i + len(pattern)
            if tuple(tokens[i:end]) == pattern and not (
                pattern[-1] == "dang" and end < n and tokens[end] == "phi"
            ):
                out.extend(replacement)
                i = end
                break
        else:
            if tok in _PRONOUNS:
                out.append("pro")
            elif (
                tok == "khong"
                and i + 1 < n
                and (tokens[i + 1] not in _LIGHT_WORDS or tokens[i + 1] == "co")
            ):
                out.append("khongx")  # negates what follows; a final "không" only asks
            elif tok == "dong":
                nxt = tokens[i + 1] if i + 1 < n else ""
                prev = tokens[i - 1] if i else ""
                is_pay = (
                    nxt not in {"y", "chi", "ho"}
                    and not prev.isdigit()
                    and prev not in {"nghin", "trieu", "ngan"}
                )
                out.append("nop" if is_pay else tok)
            else:
                out.append(tok)
            i += 1
    if out and out[-1] == "nha":  # a closing "nha" is "nhé"; elsewhere it is "nhà" (home)
        out[-1] = "nhe"
    content = [t for t in out if t not in _PARTICLES]
    if content and content[-1] == "chua" and any(t not in _LIGHT_WORDS for t in content):
        out.append("dachua")  # "(đã) nộp chưa?"; "dạ chưa" is only "no"
    if _QUESTION_WORDS.intersection(out):
        out.append("hoigi")
    return out


def _is_english(text: str, tokens: Sequence[str]) -> bool:
    """ASCII text of three or more words, mostly common English ones and no Vietnamese words."""
    if len(tokens) < 3 or any(ord(c) > 127 and c.isalpha() for c in text):
        return False
    if any(t in _VI_WORDS for t in tokens):
        return False
    return sum(t in _EN_WORDS for t in tokens) / len(tokens) >= 0.6


@dataclass(frozen=True, slots=True)
class _Phrase:
    label: str
    tokens: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    negates: frozenset[str]
    weight: float
    social: bool  # a greeting or thanks: judged over the whole message
    requests: bool  # a procedure request without a question word


def _negated(tokens: Sequence[str]) -> frozenset[str]:
    """The words a negating "không" applies to: the first meaningful word after it."""
    if "khongx" not in tokens:  # most messages: no need to look word by word
        return frozenset()
    found: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok == "khongx":
            word = next((t for t in tokens[i + 1 :] if t not in _LIGHT_WORDS), None)
            if word is not None:
                found.add(word)
    return frozenset(found)


def _any_cue(cues: Iterable[str]) -> re.Pattern[str]:
    """One search for any of a label's cues, as whole words of a canonical message with a
    space at each end: a regex alternation scans the message once, not once per cue."""
    spaced = (f" {' '.join(_canonical(normalise(cue).split()))} " for cue in cues)
    return re.compile("|".join(map(re.escape, spaced)))


class Matcher:
    """Maps a message to an intent, a common question ("faq:<id>") or "none".

    Each curated phrase is compared with the message by weighted token overlap: how much of the
    phrase the message contains (recall), how much of the message the phrase explains (precision)
    and whether the words come in the same order (adjacent pairs). Rare words weigh more (idf over
    labels), pronouns and particles little, so "cháu ơi cho bác hỏi" costs almost nothing.
    Misspelt words are first corrected to the phrase vocabulary with rapidfuzz. A label is
    `confident` only with a high score and a clear margin over the next label.
    """

    def __init__(self, catalogue: Catalogue, thresholds: Thresholds | None = None) -> None:
        self.catalogue = catalogue
        self.thresholds = thresholds or Thresholds()
        phrases_by_label: dict[str, list[str]] = {
            name: list(intent.phrases) for name, intent in catalogue.intents.items()
        }
        cues_by_label: dict[str, tuple[str, ...]] = {
            name: intent.cues for name, intent in catalogue.intents.items()
        }
        for entry in catalogue.faqs.values():
            phrases_by_label[entry.label] = list(entry.phrases)
            cues_by_label[entry.label] = entry.cues
        self.labels: frozenset[str] = frozenset(phrases_by_label) | {ENGLISH, NONE}

        token_lists: list[tuple[str, list[str]]] = []
        owner: dict[tuple[str, ...], str] = {}
        for label, phrases in phrases_by_label.items():
            for phrase in phrases:
                toks = _canonical(normalise(phrase).split())
                key = tuple(toks)
                if not toks:
                    raise ValueError(f"{label}: phrase {phrase!r} is empty after normalising")
                if key in owner and owner[key] != label:
                    raise ValueError(f"phrase {phrase!r} belongs to {owner[key]} and {label}")
                if key not in owner:
                    owner[key] = label
                    token_lists.append((label, toks))

        labels_with: dict[str, set[str]] = defaultdict(set)
        for label, toks in token_lists:
            for tok in toks:
                labels_with[tok].add(label)
        n_labels = len(phrases_by_label)
        self._weights: dict[str, float] = {}
        for tok, owners in labels_with.items():
            if tok in _MARKER_WEIGHTS:
                self._weights[tok] = _MARKER_WEIGHTS[tok]
            elif tok in _PARTICLES:
                self._weights[tok] = _PARTICLE_WEIGHT
            elif tok in _FUNCTION_WORDS:
                self._weights[tok] = _FUNCTION_WEIGHT
            elif tok.isdigit() and len(tok) <= 2:
                self._weights[tok] = _DIGIT_WEIGHT
            else:
                self._weights[tok] = math.log(1 + n_labels / len(owners))
        self._vocab = sorted(self._weights)
        # Words a message may contain that the canonical vocabulary spells differently.
        self._plain_words = (
            _LIGHT_WORDS
            | _UNIT_WORDS
            | {w for pattern, _ in _SYNONYMS for w in pattern}
            | {"dong", "khong"}
        )

        self._phrases: list[_Phrase] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        for label, toks in token_lists:
            tokset = frozenset(toks)
            index = len(self._phrases)
            self._phrases.append(
                _Phrase(
                    label,
                    tokset,
                    frozenset(pairwise(toks)),
                    _negated(toks),
                    sum(self._weights[t] for t in tokset),
                    label in _SOCIAL_LABELS,
                    label in _PROCEDURES and "hoigi" not in tokset,
                )
            )
            for tok in tokset:
                self._postings[tok].append(index)
        # Cue words mark one label among close ones ("ở hẳn" an official transfer).
        self._cues: dict[str, re.Pattern[str]] = {
            label: _any_cue(cues) for label, cues in cues_by_label.items() if cues
        }
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    @classmethod
    def default(cls) -> Matcher:
        """The matcher over the packaged data, built once per process."""
        return _default_matcher()

    # -- public helpers for the dialogs

    def offer(self, label: str) -> str | None:
        """The confirmation question for a guessed label (intent offer or the FAQ question)."""
        if label.startswith(FAQ_PREFIX):
            entry = self.catalogue.faqs.get(label.removeprefix(FAQ_PREFIX))
            return f"Có phải Bác muốn hỏi: {entry.question}" if entry else None
        intent = self.catalogue.intents.get(label)
        return intent.offer if intent else None

    def faq(self, label_or_id: str) -> FaqEntry:
        """The common question behind "faq:<id>" (or a bare id)."""
        return self.catalogue.faqs[label_or_id.removeprefix(FAQ_PREFIX)]

    # -- matching

    def _correct_uncached(self, token: str) -> str | None:
        """The vocabulary word a misspelt token stands for, or None."""
        for cut in range(2, len(token) - 1):
            head, tail = token[:cut], token[cut:]
            if head in self._weights and tail in self._weights and min(len(head), len(tail)) > 1:
                return f"{head} {tail}"
        if len(token) < 5 or token.isdigit():
            return None
        found = process.extractOne(token, self._vocab, scorer=fuzz.ratio, score_cutoff=85)
        return found[0] if found else None

    def _clauses(self, text: str) -> list[list[str]]:
        """The message's clauses as canonical tokens, misspellings corrected. Clauses are kept
        apart so that "…không, máy móc khó quá" is a question followed by a remark."""
        clauses: list[list[str]] = []
        for part in _CLAUSE_BREAK.split(text):
            words: list[str] = []
            for tok in _normalised(part):
                if tok not in self._weights and tok not in self._plain_words:
                    fixed = self._correct(tok)
                    if fixed is not None:
                        words.extend(fixed.split())
                        continue
                words.append(tok)
            if words:
                clauses.append(_canonical(words))
        return clauses

    def _weight(self, token: str) -> float:
        known = self._weights.get(token)
        if known is not None:
            return known
        if token in _PARTICLES:
            return _PARTICLE_WEIGHT
        if token in _FUNCTION_WORDS:
            return _FUNCTION_WEIGHT
        return _DIGIT_WEIGHT if token.isdigit() else _UNKNOWN_WEIGHT

    def scores(self, text: str, allowed: Collection[str] | None = None) -> list[tuple[str, float]]:
        """Every label that shares a word with the message, best first, with its score."""
        return self._ranked(text, allowed, None)

    def _ranked(
        self, text: str, allowed: Collection[str] | None, limit: int | None
    ) -> list[tuple[str, float]]:
        """The first `limit` of `scores` (all when None), with the same scores and order.

        A label below the `limit` best found so far cannot be among the first `limit`, so its
        phrases are not worked out: match() needs four labels, a message about dues finds forty.
        """
        clauses = self._clauses(text)
        if not clauses:
            return []
        tokens = [tok for clause in clauses for tok in clause]
        qset = set(tokens)
        qcontent = qset - _PARTICLES - _FUNCTION_WORDS
        qbigrams = {pair for clause in clauses for pair in pairwise(clause)}
        qnegated = frozenset().union(*(_negated(clause) for clause in clauses))
        asks = "hoigi" in qset
        weights = {t: self._weight(t) for t in qset}
        qweight = sum(weights.values())
        social = sum(weights[t] for t in qset & _SOCIAL_WORDS)
        # A request that comes with a greeting or thanks is judged without them.
        content_weight = max(qweight - social, min(qweight, 1.0))
        # Phrases are found through the message's meaningful words; light words ("có", "không")
        # only add to phrases found that way, unless the message has nothing else ("có ạ").
        known = [(t, w) for t, w in weights.items() if t in self._weights]
        heavy = [(t, w) for t, w in known if w > _FUNCTION_WEIGHT]
        light = [(t, w) for t, w in known if w <= _FUNCTION_WEIGHT]
        found = heavy or light
        overlap: dict[int, float] = {}
        if found:  # the first word's phrases all start at its weight: set in bulk
            first, weight = found[0]
            overlap = dict.fromkeys(self._postings[first], weight)
        for tok, weight in found[1:]:
            for index in self._postings[tok]:
                overlap[index] = overlap.get(index, 0.0) + weight
        light_total = sum(w for _, w in light) if heavy else 0.0
        spaced = f" {' '.join(tokens)} "
        cued = {label for label, cue in self._cues.items() if cue.search(spaced)}
        best: dict[str, float] = {}
        top = 0.0
        # The `limit`th best score so far; a cue can still lift a cued label above it.
        kth = 0.0
        # Scores below `floor` are not worked out (see _SCORE_RANGE); nor is any phrase once even
        # a perfect match of it would share too little of the message to reach the floor (or,
        # with no cued label, the `limit`th label).
        floor = _SCORE_FLOOR
        least = _least_upper(floor, content_weight)
        phrases = self._phrases
        # Best-matched phrases first, so that weaker phrases are skipped below.
        for index, matched in sorted(overlap.items(), key=itemgetter(1), reverse=True):
            upper = matched + light_total
            if upper < least:
                break
            phrase = phrases[index]
            label = phrase.label
            if allowed is not None and not _allows(allowed, label):
                continue
            denominator = qweight if phrase.social else content_weight
            # Most phrases found share only a common word: skip those that cannot matter, by
            # the score they would have with every light word and perfect word order. That is
            # _combine(recall, precision, 1.0) written out (both shares are above 0), since this
            # runs for every phrase found and the call would cost as much as the sum.
            recall = upper / phrase.weight if upper < phrase.weight else 1.0
            precision = upper / denominator if upper < denominator else 1.0
            ceiling = 100 * (
                (1 - _ADJACENCY) * (2 * precision * recall / (precision + recall)) + _ADJACENCY
            )
            known = best.get(label, 0.0)
            if ceiling < floor or ceiling <= known:
                continue
            # Nor are phrases that cannot beat the `limit`th label, or their label's best with
            # their actual word order (cheap to know); the label keeps its place among equal
            # scores as if they had been worked out.
            beaten = known if label in cued or known >= kth else kth
            if ceiling < beaten:
                best.setdefault(label, 0.0)
                continue
            if phrase.bigrams:
                adjacency = len(phrase.bigrams & qbigrams) / len(phrase.bigrams)
            else:
                adjacency = 1.0 if qcontent <= phrase.tokens else 0.0
            # The ceiling with the actual word order: _combine is linear in adjacency.
            if ceiling - 100 * _ADJACENCY * (1 - adjacency) < beaten - _ROUNDING:
                best.setdefault(label, 0.0)
                continue
            if light_total:
                matched += sum(w for t, w in light if t in phrase.tokens)
            score = _combine(matched / phrase.weight, min(1.0, matched / denominator), adjacency)
            if (phrase.negates or qnegated) and (
                (phrase.negates - qnegated) & qset or (qnegated - phrase.negates) & phrase.tokens
            ):
                score *= _NEGATION_MISMATCH
            if asks and phrase.requests:
                score *= _QUESTION_MISMATCH
            if score > known:
                best[label] = score
                if limit is not None and score > kth and len(best) >= limit:
                    kth = sorted(best.values(), reverse=True)[limit - 1]
                if score > top:
                    top = score
                    floor = max(_SCORE_FLOOR, top - _SCORE_RANGE)
                # A cued label's score may still rise above kth, so then only the floor stops.
                least = _least_upper(floor if cued else max(floor, kth), content_weight)
        for label in self._cues:
            score = best.get(label, 0.0)
            if score >= _CUE_FLOOR and label in cued:
                best[label] = score + _CUE_BONUS * (100.0 - score) / 50.0
        return sorted(best.items(), key=itemgetter(1), reverse=True)[:limit]

    def match(self, text: str, allowed: Collection[str] | None = None) -> Match:
        """The best label for `text`, restricted to `allowed` labels when given.

        `allowed` may contain "faq:*" to allow every common question. Only the first
        MAX_CHARS characters are read: what a member asks is at the start of a message, and a
        pasted page must not cost more than a question.
        """
        text = text[:MAX_CHARS]
        folded = _fold_split(text)
        if not any(c.isalpha() for token in folded for c in token):
            return Match(NONE, 0.0, False)
        limits = self.thresholds
        ranked = self._ranked(text, allowed, _SHOWN)
        top_label, top_score = ranked[0] if ranked else (NONE, 0.0)
        english_ok = allowed is None or ENGLISH in allowed
        if english_ok and top_score < 99 and _is_english(text, folded):
            return Match(ENGLISH, 100.0, True, [(lbl, round(s, 1)) for lbl, s in ranked[:3]])
        if top_score < limits.suggest:
            return Match(
                NONE, round(top_score, 1), False, [(lbl, round(s, 1)) for lbl, s in ranked[:3]]
            )
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        confident = top_score >= limits.confident and top_score - runner_up >= limits.margin
        return Match(
            top_label,
            round(top_score, 1),
            confident,
            [(lbl, round(s, 1)) for lbl, s in ranked[1:4]],
        )


def _allows(allowed: Collection[str], label: str) -> bool:
    return label in allowed or (label.startswith(FAQ_PREFIX) and "faq:*" in allowed)


@cache
def _default_matcher() -> Matcher:
    return Matcher(load_catalogue())


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class CorpusRow:
    text: str
    expected: str
    split: str = "dev"


@dataclass(frozen=True, slots=True)
class Outcome:
    row: CorpusRow
    got: Match

    @property
    def correct(self) -> bool:
        return self.got.label == self.row.expected


@dataclass(frozen=True, slots=True)
class Report:
    """How the matcher did on a set of labelled messages."""

    outcomes: tuple[Outcome, ...]

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def accuracy(self) -> float:
        return sum(o.correct for o in self.outcomes) / self.total if self.total else 0.0

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]

    @property
    def confident_wrong(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.got.confident and not o.correct]

    @property
    def confident_share(self) -> float:
        return sum(o.got.confident for o in self.outcomes) / self.total if self.total else 0.0

    def per_label(self) -> dict[str, tuple[float, float, int]]:
        """label -> (precision, recall, support)."""
        expected = Counter(o.row.expected for o in self.outcomes)
        predicted = Counter(o.got.label for o in self.outcomes)
        hits = Counter(o.row.expected for o in self.outcomes if o.correct)
        return {
            label: (
                hits[label] / predicted[label] if predicted[label] else 0.0,
                hits[label] / expected[label] if expected[label] else 0.0,
                expected[label],
            )
            for label in sorted(set(expected) | set(predicted))
        }


def evaluate(rows: Iterable[CorpusRow], matcher: Matcher | None = None) -> Report:
    """Run the matcher over labelled messages."""
    matcher = matcher or Matcher.default()
    return Report(tuple(Outcome(row, matcher.match(row.text)) for row in rows))


def format_report(report: Report, title: str = "NLU") -> str:
    """Accuracy, confident-wrong count, weak labels and every miss, as plain text."""
    lines = [
        f"{title}: {report.total} messages, top-1 accuracy {report.accuracy:.1%}, "
        f"confident {report.confident_share:.0%}, confident-wrong {len(report.confident_wrong)}",
    ]
    weak = [(lbl, p, r, n) for lbl, (p, r, n) in report.per_label().items() if p < 1 or r < 1]
    if weak:
        lines.append("  labels below 100% (precision / recall / support):")
        lines += [f"    {lbl:<28} {p:>5.0%} {r:>5.0%} {n:>3}" for lbl, p, r, n in weak]
    if report.misses:
        lines.append("  misses (text | expected -> got score, ! = confident):")
        for o in report.misses:
            mark = "!" if o.got.confident else " "
            lines.append(
                f"   {mark} {o.row.text!r} | {o.row.expected} -> {o.got.label} "
                f"{o.got.score:.0f} {o.got.alternatives[:2]}"
            )
    return "\n".join(lines)


def load_corpus(path: str | Path) -> list[CorpusRow]:
    """Rows of a TSV with the columns text, expected, split."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [CorpusRow(r["text"], r["expected"], r.get("split") or "dev") for r in reader]


def report_corpus(path: str | Path, matcher: Matcher | None = None) -> str:
    """The report for every split of a corpus file and for the whole of it."""
    rows = load_corpus(path)
    parts = [
        format_report(evaluate([r for r in rows if r.split == split], matcher), split)
        for split in sorted({r.split for r in rows})
    ]
    whole = evaluate(rows, matcher)
    parts.append(
        f"all: {whole.total} messages, top-1 accuracy {whole.accuracy:.1%}, "
        f"confident-wrong {len(whole.confident_wrong)}"
    )
    return "\n\n".join(parts)
