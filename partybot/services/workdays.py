"""Vietnam's business calendar, for deadlines counted in working days.

Quy định 294-QĐ/TW counts transfer deadlines in working days (30 to present a transfer letter,
60 to start a transfer). Days off are Saturdays, Sundays and the public holidays the `holidays`
package knows for Vietnam, including Tết, compensatory days and the Saturdays the government
swaps into working days.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=32)
def _calendar(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(holidays, weekend days that are working days) for one year."""
    vn = holidays.country_holidays("VN", years=year)
    days_off = frozenset(vn)
    swapped = frozenset(d for d in vn.weekend_workdays if d.year == year)
    return days_off, swapped


def is_working_day(d: date) -> bool:
    """True unless `d` is a weekend day (not swapped into a working day) or a public holiday."""
    days_off, swapped = _calendar(d.year)
    if d.weekday() >= 5:
        return d in swapped
    return d not in days_off


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (start itself not counted); before it when n < 0.

    n == 0 returns `start` unchanged, even on a day off.
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day = start
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day):
            day += step
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days after `a` up to and including `b`; negative when b < a.

    For b < a it is minus the working days from `b` up to but excluding `a`, the mirror image,
    so that add_working_days(a, working_days_between(a, b)) == b for every working day b.
    """
    if b >= a:
        first, last, sign = a + _ONE_DAY, b, 1
    else:
        first, last, sign = b, a - _ONE_DAY, -1
    count = 0
    day = first
    while day <= last:
        count += is_working_day(day)
        day += _ONE_DAY
    return sign * count
