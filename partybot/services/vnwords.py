"""Amounts in Vietnamese words, both ways.

Receipts print the amount in words ("Ba mươi lăm nghìn đồng"), and members sometimes type a base
in words ("bảy triệu rưỡi"). Reading refuses what is genuinely ambiguous ("một trăm hai" is 102 in
writing but 120 in speech) rather than guessing.
"""

from partybot.services.textnorm import fold

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ")
MAX_WORDS = 10**12 - 1


def _group(value: int, full: bool) -> list[str]:
    """One group of three digits; `full` reads leading zeros ("không trăm linh năm")."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if full or hundreds:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += (["linh"] if words else []) + [DIGITS[units]]
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGITS[units])
    else:
        words += [DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 5: "lăm"}.get(units, DIGITS[units]))
    return words


def to_words(amount: int) -> str:
    """0 <= amount < 10^12 in words, lower case: 105000 -> "một trăm linh năm nghìn"."""
    if not 0 <= amount <= MAX_WORDS:
        raise ValueError(f"amount out of range: {amount}")
    if amount == 0:
        return DIGITS[0]
    groups = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    words: list[str] = []
    for scale in range(len(groups) - 1, -1, -1):
        value = groups[scale]
        if value == 0:
            continue
        words += _group(value, full=bool(words))
        if SCALES[scale]:
            words.append(SCALES[scale])
    return " ".join(words)


def vnd_in_words(amount: int) -> str:
    """ "Ba mươi lăm nghìn đồng" — as receipts write it."""
    text = to_words(amount) + " đồng"
    return text[0].upper() + text[1:]


_DIGIT_WORDS = {fold(word): index for index, word in enumerate(DIGITS)} | {
    "mot": 1,
    "lam": 5,
    "tu": 4,
    "bon": 4,
    "nam": 5,
}
_SCALE_WORDS = {"nghin": 1000, "ngan": 1000, "trieu": 10**6, "ty": 10**9, "ti": 10**9}
_TENS = {"muoi", "chuc"}
_FILLERS = {"linh", "le"}
_CURRENCY = {"dong", "d", "vnd"}


def from_words(text: str) -> int | None:
    """ "bảy triệu rưỡi" -> 7500000; None when the words are not a clear amount."""
    tokens = [t for t in fold(text).split() if t not in _CURRENCY]
    if not tokens:
        return None
    total, group = 0, 0
    digit: int | None = None
    digit_after = ""  # what came before the pending digit
    previous = "start"  # start, digit, tens, hundred, filler, scale, half
    last_scale = 10**15

    def units() -> int | None:
        # A bare digit right after "trăm" or a scale word is a spoken shorthand ("một trăm
        # hai" = 120, "bảy triệu hai" = 7,200,000) that writing reads otherwise: refuse it.
        if digit is None:
            return 0
        return None if digit_after in ("hundred", "scale") else digit

    for token in tokens:
        if previous == "half":
            return None
        if token in _DIGIT_WORDS:
            if digit is not None:
                return None
            digit, digit_after, previous = _DIGIT_WORDS[token], previous, "digit"
        elif token == "tram":
            if previous not in ("digit", "start", "scale") or group:
                return None
            group += (1 if digit is None else digit) * 100
            digit, previous = None, "hundred"
        elif token in _TENS:
            if previous not in ("digit", "start", "scale", "hundred"):
                return None
            group += 10 if digit is None else digit * 10
            digit, previous = None, "tens"
        elif token in _FILLERS:
            if previous != "hundred":
                return None
            previous = "filler"
        elif token in _SCALE_WORDS:
            scale, last = _SCALE_WORDS[token], units()
            if last is None or scale >= last_scale:
                return None
            value = group + last
            if value == 0 and previous != "start":
                return None
            total += (value or 1) * scale
            group, digit, previous, last_scale = 0, None, "scale", scale
        elif token == "ruoi":
            if previous == "scale":
                total += last_scale // 2
            elif previous == "hundred":
                group += 50
            else:
                return None
            previous = "half"
        else:
            return None
    last = units()
    if last is None or previous == "filler":
        return None
    return total + group + last
