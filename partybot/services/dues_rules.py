"""Dues rules as data, and the one function that turns them into a member's monthly amount.

The rules change (they did in 02/2026) and an old month must still compute with its old rule, so
every rate, minimum wage and regime carries a validity period. They live in tables the operator
edits (`partybot rates …`); until the first import the packaged data file is used as is.
Amounts are exact fractions until the very end; a fraction of a đồng is rounded UP, and the
computation says so (see data/dues_rates.toml).
"""

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services.dues_categories import DuesCategory
from partybot.storage.models import DuesRate, DuesRuleSet, MinimumWage

METHODS = ("percent_of_base", "percent_of_min_wage", "fixed", "declared", "exempt")
AGES = ("below", "at_or_above")
CONFIDENCE = ("confirmed", "single", "unverified")
REGIONS = (1, 2, 3, 4)
PPM = 1_000_000  # rates are stored as parts per million of the base
SEXES = ("male", "female")


class RulesError(ValueError):
    """The rules file or an operator's change is not usable; the message says where."""


class AmountUnknown(LookupError):
    """The amount cannot be computed: a fact is missing (see `reason`)."""

    def __init__(self, reason: str, month: date) -> None:
        super().__init__(f"{reason} for {month:%Y-%m}")
        self.reason = reason  # no_rule, no_category, no_rate, no_base, no_region, no_wage,
        self.month = month  # no_birth_date, out_of_range


# -- months -------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return add_months(month_start(month), 1) - timedelta(days=1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from `first` to `last`, both included (empty when last < first)."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months_to_day(day: date, count: int) -> date:
    first = add_months(month_start(day), count)
    return min(first.replace(day=1) + timedelta(days=day.day - 1), month_end(first))


# -- the rules ----------------------------------------------------------------------------------


def _within(month: date, start: date, end: date | None) -> bool:
    return start <= month and (end is None or month <= end)


@dataclass(frozen=True)
class RuleSet:
    code: str
    title: str
    valid_from: date
    valid_to: date | None
    exempt_party_years: int
    max_decision_months: int
    confidence: str
    source: str = ""


@dataclass(frozen=True)
class Rate:
    rule: str
    category: str
    method: str
    valid_from: date
    valid_to: date | None
    confidence: str
    age: str | None = None
    region: int | None = None
    rate_ppm: int | None = None
    amount: int | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    note: str = ""

    @property
    def percent(self) -> Fraction | None:
        return None if self.rate_ppm is None else Fraction(self.rate_ppm * 100, PPM)


@dataclass(frozen=True)
class Wage:
    region: int
    amount: int
    valid_from: date
    valid_to: date | None
    confidence: str
    source: str = ""


@dataclass(frozen=True)
class RetirementAge:
    """Normal retirement age in months: `before_months` until `from_year`, then rising each year."""

    before_months: int
    from_year: int
    start_months: int
    step_months: int
    final_months: int

    def months_in(self, year: int) -> int:
        if year < self.from_year:
            return self.before_months
        return min(
            self.start_months + self.step_months * (year - self.from_year), self.final_months
        )

    def reached_on(self, birth: date) -> date:
        """The day this person reaches the age that applies in the year they reach it."""
        year = birth.year + self.before_months // 12 - 10
        while True:
            day = _add_months_to_day(birth, self.months_in(year))
            if day.year <= year:
                return day
            year += 1


@dataclass(frozen=True)
class Rules:
    rule_sets: tuple[RuleSet, ...]
    rates: tuple[Rate, ...]
    wages: tuple[Wage, ...]
    retirement: Mapping[str, RetirementAge] = field(default_factory=dict)

    def rule_set_for(self, month: date) -> RuleSet | None:
        return next((r for r in self.rule_sets if _within(month, r.valid_from, r.valid_to)), None)

    def rates_for(self, category: str, month: date) -> list[Rate]:
        return [
            r
            for r in self.rates
            if r.category == category and _within(month, r.valid_from, r.valid_to)
        ]

    def wage_for(self, region: int, month: date) -> Wage | None:
        return next(
            (
                w
                for w in self.wages
                if w.region == region and _within(month, w.valid_from, w.valid_to)
            ),
            None,
        )


# -- reading the data file ------------------------------------------------------------------------


