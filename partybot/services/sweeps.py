"""The registry of scheduled sweeps: each procedure adds its own, the scheduler only ticks them.

A sweep looks at database state and queues what should have happened by `now` and has not
("who should have been reminded by now and was not"), in batches, with dedup keys; it never sends.
Running it twice, or late after downtime, is therefore safe.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from partybot.settings import Settings
from partybot.storage.db import Database

SweepFn = Callable[[Database, datetime, Settings], Awaitable[int]]


@dataclass(frozen=True)
class Sweep:
    name: str
    run: SweepFn
    schedule: str  # crontab "minute hour day month day_of_week"; settings may override it


SWEEPS: dict[str, Sweep] = {}


def sweep(name: str, schedule: str) -> Callable[[SweepFn], SweepFn]:
    """Register a sweep under `name` with its default schedule."""

    def register(fn: SweepFn) -> SweepFn:
        SWEEPS[name] = Sweep(name, fn, schedule)
        return fn

    return register
