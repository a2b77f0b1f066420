"""The embedded scheduler: the periodic jobs of workers/schedule.py on a thread, through the in-process queue."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy.orm import Session

from server import models
from server.db import make_engine
from server.demo_seed import seed_reference
from server.ports import RecordingJobQueue, RecordingPublisher
from server.runtime import Runtime
from simulators.catalog import ALL_PRODUCTS
from tests.workers import harness as h
from tests.workers.conftest import sim_settings
from workers import context
from workers.embedded_scheduler import EmbeddedScheduler, start_embedded_jobs
from workers.jobs import metrics
from workers.schedule import SCHEDULE, Periodic


def _entry(name: str) -> Periodic:
    return next(e for e in SCHEDULE if e.name == name)


class FakeClock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def test_interval_entries_fire_at_start_then_every_interval():
    clock = FakeClock(1_000_000.0)
    queue = RecordingJobQueue()
    every_10 = Periodic("every-10", "workers.jobs.sync.plan_platform_syncs", "sync", interval=10)
    every_60 = Periodic("every-60", "workers.jobs.alerts.run_watchdogs", "alerts", interval=60)
    scheduler = EmbeddedScheduler(queue, [every_10, every_60], clock=clock)
    scheduler._due = {"every-10": clock.now, "every-60": clock.now}  # as start() sets them, without the thread
    assert scheduler.tick() == ["every-10", "every-60"]
    clock.now += 5
    assert scheduler.tick() == []
    clock.now += 5
    assert scheduler.tick() == ["every-10"]
    clock.now += 50
    assert scheduler.tick() == ["every-10", "every-60"]
    assert queue.jobs[0] == ("workers.jobs.sync.plan_platform_syncs", (), "sync", "periodic:every-10")


def test_cron_entries_fire_at_their_utc_time():
    clock = FakeClock(1_764_043_170.0)  # 2025-11-25 03:59:30 UTC
    queue = RecordingJobQueue()
    hourly = Periodic("hourly", "workers.jobs.alerts.run_watchdogs", "alerts", cron="0 * * * *")
    scheduler = EmbeddedScheduler(queue, [hourly], clock=clock).start()
    scheduler.stop()
    assert scheduler.tick() == []
    clock.now += 30
    assert scheduler.tick() == ["hourly"]
    clock.now += 60
    assert scheduler.tick() == []


def test_the_schedule_has_the_metrics_rollup_every_five_minutes():
    entry = _entry("metrics-rollup")
    assert entry.interval == 300
    assert entry.func == "workers.jobs.metrics.plan_metrics_rollup"


def test_stops_cleanly():
    scheduler = EmbeddedScheduler(RecordingJobQueue(), [replace(_entry("alert-watchdogs"), interval=3600)])
    scheduler.start()
    assert scheduler.running
    started = time.monotonic()
    scheduler.stop()
    assert not scheduler.running
    assert time.monotonic() - started < 2


@pytest.fixture
def embedded(tmp_path, sims) -> Iterator[Runtime]:
    url = f"sqlite:///{tmp_path / 'embedded.db'}"
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    with Session(engine) as session:
        seed_reference(session, list(ALL_PRODUCTS))
        session.commit()
    settings = sim_settings(url, None, sims, sync_initial_lookback_minutes=28)
    rt = Runtime.create(
        settings, engine=engine, publisher=RecordingPublisher(), jobs=context.make_job_queue(settings)
    )
    yield rt
    rt.jobs.stop()  # type: ignore[attr-defined]
    context.reset()
    engine.dispose()


def test_new_simulator_orders_flow_in_within_seconds(embedded, sims):
    every_second = [replace(_entry("platform-sync"), interval=1)]
    scheduler = start_embedded_jobs(embedded, every_second)
    assert scheduler is not None
    try:
        assert embedded.jobs.drain(30)  # type: ignore[attr-defined]
        assert h.external_ids(embedded.engine, "tmall") == []
        # New orders on the platform, modified just beyond the sync lag (10 s here).
        new = h.seed_orders(sims["taobao"], 5, seed=77, oldest_min=0.4, newest_s=12)
        deadline = time.monotonic() + 15
        arrived: set[str] = set()
        while not arrived and time.monotonic() < deadline:
            time.sleep(0.25)
            arrived = set(h.external_ids(embedded.engine, "tmall"))
        assert arrived and arrived <= new
    finally:
        scheduler.stop()
    assert not scheduler.running


def test_the_rollup_job_runs_in_the_embedded_mode(embedded):
    context.configure(embedded)
    minute = metrics.plan_metrics_rollup()
    assert embedded.jobs.drain(30)  # type: ignore[attr-defined]
    assert minute.endswith(":00+00:00")
    result = metrics.roll_up_metrics()
    assert result["days"] >= 3


def test_nothing_starts_when_redis_runs_the_jobs(embedded):
    with_redis = replace(embedded, settings=embedded.settings.with_(redis_url="redis://127.0.0.1:6379/15"))
    assert start_embedded_jobs(with_redis) is None
