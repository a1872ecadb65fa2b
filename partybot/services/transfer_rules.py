"""The calendar rules of a transfer (Quy định 294-QĐ/TW), as pure functions.

Official: start within 60 working days of the decision or the move; present the letter within
30 working days of its issue. Temporary: an absence of 3 months to under 1 year, or full-time
study of 3 months to 2 years; under 3 months there is nothing to do.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from partybot.services.workdays import add_working_days, working_days_between

TEMPORARY_MIN_MONTHS = 3
WORK_MAX_MONTHS = 12  # exclusive: "under 1 year"
STUDY_MAX_MONTHS = 24  # inclusive: "up to 2 years"
DECISION_MAX_AHEAD_DAYS = 120  # a decision dated further ahead is a typing mistake


class OfficialReason(StrEnum):
    JOB = "job"  # chuyển công tác
    RETIRE = "retire"  # nghỉ hưu, nghỉ mất sức
    LEAVE = "leave"  # thôi việc, phục viên
    HOME = "home"  # chuyển nơi ở


class TemporaryReason(StrEnum):
    WORK = "work"  # away for work, treatment, family: 3 months to under 1 year
    STUDY = "study"  # full-time study: 3 months to 2 years


class StayProblem(StrEnum):
    END_BEFORE_START = "end_before_start"
    TOO_SHORT = "too_short"  # under 3 months: nothing to do
    TOO_LONG = "too_long"  # beyond the allowed stay: an official transfer instead


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31/1 + 1 month = 28/2)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def max_months(reason: TemporaryReason) -> int:
    return STUDY_MAX_MONTHS if reason == TemporaryReason.STUDY else WORK_MAX_MONTHS


def longest_end(reason: TemporaryReason, start: date) -> date:
    """The last allowed end date (inclusive) of a temporary stay starting on `start`."""
    limit = add_months(start, max_months(reason))
    # Work must be under 1 year, so it ends at least two days before the anniversary.
    return limit - timedelta(days=1 if reason == TemporaryReason.STUDY else 2)


def stay_problem(reason: TemporaryReason, start: date, end: date) -> StayProblem | None:
    """Why the dates (end inclusive) do not make a temporary transfer, or None when they do."""
    if end < start:
        return StayProblem.END_BEFORE_START
    if end + timedelta(days=1) < add_months(start, TEMPORARY_MIN_MONTHS):
        return StayProblem.TOO_SHORT
    if end > longest_end(reason, start):
        return StayProblem.TOO_LONG
    return None


@dataclass(frozen=True)
class StartCheck:
    """How a decision date stands against the 60-working-day start rule."""

    elapsed: int  # working days from the decision to today (negative: still ahead)
    limit: int
    too_far_ahead: bool

    @property
    def late(self) -> bool:
        return self.elapsed > self.limit


def start_check(decision: date, today: date, limit: int) -> StartCheck:
    return StartCheck(
        elapsed=working_days_between(decision, today),
        limit=limit,
        too_far_ahead=decision > today + timedelta(days=DECISION_MAX_AHEAD_DAYS),
    )


def present_by(issued_on: date, working_days: int) -> date:
    """The last day to present a letter issued on `issued_on` (holidays and Tết skipped)."""
    return add_working_days(issued_on, working_days)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return add_months(first_of_month(day), 1)
