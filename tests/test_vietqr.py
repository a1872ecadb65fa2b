import io
import string

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from partybot.services.vietqr import (
    Bank,
    ascii_memo,
    bank_by_bin,
    banks,
    build_payload,
    crc16_ccitt_false,
    find_bank,
    parse_payload,
    render_png,
)

# Section 4.2 of the payments reference: public samples, CRCs recomputed there.
WORKED_EXAMPLES = [
    (
        ("970416", "257678859", 10_000, "Chuyen tien"),
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
        "53037045405100005802VN62150811Chuyen tien630453E6",
    ),
    (
        ("970416", "257678859", None, None),
        "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA"
        "53037045802VN6304AE9F",
    ),
    (
        ("970436", "0011001800879", 100_000, "nhan tien"),
        "00020101021238570010A00000072701270006970436011300110018008790208QRIBFTTA"
        "530370454061000005802VN62130809nhan tien6304D1EF",
    ),
    (
        ("970415", "0011001932418", 120_000, "ung ho lu lut"),
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
        "530370454061200005802VN62170813ung ho lu lut6304C15C",
    ),
]


def test_crc_check_value():
    assert crc16_ccitt_false("123456789") == "29B1"
    assert crc16_ccitt_false("") == "FFFF"


@pytest.mark.parametrize(("args", "expected"), WORKED_EXAMPLES)
def test_worked_examples_byte_for_byte(args, expected):
    assert build_payload(*args) == expected


@pytest.mark.parametrize(("args", "expected"), WORKED_EXAMPLES)
def test_parse_worked_examples(args, expected):
    bank_bin, account, amount, memo = args
    parsed = parse_payload(expected)
    assert parsed["bank_bin"] == bank_bin
    assert parsed["account"] == account
    assert parsed["amount"] == amount
    assert parsed["memo"] == memo
    assert parsed["initiation"] == ("12" if amount else "11")
    assert parsed["service"] == "QRIBFTTA"
    assert parsed["currency"] == "704"
    assert parsed["country"] == "VN"
    assert parsed["crc"] == expected[-4:]
    assert "54" not in parsed["fields"] if amount is None else parsed["fields"]["54"] == str(amount)


def test_amount_without_memo_and_memo_without_amount():
    with_amount = parse_payload(build_payload("970418", "12345678901", 35_000, None))
    assert (with_amount["amount"], with_amount["memo"], with_amount["initiation"]) == (
        35_000,
        None,
        "12",
    )
    assert "62" not in with_amount["fields"]
    with_memo = parse_payload(build_payload("970418", "12345678901", None, "DPAB7K9QXZ"))
    assert (with_memo["amount"], with_memo["memo"], with_memo["initiation"]) == (
        None,
        "DPAB7K9QXZ",
        "11",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("97041", "123", 1000, None), "BIN"),
        (("97041A", "123", 1000, None), "BIN"),
        (("9704160", "123", 1000, None), "BIN"),
        (("970416", "", 1000, None), "account"),
        (("970416", "1" * 20, 1000, None), "account"),
        (("970416", "123-456", 1000, None), "account"),
        (("970416", "123", 0, None), "positive"),
        (("970416", "123", -5, None), "positive"),
        (("970416", "123", 10.5, None), "integer"),
        (("970416", "123", True, None), "integer"),
        (("970416", "123", 10**13, None), "13 digits"),
        (("970416", "123", 1000, "Đảng phí"), "ASCII"),
        (("970416", "123", 1000, "tab\there"), "ASCII"),
        (("970416", "123", 1000, "x" * 26), "at most 25"),
        (("970416", "123", 1000, ""), "empty"),
    ],
)
def test_validation_errors(args, message):
    with pytest.raises(ValueError, match=message):
        build_payload(*args)


def test_parse_rejects_bad_crc_and_garbage():
    good = WORKED_EXAMPLES[0][1]
    with pytest.raises(ValueError, match="CRC mismatch"):
        parse_payload(good[:-4] + "0000")
    with pytest.raises(ValueError, match="CRC mismatch"):
        parse_payload(good.replace("Chuyen", "Chuyan"))
    with pytest.raises(ValueError, match="CRC field"):
        parse_payload(good[:-8])
    with pytest.raises(ValueError):
        parse_payload("")
    with pytest.raises(ValueError, match="malformed"):
        parse_payload("hello world")
    # A VNPay merchant code is EMVCo too, but not a VietQR transfer.
    body = "000201010211" + "3814" + "0010A000000775" + "5303704" + "5802VN" + "6304"
    with pytest.raises(ValueError, match="not VietQR"):
        parse_payload(body + crc16_ccitt_false(body))


