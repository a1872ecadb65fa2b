"""The scheduler: schedules from settings, checked at start, and one ticking scheduler."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from partybot.bot.scheduler import ScheduleError, SweepScheduler, plan
from partybot.services import approvals
from partybot.services.sweeps import SWEEPS, Sweep
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import OutboxMessage
from tests.support.clock import FakeClock
from tests.support.delivery import until
from tests.support.world import World, build_world

HANOI = "Asia/Ho_Chi_Minh"


def counting_sweeps(calls: list[datetime]) -> dict[str, Sweep]:
    async def count(db: Database, now: datetime, settings: Settings) -> int:
        calls.append(now)
        return 1

    return {
        "test.count": Sweep("test.count", count, "30 8 5,20 * *"),
        "test.other": Sweep("test.other", count, "0 9 * * mon-fri"),
    }


def test_the_approval_sla_sweep_is_registered_and_plans() -> None:
    planned = {p.sweep.name: p.schedule for p in plan(Settings(_env_file=None))}
    assert planned["approvals.sla"] == "*/15 * * * *"
    assert SWEEPS["approvals.sla"].run is approvals.sla_sweep


def test_settings_override_and_switch_off_sweeps() -> None:
    sweeps = counting_sweeps([])
    settings = Settings(
        _env_file=None, sweep_schedules={"test.count": "*/5  * * * *", "test.other": "off"}
    )
    [only] = plan(settings, sweeps)
    assert only.sweep.name == "test.count" and only.schedule == "*/5 * * * *"
    start = datetime(2026, 12, 3, 10, 2, tzinfo=settings.tz)
    assert only.trigger.get_next_fire_time(None, start) == start.replace(minute=5)


def test_schedules_run_in_the_business_time_zone() -> None:
    [count, other] = plan(Settings(_env_file=None), counting_sweeps([]))
    after = datetime(2026, 12, 5, 0, 0, tzinfo=UTC)  # 07:00 on the 5th in Hà Nội
    assert count.trigger.get_next_fire_time(None, after) == datetime(2026, 12, 5, 1, 30, tzinfo=UTC)
    friday = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # Friday 10:00 in Hà Nội
    monday = other.trigger.get_next_fire_time(None, friday)
    assert monday is not None and monday.astimezone(UTC) == datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("schedules", "message"),
    [
        ({"test.count": "61 * * * *"}, "Schedule '61 * * * *' of sweep 'test.count' is not valid"),
        ({"test.count": "every day"}, "needs 5 fields"),
        ({"test.count": "0 9 * * 1-5"}, "day of week as names"),
        ({"dues.typo": "0 9 * * *"}, "unknown sweeps: dues.typo. Known sweeps: test.count"),
    ],
)
def test_a_malformed_schedule_fails_with_a_clear_message(schedules, message) -> None:
    settings = Settings(_env_file=None, sweep_schedules=schedules)
    with pytest.raises(ScheduleError) as failure:
        plan(settings, counting_sweeps([]))
    assert message in str(failure.value)


async def test_a_malformed_default_fails_when_the_scheduler_is_built(db, settings) -> None:
    async def nothing(db: Database, now: datetime, settings: Settings) -> int:
        return 0

    with pytest.raises(ScheduleError, match=r"'bad\.sweep'"):
        SweepScheduler(db, settings, sweeps={"bad.sweep": Sweep("bad.sweep", nothing, "* * *")})


async def test_the_scheduler_catches_up_at_start_and_ticks_its_jobs(db, settings) -> None:
    calls: list[datetime] = []
    clock = FakeClock()
    scheduler = SweepScheduler(db, settings, clock, sweeps=counting_sweeps(calls))
    await scheduler.start()
    try:
        await asyncio.wait_for(scheduler.wait_leading(), 5)
        await until(lambda: len(calls) == 2)  # the catch-up run of both sweeps
        assert set(scheduler.next_runs()) == {"test.count", "test.other"}
        scheduler.aps.modify_job("test.count", next_run_time=datetime.now(UTC))
        await until(lambda: len(calls) == 3)
    finally:
        await scheduler.stop()
    assert calls == [clock()] * 3
    assert scheduler.runs == {"test.count": 2, "test.other": 1}


@pytest.fixture
async def world(db: Database) -> World:
    return await build_world(db)


async def test_the_sla_sweep_catches_up_on_an_approval_left_overnight(db, settings, world) -> None:
    clock = FakeClock()
    async with db.transaction() as session:
        await approvals.request(
            session,
            kind="sample",
            subject_id=41,
            org_id=world.orgs["home"].id,
            params={"name": "Nguyễn Văn An"},
            now=clock() - timedelta(hours=30),
            actions=["approve"],
        )
    scheduler = SweepScheduler(db, settings, clock)
    await scheduler.start()
    try:
        await until(lambda: scheduler.runs.get("approvals.sla") == 1)
        await scheduler.tick("approvals.sla")  # a second run changes nothing
    finally:
        await scheduler.stop()
    async with db.transaction() as session:
        events = (await session.scalars(select(OutboxMessage.event))).all()
    assert sorted(events) == ["approval.prompt", "approval.reminder"]


async def test_only_one_scheduler_ticks_and_a_standby_takes_over(db, settings) -> None:
    if db.is_sqlite:
        pytest.skip("the advisory lock is PostgreSQL's")
    fast = settings.model_copy(update={"lock_retry_seconds": 0.05})
    calls: list[datetime] = []
    first = SweepScheduler(db, fast, sweeps=counting_sweeps(calls))
    other_db = Database(db.url)
    second = SweepScheduler(other_db, fast, sweeps=counting_sweeps(calls))
    try:
        await first.start()
        await asyncio.wait_for(first.wait_leading(), 5)
        await second.start()
        await asyncio.sleep(0.3)
        assert not second.leading
        assert await second.tick("test.count") is None
        await first.stop()
        await asyncio.wait_for(second.wait_leading(), 5)
        await until(lambda: second.runs.get("test.other") == 1)  # caught up on taking over
    finally:
        await first.stop()
        await second.stop()
        await other_db.dispose()
    assert first.runs == {"test.count": 1, "test.other": 1}
    assert second.runs == {"test.count": 1, "test.other": 1}


async def test_a_scheduler_that_loses_its_lock_connection_takes_it_again(db, settings) -> None:
    if db.is_sqlite:
        pytest.skip("the advisory lock is PostgreSQL's")
    fast = settings.model_copy(update={"lock_retry_seconds": 0.05})
    scheduler = SweepScheduler(db, fast, sweeps=counting_sweeps([]))
    await scheduler.start()
    try:
        await until(lambda: scheduler.runs.get("test.count") == 1)
        async with db.engine.connect() as admin:
            await admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            )
        await until(lambda: scheduler.runs.get("test.count") == 2)  # lost, retaken, caught up
        assert scheduler.leading
    finally:
        await scheduler.stop()
