"""The RQ queue's durable fallback: with Redis unreachable a job is parked in the database instead of
raising into a committed request; parked jobs are handed over oldest first, and a flush that fails half
way keeps the rest. (End to end, with a Redis killed under a real server: tests/faults/test_redis_down.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import delete
from sqlalchemy.engine import Engine

from server.outbox.models import ParkedJob
from tests.realtime.procs import free_port
from workers.job_parking import JobParking
from workers.rq_queue import RqJobQueue


@pytest.fixture
def parking(pg_engine: Engine) -> Iterator[JobParking]:
    # Parking commits on an engine of its own (it runs after the request's commit), so clean up here.
    url = pg_engine.url.render_as_string(hide_password=False)
    with pg_engine.begin() as conn:
        conn.execute(delete(ParkedJob))
    yield JobParking(url, retry_seconds=0.05)
    with pg_engine.begin() as conn:
        conn.execute(delete(ParkedJob))


def test_an_enqueue_with_redis_down_is_parked_not_raised(parking: JobParking) -> None:
    dead = Redis(port=free_port(), socket_connect_timeout=0.5)
    jobs = RqJobQueue(dead, intervals=[1], parking=parking)
    pushed: list[tuple[Any, ...]] = []
    parking.start_flusher = lambda push: None  # type: ignore[method-assign]  # looked at below instead
    assert jobs.submit(
        "workers.jobs.labels.request_waybill_job", "DA1", 1, queue="labels", job_id="waybill:DA1:L1"
    )
    handed = parking.flush(lambda *job: pushed.append(job))
    assert handed == 1
    assert pushed == [
        ("workers.jobs.labels.request_waybill_job", ["DA1", 1], "labels", "waybill:DA1:L1", None)
    ]


def test_a_flush_that_fails_half_way_keeps_the_rest_in_order(parking: JobParking) -> None:
    for n in range(3):
        parking.park("workers.jobs.sync.job", [n], "sync", f"job:{n}", None)
    pushed: list[int] = []
    failed_once = False

    def flaky(func: str, args: Any, queue: str, job_id: str | None, request_id: str | None) -> None:
        nonlocal failed_once
        if args[0] == 1 and not failed_once:
            failed_once = True
            raise RedisConnectionError("still down")
        pushed.append(args[0])

    assert parking.flush(flaky) is None  # job 0 went, job 1 failed: Redis is still down
    assert parking.flush(flaky) == 2
    assert pushed == [0, 1, 2]
    assert parking.flush(flaky) == 0
