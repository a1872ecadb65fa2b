"""The calendar rules of a transfer, the chain's shape and the destination search."""

from datetime import date

import pytest

from partybot.services import org_search
from partybot.services.transfer_rules import (
    StayProblem,
    TemporaryReason,
    add_months,
    longest_end,
    present_by,
    start_check,
    stay_problem,
)
from partybot.services.workdays import add_working_days, is_working_day
from partybot.storage.db import Database
from tests.support.transfer_world import build_transfer_world

WORK, STUDY = TemporaryReason.WORK, TemporaryReason.STUDY


def test_add_months_keeps_the_day_or_the_month_end() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2027, 1, 1), 24) == date(2029, 1, 1)


@pytest.mark.parametrize(
    ("reason", "start", "end", "problem"),
    [
        (WORK, date(2027, 1, 1), date(2027, 3, 31), None),  # exactly three months
        (WORK, date(2027, 1, 1), date(2027, 3, 30), StayProblem.TOO_SHORT),
        (WORK, date(2027, 1, 1), date(2027, 12, 30), None),  # under one year
        (WORK, date(2027, 1, 1), date(2027, 12, 31), StayProblem.TOO_LONG),  # a full year
        (STUDY, date(2027, 1, 1), date(2028, 12, 31), None),  # two years of study
        (STUDY, date(2027, 1, 1), date(2029, 1, 1), StayProblem.TOO_LONG),
        (STUDY, date(2027, 1, 1), date(2030, 1, 1), StayProblem.TOO_LONG),  # three years
        (STUDY, date(2027, 3, 1), date(2027, 2, 1), StayProblem.END_BEFORE_START),
    ],
)
def test_allowed_stays(reason, start, end, problem) -> None:
    assert stay_problem(reason, start, end) == problem


def test_longest_end() -> None:
    assert longest_end(WORK, date(2027, 1, 1)) == date(2027, 12, 30)
    assert longest_end(STUDY, date(2027, 1, 1)) == date(2028, 12, 31)


def test_letter_deadline_across_tet_2027() -> None:
    # Issued Wednesday 20/1/2027; Tết 2027 takes 4, 5, 8, 9 and 10 February off.
    assert present_by(date(2027, 1, 20), 30) == date(2027, 3, 10)
    assert add_working_days(date(2027, 3, 10), -5) == date(2027, 3, 3)


def test_letter_deadline_across_tet_2026() -> None:
    # Issued Monday 2/2/2026; Tết 2026 takes 16 to 20 February off.
    assert present_by(date(2026, 2, 2), 30) == date(2026, 3, 23)


def test_letter_deadline_across_national_day_and_new_year() -> None:
    # 31/8 (swapped for Saturday 22/8), 1/9 and 2/9/2026 are off; so is 1/1/2027.
    assert present_by(date(2026, 8, 20), 30) == date(2026, 10, 5)
    assert present_by(date(2026, 12, 3), 30) == date(2027, 1, 15)
    assert is_working_day(present_by(date(2026, 12, 31), 30))


def test_sixty_working_days_to_start() -> None:
    decided = date(2027, 1, 4)
    last_day = add_working_days(decided, 60)
    assert not start_check(decided, last_day, 60).late
    assert start_check(decided, add_working_days(last_day, 1), 60).late
    # Tết counts for nothing: sixty calendar days later is well within the limit.
    assert start_check(decided, date(2027, 3, 5), 60).elapsed == 39
    assert start_check(date(2027, 9, 1), date(2027, 3, 5), 60).too_far_ahead


@pytest.fixture
async def world(db: Database):
    return await build_transfer_world(db, paid=())


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("P. Yên Hòa", {"CB-TDP5", "CB-THCS", "CB-TDP7"}),
        ("phuong yen hoa", {"CB-TDP5", "CB-THCS", "CB-TDP7"}),
        ("cb kdc1", {"CB-CG1"}),
        ("Khu dân cư số 1 Cầu Giấy", {"CB-CG1"}),
        ("truong thcs", {"CB-THCS"}),
        ("ban to chuc thanh uy", {"CB-CQTU"}),
    ],
)
async def test_destination_search(db: Database, world, typed, expected) -> None:
    codes = {org.id: org.code for org in world.orgs.values()}
    async with db.transaction() as session:
        found = await org_search.search(session, typed)
    assert len(found) <= 4
    assert {codes[m.org_id] for m in found if m.score >= found[0].score} == expected


async def test_search_ranks_the_closest_first_and_finds_nothing_for_nonsense(db, world) -> None:
    async with db.transaction() as session:
        tdp5 = await org_search.search(session, "tdp5 yen hoa")
        nothing = await org_search.search(session, "xyz qwv")
    assert tdp5[0].org_id == world.orgs["home"].id
    assert tdp5[0].score > tdp5[1].score
    assert nothing == []


def test_normalise_spells_out_abbreviations() -> None:
    assert org_search.normalise("P. Yên Hòa") == "phuong yen hoa"
    assert org_search.normalise("CB KDC1") == "chi bo khu dan cu 1"
    assert org_search.normalise("tdp5") == "to dan pho 5"
