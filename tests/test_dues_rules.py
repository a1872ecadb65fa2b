"""Dues amounts for every category, across the 02/2026 rule change, with exemptions, reductions
and the rounding rule; the rules file and the operator's changes to it; amounts in words."""

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partybot.services.dues_rules import (
    AmountUnknown,
    Facts,
    RetirementAge,
    RulesError,
    compute,
    packaged_rules,
    packaged_text,
    parse_rules,
    with_rate,
    with_wage,
)
from partybot.services.vnwords import from_words, to_words, vnd_in_words

RULES = packaged_rules()
DEC_2026 = date(2026, 12, 1)
JAN_2026 = date(2026, 1, 1)  # the last month of Quyết định 342
FEB_2026 = date(2026, 2, 1)  # the first month of Quy định 01
JAN_2028 = date(2028, 1, 1)
YOUNG = date(1985, 8, 20)  # 41 in 2026: below retirement age whatever the sex
OLD = date(1950, 5, 17)  # past retirement age whatever the sex
ADMITTED = date(1990, 3, 2)  # 36 years in the Party in 2026


def facts(category, base=None, birth=OLD, sex=None, admitted=ADMITTED, region=1, decisions=()):
    return Facts(category, base, birth, sex, admitted, region, tuple(decisions))


# (case, facts, month, amount due, rule)
AMOUNTS = [
    # Quy định 01-QĐ/TW
    ("salary 1% of 9,360,000", facts("salary", 9_360_000, YOUNG), DEC_2026, 93_600, "QD01"),
    ("benefit 1% of 4,500,000", facts("benefit", 4_500_000, YOUNG), DEC_2026, 45_000, "QD01"),
    ("pension 0.5% of 7,000,000", facts("pension", 7_000_000), DEC_2026, 35_000, "QD01"),
    ("pension 0.5% of 6,850,000", facts("pension", 6_850_000), DEC_2026, 34_250, "QD01"),
    ("student flat", facts("student", None, YOUNG), DEC_2026, 5_000, "QD01"),
    ("no income, young, region I", facts("no_income", None, YOUNG), DEC_2026, 15_930, "QD01"),
    ("no income, young, II", facts("no_income", None, YOUNG, region=2), DEC_2026, 14_190, "QD01"),
    ("no income, young, III", facts("no_income", None, YOUNG, region=3), DEC_2026, 12_420, "QD01"),
    ("no income, young, IV", facts("no_income", None, YOUNG, region=4), DEC_2026, 11_100, "QD01"),
    ("no income, old, region I", facts("no_income", None, OLD), DEC_2026, 10_620, "QD01"),
    ("no income, young, 2028", facts("no_income", None, YOUNG), JAN_2028, 26_550, "QD01"),
    ("no income, old, 2028", facts("no_income", None, OLD), JAN_2028, 15_930, "QD01"),
    ("abroad allowance 1%", facts("abroad_allowance", 20_000_000), DEC_2026, 200_000, "QD01"),
    ("abroad, set amount", facts("abroad_other", 100_000), DEC_2026, 100_000, "QD01"),
    ("social pension: exempt", facts("social_pension"), DEC_2026, 0, "QD01"),
    ("first month of QĐ 01", facts("pension", 7_000_000), FEB_2026, 35_000, "QD01"),
    # Quyết định 342-QĐ/TW (history)
    ("342 salary 1%", facts("salary", 9_360_000, YOUNG), JAN_2026, 93_600, "QD342"),
    ("342 benefit 1%", facts("benefit", 4_500_000, YOUNG), JAN_2026, 45_000, "QD342"),
    ("342 pension 0.5%", facts("pension", 7_000_000), JAN_2026, 35_000, "QD342"),
    ("342 student, region I", facts("student", None, YOUNG), JAN_2026, 10_000, "QD342"),
    ("342 student, region IV", facts("student", None, YOUNG, region=4), JAN_2026, 4_000, "QD342"),
    ("342 no income, working age", facts("no_income", None, YOUNG), JAN_2026, 10_000, "QD342"),
    ("342 no income, past working age", facts("no_income"), JAN_2026, 5_000, "QD342"),
    ("342 no income, II", facts("no_income", None, YOUNG, region=2), JAN_2026, 8_000, "QD342"),
    ("342 social pension: not exempt", facts("social_pension"), JAN_2026, 5_000, "QD342"),
    ("342 abroad allowance", facts("abroad_allowance", 20_000_000), JAN_2026, 200_000, "QD342"),
    ("342 abroad, set amount", facts("abroad_other", 500_000), JAN_2026, 500_000, "QD342"),
]


