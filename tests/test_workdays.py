from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partybot.services.workdays import add_working_days, is_working_day, working_days_between

# Days off as holidays 0.109 gives them (checked by hand against the package output).
TET_2026 = [date(2026, 2, d) for d in (16, 17, 18, 19, 20)]  # Mon-Fri, eve to 4th day
TET_2027 = [date(2027, 2, d) for d in (4, 5, 8, 9, 10)]  # Thu-Fri, Mon-Wed (6-7 are Sat/Sun)


@pytest.mark.parametrize("day", TET_2026 + TET_2027)
def test_tet_days_are_off(day):
    assert day.weekday() < 5
    assert not is_working_day(day)


def test_tet_2026():
    assert is_working_day(date(2026, 2, 13))  # Friday before
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1
    assert working_days_between(date(2026, 2, 1), date(2026, 2, 28)) == 20 - 5


def test_tet_2027():
    assert is_working_day(date(2027, 2, 3))  # Wednesday before
    assert add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 11)
    assert add_working_days(date(2027, 2, 11), -1) == date(2027, 2, 3)
    assert working_days_between(date(2027, 1, 31), date(2027, 2, 28)) == 20 - 5


def test_reunification_and_labour_day():
    # 2026: Hùng Kings on Sunday 26/4 is observed Monday 27/4; 30/4 Thu, 1/5 Fri.
    assert not is_working_day(date(2026, 4, 27))
    assert not is_working_day(date(2026, 4, 30))
    assert not is_working_day(date(2026, 5, 1))
    assert add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)
    assert add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)
    # 2027: 1/5 is a Saturday, observed Monday 3/5.
    assert not is_working_day(date(2027, 4, 30))
    assert not is_working_day(date(2027, 5, 3))
    assert add_working_days(date(2027, 4, 29), 1) == date(2027, 5, 4)


def test_national_day_and_swapped_saturday():
    # 2026: Monday 31/8 is off in exchange for Saturday 22/8, which is a working day.
    assert is_working_day(date(2026, 8, 22))
    assert not is_working_day(date(2026, 8, 23))
    assert add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)
    assert not is_working_day(date(2026, 8, 31))
    assert not is_working_day(date(2026, 9, 1))
    assert not is_working_day(date(2026, 9, 2))
    assert add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)
    # 2027: 2/9 Thursday and 3/9 Friday.
    assert add_working_days(date(2027, 9, 1), 1) == date(2027, 9, 6)


def test_year_boundary():
    assert not is_working_day(date(2027, 1, 1))
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert add_working_days(date(2027, 1, 4), -1) == date(2026, 12, 31)
    assert working_days_between(date(2026, 12, 31), date(2027, 1, 4)) == 1
    assert working_days_between(date(2027, 1, 4), date(2026, 12, 31)) == -1
    # 1/1/2028 is a Saturday, observed Monday 3/1.
    assert add_working_days(date(2027, 12, 31), 1) == date(2028, 1, 4)


def test_transfer_letter_deadline():
    # 30 working days to present a letter issued on Thursday 3/12/2026 (1/1/2027 is off).
    assert add_working_days(date(2026, 12, 3), 30) == date(2027, 1, 15)
    assert working_days_between(date(2026, 12, 3), date(2027, 1, 15)) == 30


def test_weekends_and_zero():
    saturday = date(2026, 3, 7)
    assert not is_working_day(saturday)
    assert not is_working_day(saturday + timedelta(days=1))
    assert add_working_days(saturday, 0) == saturday
    assert add_working_days(saturday, 1) == date(2026, 3, 9)
    assert add_working_days(saturday, -1) == date(2026, 3, 6)
    assert working_days_between(saturday, saturday) == 0
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 8)) == 0


_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@given(start=_dates, n=st.integers(min_value=-80, max_value=80))
def test_add_then_count_is_identity(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    if n:
        assert is_working_day(end)


@given(a=_dates, b=_dates)
def test_count_then_add_lands_on_working_days(a, b):
    n = working_days_between(a, b)
    assert (n > 0) <= (b > a) and (n < 0) <= (b < a)
    if is_working_day(b):
        assert add_working_days(a, n) == b
    if is_working_day(a) and is_working_day(b):
        assert working_days_between(b, a) == -n


@given(start=_dates, n=st.integers(min_value=-80, max_value=80).filter(bool))
def test_agrees_with_the_holidays_package(start, n):
    vn = holidays.country_holidays("VN")
    assert add_working_days(start, n) == vn.get_nth_working_day(start, n)
