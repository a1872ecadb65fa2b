import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partybot.services.payment_refs import ALPHABET, find_references, new_reference

REF = "DPAB7K9QXZ"
REF2 = "DP3M4N5PCD"


def test_alphabet_has_no_look_alikes():
    assert not set("01OILU") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 30


def test_new_reference_shape():
    refs = {new_reference() for _ in range(500)}
    assert len(refs) == 500
    for ref in refs:
        assert re.fullmatch(f"DP[{ALPHABET}]{{8}}", ref)
        body = ref[2:]
        assert any(c.isdigit() for c in body)
        assert any(c.isalpha() for c in body)
        assert find_references(ref) == [ref]
    assert re.fullmatch(f"HV[{ALPHABET}]{{5}}", new_reference("HV", 5))


@pytest.mark.parametrize(("prefix", "length"), [("", 8), ("dp", 8), ("D1", 8), ("DP", 3)])
def test_new_reference_rejects_bad_arguments(prefix, length):
    with pytest.raises(ValueError):
        new_reference(prefix, length)


@pytest.mark.parametrize(
    "memo",
    [
        REF,
        REF.lower(),
        "DpAb7k9QxZ",
        f"MBVCB.3278614027.{REF}.CT tu 0011001234567 NGUYEN VAN A toi 1500205123456",
        f"MBVCB.123456.{REF}.CT tu 0123 toi 456",
        f"NGUYEN VAN A chuyen tien {REF}",
        f"NGUYEN THI BICH NGOC {REF.lower()} FT26337801234567",
        f"{REF}-NGUYEN VAN A-0912345678",
        f"CUSTOMER {REF}. TU: PHAM VAN ON",
        f"IBFT {REF} GD 123456-031226 10:15:02",
        "TRAN VAN BINH DP AB7K9QXZ",
        "TRAN VAN BINH DP-AB7K9QXZ",
        "DPAB7K 9QXZ NGUYEN VAN A",
        "DPAB7K-9QXZ",
        "DP.AB7K.9QXZ",
        "dp ab7k 9qxz",
        "D PAB7K9QXZ",
        f"Đóng đảng phí tháng 12 {REF}",
        f"NGUYEN VAN A{REF}",
        f"({REF})",
        f"{REF}\n",
        f"{REF} {REF.lower()} {REF}",
    ],
)
def test_finds_the_reference_in_mangled_memos(memo):
    assert find_references(memo) == [REF]


@pytest.mark.parametrize(
    "memo",
    [
        "",
        "NGUYEN VAN A chuyen tien dang phi thang 12",
        "MBVCB.3278614027.dong dang phi.CT tu 0011001234567 NGUYEN VAN A toi 1500205123456",
        "DP thang 12 nam 2026",
        "dp nap dang phi",  # letters only, however well they fit the alphabet
        "DP 23456789",  # digits only: a phone or account fragment
        "DP 2345 6789",
        "DPAB7K9QX",  # one character short
        "DPAB7K9QXZW",  # longer code: not cut short
        "DPAB7K9QXZ7",
        "DP AB 7K 9QXZ",  # too many breaks to trust
        "DP-AB-7K9-QXZ",
        "DPAB7K9Q0Z",  # 0 is not in the alphabet
        "DPAB7K9QUZ",
        "DPAB1K9QXZ",
        "DOAB7K9QXZ",
        "dong dp thang 2 nam 26 nguyen van an",
        "ck dp t12 2026 ho ten nguyen van hung",
    ],
)
def test_finds_nothing_where_there_is_no_reference(memo):
    assert find_references(memo) == []


@pytest.mark.parametrize(
    ("memo", "expected"),
    [
        (f"{REF} {REF2}", [REF, REF2]),
        (f"dong 2 thang: {REF2.lower()}, {REF.lower()}", [REF2, REF]),
        (f"MBVCB.1.{REF}.{REF2}.CT tu 1 toi 2", [REF, REF2]),
        (f"{REF}-{REF2}", [REF, REF2]),
        (f"ck {REF} va DP 3M4N5P-CD nguyen van a", [REF, REF2]),
    ],
)
def test_two_references(memo, expected):
    assert find_references(memo) == expected


def test_other_prefix_and_length():
    assert find_references("HV.7K9QX ho tro", prefix="HV", length=5) == ["HV7K9QX"]
    assert find_references("DPAB7K9QXZ", prefix="HV") == []


_alphabet = st.sampled_from(ALPHABET)
_noise = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789 .-"), max_size=30)


@given(
    before=_noise,
    after=_noise,
    cuts=st.lists(st.integers(min_value=1, max_value=9), max_size=2, unique=True),
    sep=st.sampled_from([" ", ".", "-", "  "]),
    lower=st.booleans(),
)
def test_found_among_noise(before, after, cuts, sep, lower):
    ref = new_reference()
    mangled = ref
    for cut in sorted(cuts, reverse=True):
        mangled = mangled[:cut] + sep + mangled[cut:]
    if lower:
        mangled = mangled.lower()
    memo = f"{before} {mangled} {after}"
    assert ref in find_references(memo)
