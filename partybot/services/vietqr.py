"""VietQR (NAPAS 247 bank transfer) payloads, generated offline, and the banks that accept them.

A static transfer QR gives no payment callback, so the memo carries our payment reference;
the payload format is EMVCo MPM TLV with a CRC-16/CCITT-FALSE checksum.
"""

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TypedDict

import segno

from partybot.services.textnorm import fold

VIETQR_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
MEMO_MAX = 25
ACCOUNT_MAX = 19
AMOUNT_MAX_DIGITS = 13  # EMVCo field 54 is at most 13 characters

_BIN = re.compile(r"\d{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+")
_CRC_TAG = "6304"


def crc16_ccitt_false(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, unreflected) as 4 uppercase hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def ascii_memo(text: str) -> str:
    """Fold Vietnamese to printable ASCII (case kept) and trim to the 25 characters banks keep.

    Field lengths are counted in characters, so diacritics would break the payload for some
    banking apps; "Đảng phí T12" becomes "Dang phi T12".
    """
    out: list[str] = []
    for char in " ".join(text.split()):
        if _PRINTABLE_ASCII.fullmatch(char):
            out.append(char)
            continue
        plain = fold(char)
        if plain.isascii():
            out.append(plain.upper() if char.isupper() else plain)
    return "".join(out)[:MEMO_MAX].strip()


def _validate(bank_bin: str, account: str, amount: int | None, memo: str | None) -> None:
    if not _BIN.fullmatch(bank_bin):
        raise ValueError(f"bank BIN must be exactly 6 digits, got {bank_bin!r}")
    if not _ACCOUNT.fullmatch(account):
        raise ValueError(
            f"account number must be 1-{ACCOUNT_MAX} ASCII letters or digits, got {account!r}"
        )
    if amount is not None:
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise ValueError(f"amount must be an integer number of VND, got {amount!r}")
        if amount <= 0:
            raise ValueError(f"amount must be positive, got {amount}")
        if len(str(amount)) > AMOUNT_MAX_DIGITS:
            raise ValueError(f"amount must have at most {AMOUNT_MAX_DIGITS} digits, got {amount}")
    if memo is not None:
        if not memo:
            raise ValueError("memo must not be empty; pass None to leave it out")
        if not _PRINTABLE_ASCII.fullmatch(memo):
            raise ValueError(
                f"memo must be printable ASCII without diacritics, got {memo!r}; "
                "use ascii_memo() to convert it"
            )
        if len(memo) > MEMO_MAX:
            raise ValueError(
                f"memo must be at most {MEMO_MAX} characters, got {len(memo)}: {memo!r}"
            )


def build_payload(bank_bin: str, account: str, amount: int | None, memo: str | None) -> str:
    """The VietQR string for a transfer to `account` at the bank `bank_bin`.

    With an amount the code is dynamic (01=12) and the banking app fills the amount in;
    without one it is static (01=11). Raises ValueError on anything a bank would reject.
    """
    _validate(bank_bin, account, amount, memo)
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    merchant = _tlv("00", VIETQR_GUID) + _tlv("01", beneficiary) + _tlv("02", SERVICE_TO_ACCOUNT)
    parts = [
        _tlv("00", "01"),
        _tlv("01", "12" if amount is not None else "11"),
        _tlv("38", merchant),
        _tlv("53", CURRENCY_VND),
    ]
    if amount is not None:
        parts.append(_tlv("54", str(amount)))
    parts.append(_tlv("58", COUNTRY_VN))
    if memo is not None:
        parts.append(_tlv("62", _tlv("08", memo)))
    body = "".join(parts) + _CRC_TAG
    return body + crc16_ccitt_false(body)