def _need(row: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in row:
        raise RulesError(f"{where}: '{key}' is missing")
    return row[key]


def _day(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    raise RulesError(f"{where}: {value!r} is not a date (write 2026-02-01)")


def _money(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RulesError(f"{where}: {value!r} is not a whole number of đồng")
    return value


def percent_to_ppm(text: str, where: str = "percent") -> int:
    """'0.5' -> 5000 parts per million; refuses anything not exact to a millionth."""
    try:
        value = Fraction(str(text).replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise RulesError(f"{where}: {text!r} is not a percentage") from None
    ppm = value * PPM / 100
    if ppm.denominator != 1 or not 0 < ppm <= PPM:
        raise RulesError(f"{where}: {text!r} must be a percentage above 0 with at most 4 decimals")
    return int(ppm)


def _rule_set(row: Mapping[str, Any], index: int) -> RuleSet:
    where = f"rule_set #{index}"
    return RuleSet(
        code=str(_need(row, "code", where)),
        title=str(_need(row, "title", where)),
        valid_from=_day(_need(row, "valid_from", where), where),
        valid_to=_day(row["valid_to"], where) if "valid_to" in row else None,
        exempt_party_years=int(row.get("exempt_party_years", 0)),
        max_decision_months=int(row.get("max_decision_months", 12)),
        confidence=str(_need(row, "confidence", where)),
        source=str(row.get("source", "")),
    )


def _rate(row: Mapping[str, Any], index: int, sets: dict[str, RuleSet]) -> Rate:
    where = f"rate #{index}"
    rule = sets.get(str(_need(row, "rule", where)))
    if rule is None:
        raise RulesError(f"{where}: unknown rule {row['rule']!r}")
    method = str(_need(row, "method", where))
    return Rate(
        rule=rule.code,
        category=str(_need(row, "category", where)),
        method=method,
        valid_from=_day(row.get("valid_from", rule.valid_from), where),
        valid_to=_day(row["valid_to"], where) if "valid_to" in row else rule.valid_to,
        confidence=str(_need(row, "confidence", where)),
        age=row.get("age"),
        region=row.get("region"),
        rate_ppm=percent_to_ppm(row["percent"], where) if "percent" in row else None,
        amount=_money(row["amount"], where) if "amount" in row else None,
        min_amount=_money(row["min_amount"], where) if "min_amount" in row else None,
        max_amount=_money(row["max_amount"], where) if "max_amount" in row else None,
        note=str(row.get("note", "")),
    )


def _wage(row: Mapping[str, Any], index: int) -> Wage:
    where = f"minimum_wage #{index}"
    return Wage(
        region=int(_need(row, "region", where)),
        amount=_money(_need(row, "amount", where), where),
        valid_from=_day(_need(row, "valid_from", where), where),
        valid_to=_day(row["valid_to"], where) if "valid_to" in row else None,
        confidence=str(_need(row, "confidence", where)),
        source=str(row.get("source", "")),
    )


def parse_rules(text: str) -> Rules:
    """Rules from the TOML text of a rules file; RulesError names the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as bad:
        raise RulesError(f"not a valid TOML file: {bad}") from None
    sets = {}
    for index, row in enumerate(data.get("rule_set", []), start=1):
        rule = _rule_set(row, index)
        sets[rule.code] = rule
    rates = [_rate(row, i, sets) for i, row in enumerate(data.get("rate", []), start=1)]
    wages = [_wage(row, i) for i, row in enumerate(data.get("minimum_wage", []), start=1)]
    retirement = {
        sex: RetirementAge(
            **{k: int(v) for k, v in values.items() if k != "confidence"},
        )
        for sex, values in data.get("retirement_age", {}).items()
    }
    rules = Rules(tuple(sets.values()), tuple(rates), tuple(wages), retirement)
    validate(rules)
    return rules


def _overlaps(rows: Iterable[tuple[Any, date, date | None]], what: str) -> None:
    by_key: dict[Any, list[tuple[date, date | None]]] = {}
    for key, start, end in rows:
        by_key.setdefault(key, []).append((start, end))
    for key, periods in by_key.items():
        periods.sort()
        for (_, end), (start, _) in pairwise(periods):
            if end is None or start <= end:
                raise RulesError(f"{what} {key}: two periods overlap from {start:%d/%m/%Y}")


def validate(rules: Rules) -> None:
    """Check the rules are complete and unambiguous for every month they cover."""
    categories = {c.value for c in DuesCategory}
    for rule in rules.rule_sets:
        if rule.confidence not in CONFIDENCE:
            raise RulesError(f"rule {rule.code}: confidence must be one of {CONFIDENCE}")
        if rule.valid_to is not None and rule.valid_to < rule.valid_from:
            raise RulesError(f"rule {rule.code}: valid_to is before valid_from")
        if not 1 <= rule.max_decision_months <= 24:
            raise RulesError(f"rule {rule.code}: max_decision_months must be 1-24")
    _overlaps((("sets", r.valid_from, r.valid_to) for r in rules.rule_sets), "rule")
    for rate in rules.rates:
        where = f"rate {rate.rule}/{rate.category}"
        if rate.category not in categories:
            raise RulesError(f"{where}: unknown category (known: {', '.join(sorted(categories))})")
        if rate.method not in METHODS:
            raise RulesError(f"{where}: method must be one of {', '.join(METHODS)}")
        if rate.age is not None and rate.age not in AGES:
            raise RulesError(f"{where}: age must be one of {AGES}")
        if rate.region is not None and rate.region not in REGIONS:
            raise RulesError(f"{where}: region must be 1-4")
        if rate.confidence not in CONFIDENCE:
            raise RulesError(f"{where}: confidence must be one of {CONFIDENCE}")
        if rate.method.startswith("percent") and rate.rate_ppm is None:
            raise RulesError(f"{where}: a percent method needs 'percent'")
        if rate.method == "fixed" and rate.amount is None:
            raise RulesError(f"{where}: a fixed method needs 'amount'")
        if rate.valid_to is not None and rate.valid_to < rate.valid_from:
            raise RulesError(f"{where}: valid_to is before valid_from")
        owner = next(r for r in rules.rule_sets if r.code == rate.rule)
        if not (
            _within(rate.valid_from, owner.valid_from, owner.valid_to)
            and (owner.valid_to is None or (rate.valid_to or date.max) <= owner.valid_to)
        ):
            raise RulesError(f"{where}: its period lies outside rule {owner.code}")
    _overlaps(
        (((r.category, r.age, r.region), r.valid_from, r.valid_to) for r in rules.rates), "rate"
    )
    for wage in rules.wages:
        if wage.region not in REGIONS:
            raise RulesError(f"minimum wage: region {wage.region} must be 1-4")
    _overlaps(((w.region, w.valid_from, w.valid_to) for w in rules.wages), "minimum wage, region")
    for sex in rules.retirement:
        if sex not in SEXES:
            raise RulesError(f"retirement_age: {sex!r} must be one of {SEXES}")


def packaged_text() -> str:
    return resources.files("partybot.services.data").joinpath("dues_rates.toml").read_text("utf-8")


def packaged_rules() -> Rules:
    return parse_rules(packaged_text())


def read_rules_file(path: Path) -> Rules:
    return parse_rules(path.read_text("utf-8"))


# -- the operator's copy in the database --------------------------------------------------------


async def load_rules(session: AsyncSession) -> Rules:
    """The rules in force: the database copy, or the packaged file before the first import."""
    packaged = packaged_rules()
    sets = (await session.scalars(select(DuesRuleSet).order_by(DuesRuleSet.valid_from))).all()
    if not sets:
        return packaged
    rates = (await session.scalars(select(DuesRate).order_by(DuesRate.id))).all()
    wages = (await session.scalars(select(MinimumWage).order_by(MinimumWage.id))).all()
    return Rules(
        tuple(
            RuleSet(
                s.code,
                s.title,
                s.valid_from,
                s.valid_to,
                s.exempt_party_years,
                s.max_decision_months,
                s.confidence,
                s.source,
            )
            for s in sets
        ),
        tuple(
            Rate(
                rule=r.rule_code,
                category=r.category,
                method=r.method,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                confidence=r.confidence,
                age=r.age,
                region=r.region,
                rate_ppm=r.rate_ppm,
                amount=r.amount,
                min_amount=r.min_amount,
                max_amount=r.max_amount,
                note=r.note,
            )
            for r in rates
        ),
        tuple(
            Wage(w.region, w.amount, w.valid_from, w.valid_to, w.confidence, w.source)
            for w in wages
        ),
        packaged.retirement,
    )


async def store_rules(session: AsyncSession, rules: Rules) -> None:
    """Replace the database copy with `rules` (the whole history, as a data file holds it)."""
    validate(rules)
    for model in (DuesRate, MinimumWage, DuesRuleSet):
        await session.execute(delete(model))
    for s in rules.rule_sets:
        session.add(
            DuesRuleSet(
                code=s.code,
                title=s.title,
                valid_from=s.valid_from,
                valid_to=s.valid_to,
                exempt_party_years=s.exempt_party_years,
                max_decision_months=s.max_decision_months,
                confidence=s.confidence,
                source=s.source,
            )
        )
    for r in rules.rates:
        session.add(
            DuesRate(
                rule_code=r.rule,
                category=r.category,
                age=r.age,
                region=r.region,
                method=r.method,
                rate_ppm=r.rate_ppm,
                amount=r.amount,
                min_amount=r.min_amount,
                max_amount=r.max_amount,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                confidence=r.confidence,
                note=r.note,
            )
        )
    for w in rules.wages:
        session.add(
            MinimumWage(
                region=w.region,
                amount=w.amount,
                valid_from=w.valid_from,
                valid_to=w.valid_to,
                confidence=w.confidence,
                source=w.source,
            )
        )
    await session.flush()


def _split_period(periods: list[Any], valid_from: date, what: str) -> tuple[list[Any], date | None]:
    """Close the period running at `valid_from`; returns the kept periods and the old end."""
    kept, end = [], None
    for period in periods:
        if period.valid_from >= valid_from:
            if period.valid_from == valid_from:
                end = period.valid_to
                continue
            raise RulesError(
                f"{what}: a later period starts {period.valid_from:%m/%Y}; edit the rules file"
            )
        if period.valid_to is None or period.valid_to >= valid_from:
            end = period.valid_to
            period = replace(period, valid_to=valid_from - timedelta(days=1))
        kept.append(period)
    return kept, end


def with_rate(
    rules: Rules,
    category: str,
    valid_from: date,
    *,
    age: str | None = None,
    region: int | None = None,
    percent: str | None = None,
    amount: int | None = None,
    note: str = "",
) -> Rules:
    """The rules with a new percentage or amount for a category from `valid_from` on."""
    valid_from = month_start(valid_from)
    rule = rules.rule_set_for(valid_from)
    if rule is None:
        raise RulesError(f"no rule set covers {valid_from:%m/%Y}")
    same = [r for r in rules.rates if (r.category, r.age, r.region) == (category, age, region)]
    others = [r for r in rules.rates if r not in same]
    kept, end = _split_period(same, valid_from, f"rate {category}")
    current = next((r for r in same if _within(valid_from, r.valid_from, r.valid_to)), None)
    if current is None and percent is None and amount is None:
        raise RulesError(f"rate {category}: nothing to change")
    method = current.method if current else ("fixed" if amount is not None else "percent_of_base")
    if percent is not None and not method.startswith("percent"):
        raise RulesError(f"rate {category}: this category is not a percentage ({method})")
    if amount is not None and method != "fixed":
        raise RulesError(f"rate {category}: this category has no fixed amount ({method})")
    if rule.valid_to is not None and (end is None or end > rule.valid_to):
        end = rule.valid_to
    new = Rate(
        rule=rule.code,
        category=category,
        method=method,
        valid_from=valid_from,
        valid_to=end,
        confidence="confirmed",
        age=age,
        region=region,
        rate_ppm=percent_to_ppm(percent) if percent is not None else None,
        amount=amount,
        min_amount=current.min_amount if current else None,
        max_amount=current.max_amount if current else None,
        note=note or "set by the operator",
    )
    changed = Rules(rules.rule_sets, (*others, *kept, new), rules.wages, rules.retirement)
    validate(changed)
    return changed


def with_wage(rules: Rules, region: int, valid_from: date, amount: int, source: str) -> Rules:
    """The rules with a new minimum wage for a region from `valid_from` on."""
    valid_from = month_start(valid_from)
    same = [w for w in rules.wages if w.region == region]
    others = [w for w in rules.wages if w.region != region]
    kept, end = _split_period(same, valid_from, f"minimum wage region {region}")
    new = Wage(region, _money(amount, "amount"), valid_from, end, "confirmed", source)
    changed = Rules(rules.rule_sets, rules.rates, (*others, *kept, new), rules.retirement)
    validate(changed)
    return changed


# -- computing one month ------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the amount depends on, about one member."""

    category: str | None
    base: int | None
    birth_date: date | None
    sex: str | None
    admitted_on: date | None
    region: int | None
    decisions: tuple[tuple[date, date, int], ...] = ()  # (first month, last month, percent)


@dataclass(frozen=True)
class Amount:
    """A month's dues and how they came about (the member and the treasurer can be shown it)."""

    month: date
    amount: int
    exact: Fraction  # before rounding up (after any reduction)
    rule: str
    category: str | None
    method: str
    percent: Fraction | None = None
    basis: int | None = None  # the base or minimum wage the percentage was taken of
    region: int | None = None
    older: bool | None = None  # at or above the retirement age
    older_assumed: bool = False  # sex unknown and the age ambiguous: the "below" rate was used
    exemption: str | None = None  # party_age, category, decision
    reduction: int = 0  # percent taken off by a decision
    uncertain: bool = False

    @property
    def rounded(self) -> bool:
        return self.exact != self.amount

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "method": self.method,
            "percent": str(self.percent) if self.percent is not None else None,
            "basis": self.basis,
            "region": self.region,
            "older": self.older,
            "older_assumed": self.older_assumed,
            "exemption": self.exemption,
            "reduction": self.reduction,
            "exact": f"{self.exact.numerator}/{self.exact.denominator}",
            "uncertain": self.uncertain,
        }


def is_older(rules: Rules, birth: date, sex: str | None, month: date) -> tuple[bool, bool]:
    """(at or above retirement age on the month's first day, assumed because sex is unknown)."""
    schedules = (
        [rules.retirement[sex]] if sex in rules.retirement else list(rules.retirement.values())
    )
    if not schedules:
        raise RulesError("the rules file has no retirement_age table")
    verdicts = {schedule.reached_on(birth) <= month for schedule in schedules}
    if len(verdicts) == 1:
        return verdicts.pop(), False
    return False, True


def party_age_exempt(rule: RuleSet, admitted_on: date | None, month: date) -> bool:
    """Exempt from the month in which the member completes `exempt_party_years` in the Party."""
    if not rule.exempt_party_years or admitted_on is None:
        return False
    return add_years(admitted_on, rule.exempt_party_years) <= month_end(month)


def _pick(rates: list[Rate], age: str | None, region: int | None) -> Rate | None:
    fits = [
        r
        for r in rates
        if (r.age is None or r.age == age) and (r.region is None or r.region == region)
    ]
    return fits[0] if len(fits) == 1 else None


def compute(rules: Rules, facts: Facts, month: date) -> Amount:
    """The member's dues for `month`; AmountUnknown when a needed fact or rule is missing."""
    month = month_start(month)
    rule = rules.rule_set_for(month)
    if rule is None:
        raise AmountUnknown("no_rule", month)
    if party_age_exempt(rule, facts.admitted_on, month):
        return Amount(
            month, 0, Fraction(0), rule.code, facts.category, "exempt", exemption="party_age"
        )
    if facts.category is None:
        raise AmountUnknown("no_category", month)
    rates = rules.rates_for(facts.category, month)
    if not rates:
        raise AmountUnknown("no_rate", month)
    older, assumed = None, False
    if any(r.age is not None for r in rates):
        if facts.birth_date is None:
            raise AmountUnknown("no_birth_date", month)
        older, assumed = is_older(rules, facts.birth_date, facts.sex, month)
    needs_region = any(r.region is not None or r.method == "percent_of_min_wage" for r in rates)
    if needs_region and facts.region is None:
        raise AmountUnknown("no_region", month)
    rate = _pick(
        rates, None if older is None else ("at_or_above" if older else "below"), facts.region
    )
    if rate is None:
        raise AmountUnknown("no_rate", month)
    common = {
        "rule": rule.code,
        "category": facts.category,
        "method": rate.method,
        "region": facts.region if needs_region else None,
        "older": older,
        "older_assumed": assumed,
        "uncertain": rate.confidence == "unverified",
    }
    if rate.method == "exempt":
        return Amount(month, 0, Fraction(0), exemption="category", **common)
    basis: int | None = None
    if rate.method == "percent_of_base":
        if facts.base is None or facts.base <= 0:
            raise AmountUnknown("no_base", month)
        basis = facts.base
        exact = Fraction(basis) * Fraction(rate.rate_ppm or 0, PPM)
    elif rate.method == "percent_of_min_wage":
        wage = rules.wage_for(facts.region or 0, month)
        if wage is None:
            raise AmountUnknown("no_wage", month)
        basis = wage.amount
        common["uncertain"] = common["uncertain"] or wage.confidence == "unverified"
        exact = Fraction(basis) * Fraction(rate.rate_ppm or 0, PPM)
    elif rate.method == "declared":
        if facts.base is None or facts.base <= 0:
            raise AmountUnknown("no_base", month)
        low, high = rate.min_amount or 0, rate.max_amount
        if facts.base < low or (high is not None and facts.base > high):
            raise AmountUnknown("out_of_range", month)
        exact = Fraction(facts.base)
    else:
        exact = Fraction(rate.amount or 0)
    reduction = max(
        (pct for first, last, pct in facts.decisions if first <= month <= last), default=0
    )
    if reduction >= 100:
        return Amount(
            month,
            0,
            Fraction(0),
            percent=rate.percent,
            basis=basis,
            exemption="decision",
            reduction=100,
            **common,
        )
    exact = exact * (100 - reduction) / 100
    return Amount(
        month,
        math.ceil(exact),
        exact,
        percent=rate.percent,
        basis=basis,
        reduction=reduction,
        **common,
    )