def test_parse_accepts_lower_case_crc():
    good = WORKED_EXAMPLES[2][1]
    assert parse_payload(good[:-4] + good[-4:].lower())["amount"] == 100_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đảng phí T12/2026", "Dang phi T12/2026"),
        ("ĐÓNG ĐẢNG PHÍ THÁNG MƯỜI HAI", "DONG DANG PHI THANG MUOI"),
        ("Nguyễn Thị Ướt  \n DPAB7K9QXZ", "Nguyen Thi Uot DPAB7K9QXZ"),
        ("Phạm Văn Ơn", "Pham Van On"),
        ("e\u0302\u0301 (NFD)", "e (NFD)"),
        ("中文 abc", "abc"),
        ("", ""),
    ],
)
def test_ascii_memo(text, expected):
    memo = ascii_memo(text)
    assert memo == expected
    assert len(memo) <= 25
    if memo:
        build_payload("970436", "0011001800879", 1000, memo)


def _decode(png: bytes) -> str:
    image = Image.open(io.BytesIO(png))
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    assert results[0].ec_level == "M"
    return results[0].text


@pytest.mark.parametrize(
    "payload",
    [
        WORKED_EXAMPLES[0][1],
        WORKED_EXAMPLES[1][1],
        build_payload("970436", "0011001800879", 35_000, "DPAB7K9QXZ Nguyen Van An"[:25]),
        build_payload("970454", "9" * 19, 9_999_999_999_999, "x" * 25),
        build_payload("970405", "1500205123456", 5_000, "DP2345 6789 ~!@#$%^&*()_+"),
    ],
)
def test_png_decodes_to_the_same_payload(payload):
    png = render_png(payload)
    assert png.startswith(b"\x89PNG")
    assert _decode(png) == payload


def test_png_scale_and_quiet_zone():
    payload = WORKED_EXAMPLES[2][1]
    small = Image.open(io.BytesIO(render_png(payload, scale=2)))
    large = Image.open(io.BytesIO(render_png(payload, scale=8)))
    assert large.size[0] == 4 * small.size[0]
    # The 4-module quiet zone: the outer 8 pixels of a scale-2 image are all light.
    gray = small.convert("L")
    width = gray.size[0]
    border = [gray.getpixel((x, y)) for x in range(width) for y in range(8)]
    assert min(border) == 255


def test_banks_ship_with_the_package():
    known = {b.bin: b for b in banks()}
    assert len(known) == len(banks()) == 19
    assert known["970436"].short_name == "Vietcombank"
    assert known["970418"].short_name == "BIDV"
    assert known["970415"].short_name == "VietinBank"
    assert known["970405"].short_name == "Agribank"
    assert known["970454"].name == "Ngân hàng TMCP Bản Việt"
    assert all(len(b.bin) == 6 and b.bin.isdigit() for b in banks())


def test_bank_by_bin():
    assert bank_by_bin("970436") == Bank(
        "970436", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam", ("VCB",)
    )
    assert bank_by_bin(" 970422 ").short_name == "MB"
    assert bank_by_bin("999999") is None


@pytest.mark.parametrize(
    ("text", "bin_"),
    [
        ("vcb", "970436"),
        ("VCB", "970436"),
        ("Vietcombank", "970436"),
        ("viet com bank", "970436"),
        ("Ngân hàng Ngoại thương Việt Nam", None),
        ("Ngân hàng TMCP Ngoại thương Việt Nam", "970436"),
        ("vietinbank", "970415"),
        ("NH VietinBank", "970415"),
        ("ngân hàng công thương", None),
        ("970415", "970415"),
        ("bidv", "970418"),
        ("agribank", "970405"),
        ("mb bank", "970422"),
        ("MBBank", "970422"),
        ("LienVietPostBank", "970449"),
        ("Bản Việt", "970454"),
        ("vib", "970441"),
        ("vpb", "970432"),
        ("vpa", None),
        ("", None),
        ("123456", None),
    ],
)
def test_find_bank(text, bin_):
    bank = find_bank(text)
    assert (bank.bin if bank else None) == bin_


_accounts = st.text(string.ascii_letters + string.digits, min_size=1, max_size=19)
_memos = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=25)


@given(
    bank_bin=st.from_regex(r"\A\d{6}\Z"),
    account=_accounts,
    amount=st.none() | st.integers(min_value=1, max_value=10**13 - 1),
    memo=st.none() | _memos.filter(bool),
)
def test_build_parse_round_trip(bank_bin, account, amount, memo):
    payload = build_payload(bank_bin, account, amount, memo)
    assert crc16_ccitt_false(payload[:-4]) == payload[-4:]
    parsed = parse_payload(payload)
    assert (parsed["bank_bin"], parsed["account"], parsed["amount"], parsed["memo"]) == (
        bank_bin,
        account,
        amount,
        memo,
    )


@given(st.text(max_size=200))
def test_ascii_memo_always_buildable(text):
    memo = ascii_memo(text)
    assert len(memo) <= 25
    if memo:
        assert parse_payload(build_payload("970436", "1", None, memo))["memo"] == memo