def _parse_tlv(data: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        head = data[pos : pos + 4]
        if len(head) < 4 or not head.isdigit():
            raise ValueError(f"malformed TLV header {head!r} at position {pos}")
        tag, length = head[:2], int(head[2:])
        value = data[pos + 4 : pos + 4 + length]
        if len(value) != length:
            raise ValueError(f"field {tag} at position {pos} is truncated")
        if tag in fields:
            raise ValueError(f"field {tag} appears twice")
        fields[tag] = value
        pos += 4 + length
    return fields


class ParsedPayload(TypedDict):
    """What a VietQR payload says, plus its raw top-level fields for support work."""

    initiation: str  # "11" static, "12" dynamic
    bank_bin: str
    account: str
    service: str  # QRIBFTTA (to account) or QRIBFTTC (to card)
    currency: str
    amount: int | None
    country: str
    memo: str | None
    crc: str
    fields: dict[str, str]


def parse_payload(payload: str) -> ParsedPayload:
    """Parse a VietQR string and check its CRC; raises ValueError when it is not a valid one."""
    fields = _parse_tlv(payload)
    if list(fields)[-1:] != ["63"] or len(fields["63"]) != 4:
        raise ValueError("payload does not end with a CRC field (6304XXXX)")
    expected = crc16_ccitt_false(payload[:-4])
    if fields["63"].upper() != expected:
        raise ValueError(f"CRC mismatch: payload says {fields['63']}, computed {expected}")
    if fields.get("00") != "01":
        raise ValueError("payload format indicator (field 00) must be 01")
    if "38" not in fields:
        raise ValueError("no VietQR merchant account field (38)")
    merchant = _parse_tlv(fields["38"])
    if merchant.get("00") != VIETQR_GUID:
        raise ValueError(f"field 38 is not VietQR (GUID {merchant.get('00')!r})")
    beneficiary = _parse_tlv(merchant.get("01", ""))
    if "00" not in beneficiary or "01" not in beneficiary:
        raise ValueError("field 38/01 must hold the bank BIN (00) and the account (01)")
    amount = fields.get("54")
    if amount is not None and not amount.isdigit():
        raise ValueError(f"amount (field 54) is not an integer: {amount!r}")
    extra = _parse_tlv(fields["62"]) if "62" in fields else {}
    return ParsedPayload(
        initiation=fields.get("01", ""),
        bank_bin=beneficiary["00"],
        account=beneficiary["01"],
        service=merchant.get("02", ""),
        currency=fields.get("53", ""),
        amount=int(amount) if amount is not None else None,
        country=fields.get("58", ""),
        memo=extra.get("08"),
        crc=fields["63"],
        fields=fields,
    )


def render_png(payload: str, scale: int = 8) -> bytes:
    """The QR code as a PNG: error correction M (never boosted), quiet zone of 4 modules."""
    qr = segno.make_qr(payload, error="m", boost_error=False)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


@dataclass(frozen=True)
class Bank:
    """A bank that accepts NAPAS 247 transfers by VietQR."""

    bin: str
    short_name: str
    name: str
    aliases: tuple[str, ...] = ()


@cache
def banks() -> tuple[Bank, ...]:
    """All banks from data/banks.csv, in file order."""
    text = resources.files("partybot.services.data").joinpath("banks.csv").read_text("utf-8")
    return tuple(
        Bank(
            bin=row["bin"],
            short_name=row["short_name"],
            name=row["name"],
            aliases=tuple(a for a in row["aliases"].split("|") if a),
        )
        for row in csv.DictReader(io.StringIO(text))
    )


_BANK_WORDS = re.compile(r"^(?:ngan hang|nh|bank)\s+")


def _key(text: str) -> str:
    return _BANK_WORDS.sub("", fold(text)).replace(" ", "")


@cache
def _bank_index() -> dict[str, Bank]:
    index: dict[str, Bank] = {}
    for bank in banks():
        for label in (bank.bin, bank.short_name, bank.name, *bank.aliases):
            index.setdefault(_key(label), bank)
    return index


def bank_by_bin(bank_bin: str) -> Bank | None:
    """The bank with this 6-digit BIN, if we know it."""
    return next((b for b in banks() if b.bin == bank_bin.strip()), None)


def find_bank(text: str) -> Bank | None:
    """The bank a person or a statement names: "vcb", "Vietcombank", "NH Vietinbank", "970436".

    Exact after folding case, diacritics and spaces; no fuzzy guessing, because "VIB" and "VPB"
    are both real banks.
    """
    return _bank_index().get(_key(text))
