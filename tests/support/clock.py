"""Injected time: tests move the clock instead of sleeping."""

from datetime import UTC, datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
