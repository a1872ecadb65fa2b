"""Vietnamese phone numbers: one stored form (+84…), however they are typed."""

import re

_SEPARATORS = re.compile(r"[\s.\-()/]")


class InvalidPhone(ValueError):
    """Not a Vietnamese phone number."""


def normalise_phone(raw: str) -> str:
    """'0912 345 678', '84912345678', '+84 912-345-678' -> '+84912345678'.

    Mobile numbers have 9 significant digits (3x, 5x, 7x, 8x, 9x), landlines 10 (2x).
    """
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("84"):
            raise InvalidPhone(raw)
    if not digits.isdigit():
        raise InvalidPhone(raw)
    if digits.startswith("84") and len(digits) in (11, 12):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        raise InvalidPhone(raw)
    national = national.removeprefix("0")
    mobile = len(national) == 9 and national[0] in "35789"
    landline = len(national) == 10 and national[0] == "2"
    if not (mobile or landline):
        raise InvalidPhone(raw)
    return "+84" + national


def display_phone(phone: str) -> str:
    """'+84912345678' -> '0912 345 678', the way people read it aloud."""
    national = "0" + phone.removeprefix("+84")
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:3]} {national[3:7]} {national[7:]}"