@pytest.mark.parametrize(
    ("case", "member", "month", "expected", "rule"), AMOUNTS, ids=[a[0] for a in AMOUNTS]
)
def test_amount_for_every_category(case, member, month, expected, rule):
    price = compute(RULES, member, month)
    assert price.amount == expected
    assert price.rule == rule
    assert price.exact == expected  # none of these needs rounding
    assert not price.rounded


def test_fifty_years_in_the_party_exempts_from_qd01_only():
    member = facts("pension", 7_000_000, admitted=date(1970, 5, 19))
    assert compute(RULES, member, JAN_2026).amount == 35_000  # 342 had no such exemption
    price = compute(RULES, member, FEB_2026)
    assert (price.amount, price.exemption) == (0, "party_age")


def test_party_age_counts_from_the_month_of_the_fiftieth_anniversary():
    member = facts("pension", 6_800_000, admitted=date(1976, 3, 8))
    assert compute(RULES, member, date(2026, 2, 1)).amount == 34_000
    assert compute(RULES, member, date(2026, 3, 1)).exemption == "party_age"


def test_excused_from_meetings_for_age_is_not_exempt():
    # There is no such fact at all: an 80-year-old pensioner pays like anyone else.
    member = facts("pension", 5_900_000, birth=date(1946, 1, 1), admitted=date(1990, 1, 1))
    assert compute(RULES, member, DEC_2026).amount == 29_500


@pytest.mark.parametrize(
    ("category", "base", "percent", "expected"),
    [
        ("pension", 7_000_000, 30, 24_500),
        ("pension", 7_000_000, 50, 17_500),
        ("pension", 7_000_000, 70, 10_500),
        ("no_income", None, 30, 11_151),
        ("no_income", None, 50, 7_965),
        ("no_income", None, 70, 4_779),
        ("salary", 9_360_000, 50, 46_800),
        ("student", None, 50, 2_500),
    ],
)
def test_reductions_by_decision(category, base, percent, expected):
    decision = (date(2026, 11, 1), date(2027, 4, 1), percent)
    member = facts(category, base, YOUNG, decisions=[decision])
    price = compute(RULES, member, DEC_2026)
    assert (price.amount, price.reduction) == (expected, percent)
    assert compute(RULES, member, date(2026, 10, 1)).reduction == 0  # before the decision
    assert compute(RULES, member, date(2027, 5, 1)).reduction == 0  # after it


def test_full_exemption_by_decision():
    member = facts("pension", 7_000_000, decisions=[(DEC_2026, date(2027, 5, 1), 100)])
    price = compute(RULES, member, DEC_2026)
    assert (price.amount, price.exemption) == (0, "decision")


def test_a_fraction_of_a_dong_is_kept_exact_and_rounded_up():
    price = compute(RULES, facts("pension", 7_123_457), DEC_2026)
    assert price.exact == Fraction("35617.285")
    assert price.amount == 35_618 and price.rounded
    halved = compute(
        RULES, facts("pension", 7_123_457, decisions=[(DEC_2026, DEC_2026, 50)]), DEC_2026
    )
    assert halved.exact == Fraction("17808.6425") and halved.amount == 17_809


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        (facts(None), "no_category"),
        (facts("pension", None), "no_base"),
        (facts("salary", 0), "no_base"),
        (facts("no_income", None, YOUNG, region=None), "no_region"),
        (facts("no_income", None, None), "no_birth_date"),
        (facts("abroad_other", 500_000), "out_of_range"),
        (facts("abroad_other", 20_000), "out_of_range"),
    ],
)
def test_missing_facts_are_named_not_guessed(member, reason):
    with pytest.raises(AmountUnknown) as raised:
        compute(RULES, member, DEC_2026)
    assert raised.value.reason == reason


def test_no_rule_before_342():
    with pytest.raises(AmountUnknown) as raised:
        compute(RULES, facts("pension", 7_000_000), date(2009, 1, 1))
    assert raised.value.reason == "no_rule"


@pytest.mark.parametrize(
    ("birth", "sex", "older", "assumed"),
    [
        (date(1960, 1, 15), "male", True, False),
        (date(1966, 4, 4), "male", False, False),  # reaches 62 in 04/2028
        (date(1968, 6, 10), "female", True, False),  # reached 56y8m in 02/2025
        (date(1968, 6, 10), "male", False, False),
        (date(1968, 6, 10), None, False, True),  # sex unknown, ambiguous: the "below" rate
        (date(1985, 8, 20), None, False, False),
        (date(1950, 5, 17), None, True, False),
    ],
)
def test_retirement_age_split(birth, sex, older, assumed):
    price = compute(RULES, facts("no_income", None, birth, sex), DEC_2026)
    assert (price.older, price.older_assumed) == (older, assumed)
    assert price.amount == (10_620 if older else 15_930)
    assert price.uncertain  # the minimum wages are unverified figures


def test_retirement_schedule():
    male = RULES.retirement["male"]
    female = RULES.retirement["female"]
    assert male.reached_on(date(1966, 4, 4)) == date(2028, 4, 4)
    assert male.reached_on(date(1966, 1, 4)) == date(2027, 10, 4)  # 61 years 9 months
    assert male.reached_on(date(1958, 3, 1)) == date(2018, 3, 1)  # before the reform: 60
    assert female.reached_on(date(1970, 1, 1)) == date(2027, 5, 1)  # 57 years 4 months
    assert female.reached_on(date(1980, 1, 1)) == date(2040, 1, 1)  # 60 from 2035
    assert RetirementAge(720, 2021, 723, 3, 744).months_in(2040) == 744


def test_packaged_file_marks_what_is_uncertain():
    text = packaged_text()
    assert "APPROXIMATION (unverified)" in text and "rounded UP" in text
    old_bands = [r for r in RULES.rates if r.rule == "QD342" and r.method == "fixed"]
    assert old_bands and all(r.confidence == "unverified" for r in old_bands)
    assert all(w.confidence == "unverified" for w in RULES.wages)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('category = "salary"', "two periods overlap"),
        ('category = "farmer"', "unknown category"),
        ('percent = "0.12345"', "at most 4 decimals"),
        ('method = "guess"', "method must be one of"),
    ],
)
def test_a_broken_rules_file_is_refused(change, message):
    text = packaged_text()
    extra = '\n[[rate]]\nrule = "QD01"\ncategory = "salary"\nmethod = "percent_of_base"\n'
    extra += 'percent = "1"\nconfidence = "single"\n'
    key = change.split(" = ")[0]
    lines = [line if not line.startswith(f"{key} =") else change for line in extra.splitlines()]
    if not any(line.startswith(f"{key} =") for line in extra.splitlines()):
        lines.append(change)
    with pytest.raises(RulesError, match=message):
        parse_rules(text + "\n".join(lines) + "\n")


def test_a_new_rate_applies_from_its_month_and_history_keeps_the_old_one():
    changed = with_rate(RULES, "pension", date(2027, 7, 1), percent="0.6")
    member = facts("pension", 7_000_000)
    assert compute(changed, member, date(2027, 6, 1)).amount == 35_000
    assert compute(changed, member, date(2027, 7, 1)).amount == 42_000
    assert compute(changed, member, JAN_2026).amount == 35_000  # 342 untouched
    with pytest.raises(RulesError, match="not a percentage"):
        with_rate(RULES, "student", date(2027, 7, 1), percent="1")


def test_a_new_minimum_wage_applies_from_its_month():
    changed = with_wage(RULES, 1, date(2027, 1, 1), 5_600_000, "a new decree")
    member = facts("no_income", None, YOUNG)
    assert compute(changed, member, DEC_2026).amount == 15_930
    assert compute(changed, member, date(2027, 1, 1)).amount == 16_800


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (35_000, "Ba mươi lăm nghìn đồng"),
        (34_250, "Ba mươi bốn nghìn hai trăm năm mươi đồng"),
        (105_000, "Một trăm linh năm nghìn đồng"),
        (15_930, "Mười lăm nghìn chín trăm ba mươi đồng"),
        (1_000_005, "Một triệu không trăm linh năm đồng"),
        (21_000, "Hai mươi mốt nghìn đồng"),
    ],
)
def test_amount_in_words(amount, words):
    assert vnd_in_words(amount) == words


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("bảy triệu", 7_000_000),
        ("bay trieu ruoi", 7_500_000),
        ("sáu triệu tám trăm năm mươi nghìn", 6_850_000),
        ("mười hai triệu", 12_000_000),
        ("ba chục nghìn", 30_000),
        ("bảy triệu hai", None),  # 7,200,000 in speech, 7,000,002 in writing: ask again
        ("một trăm hai", None),
        ("bảy tám triệu", None),
        ("nhiều lắm", None),
    ],
)
def test_amount_from_words(typed, value):
    assert from_words(typed) == value


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_words_read_back(amount):
    assert from_words(to_words(amount)) == amount
