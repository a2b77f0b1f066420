"""The JobQueue implementations: RQ (deterministic ids, retries, exhausted → sync_failing once) and the
embedded in-process queue (same functions, same policy, in order); the periodic schedule and its cron."""

from __future__ import annotations

import threading

import pytest
from redis import Redis
from rq import Queue
from rq.job import Job

from server.config import Settings
from tests.workers import harness as h
from workers import queues, schedule
from workers.cli import build_cron
from workers.failures import retry_intervals
from workers.inprocess import InProcessJobQueue
from workers.rq_queue import rq_job_id

SAMPLE = "tests.workers.sample_jobs"


def test_rq_job_ids_are_encoded_without_collisions():
    ids = [
        "sync:taobao:tmall-01:2026-11-24T10:00:00+00:00",
        "sync_taobao_tmall-01",
        "sync:taobao_tmall-01",
        "a-b",
        "店铺:1",
    ]
    encoded = [rq_job_id(i) for i in ids]
    assert len(set(encoded)) == len(ids)
    assert all(
        set(e) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for e in encoded
    )
    assert rq_job_id("a-b") == "a-b"


def test_retry_intervals_back_off():
    assert retry_intervals(Settings(job_max_retries=3, job_retry_base_seconds=30)) == [30, 120, 480]
    assert retry_intervals(Settings(job_max_retries=0)) == []


def test_a_pending_job_id_is_not_enqueued_twice(configure_workers, rq_redis: Redis, run_worker):
    rt = configure_workers()
    assert rt.jobs.submit(f"{SAMPLE}.record", "ran", "a", queue=queues.SYNC, job_id="same:1")
    assert not rt.jobs.submit(f"{SAMPLE}.record", "ran", "b", queue=queues.SYNC, job_id="same:1")
    assert Queue(queues.SYNC, connection=rq_redis).count == 1
    job = Job.fetch(rq_job_id("same:1"), connection=rq_redis)
    assert job.meta["packline_id"] == "same:1" and job.retries_left == rt.settings.job_max_retries
    run_worker(queues.SYNC)
    # Finished: the same id may run again (a window re-run after a failure, say).
    assert rt.jobs.submit(f"{SAMPLE}.record", "ran", "c", queue=queues.SYNC, job_id="same:1")
    run_worker(queues.SYNC)
    assert rq_redis.lrange("ran", 0, -1) == [b"a", b"c"]


def test_a_job_retries_then_succeeds_without_an_alert(
    configure_workers, rq_redis: Redis, run_worker, clean_db
):
    rt = configure_workers()
    rt.jobs.enqueue(f"{SAMPLE}.fail_times", "runs:flaky", 2, queue=queues.SYNC, job_id="flaky")
    run_worker(queues.SYNC)
    assert rq_redis.get("runs:flaky") == b"3"
    assert Job.fetch(rq_job_id("flaky"), connection=rq_redis).get_status() == "finished"
    assert h.alerts(clean_db, "sync_failing") == []


def test_exhausted_retries_raise_sync_failing_once(configure_workers, rq_redis: Redis, run_worker, clean_db):
    rt = configure_workers()
    for _ in range(2):  # the next tick enqueues the same failing job again
        rt.jobs.enqueue(f"{SAMPLE}.always_fails", "erp", queue=queues.SYNC, job_id="down:erp")
        run_worker(queues.SYNC)
    assert rq_redis.get("runs:erp") == str(2 * (1 + rt.settings.job_max_retries)).encode()
    (alert,) = h.alerts(clean_db, "sync_failing")
    assert (alert.dedupe_key, alert.params["system"]) == ("sync_failing:erp", "erp")
    assert "erp is down" in alert.params["error"]


def test_other_queues_do_not_raise_sync_failing(configure_workers, rq_redis: Redis, run_worker, clean_db):
    rt = configure_workers()
    rt.jobs.enqueue(f"{SAMPLE}.always_fails", "labels-thing", queue=queues.LABELS)
    run_worker(queues.LABELS)
    assert rq_redis.get("runs:labels-thing") == str(1 + rt.settings.job_max_retries).encode()
    assert h.alerts(clean_db, "sync_failing") == []


def test_retry_backoff_waits_in_rqs_scheduled_registry(configure_workers, rq_redis: Redis, run_worker):
    rt = configure_workers(job_retry_base_seconds=60)
    rt.jobs.enqueue(f"{SAMPLE}.fail_times", "runs:later", 1, queue=queues.SYNC, job_id="later")
    run_worker(queues.SYNC)
    job = Job.fetch(rq_job_id("later"), connection=rq_redis)
    assert job.get_status() == "scheduled" and job.retry_intervals == [60, 240]
    # Waiting for its retry counts as pending: the next tick does not enqueue it again.
    assert not rt.jobs.submit(f"{SAMPLE}.fail_times", "runs:later", 1, queue=queues.SYNC, job_id="later")


def test_unknown_queues_are_refused(configure_workers):
    rt = configure_workers()
    with pytest.raises(ValueError, match="unknown queues"):
        rt.jobs.enqueue(f"{SAMPLE}.record", "x", "y", queue="fast")


def test_in_process_queue_runs_in_order_with_the_same_policy(configure_workers, rq_redis: Redis):
    configure_workers()  # sample jobs find Redis through the configured runtime
    exhausted: list[tuple[str, tuple]] = []
    jobs = InProcessJobQueue(
        intervals=[0, 0], on_exhausted=lambda f, a, q, e: exhausted.append((f, tuple(a)))
    )
    try:
        for n in range(5):
            jobs.enqueue(f"{SAMPLE}.record", "order", str(n), job_id=f"n{n}")
        jobs.enqueue(f"{SAMPLE}.fail_times", "runs:inproc", 2, queue=queues.SYNC)
        jobs.enqueue(f"{SAMPLE}.always_fails", "wms", queue=queues.SYNC)
        assert jobs.drain(10)
    finally:
        jobs.stop()
    assert rq_redis.lrange("order", 0, -1)[:5] == [b"0", b"1", b"2", b"3", b"4"]
    assert rq_redis.get("runs:inproc") == b"3" and rq_redis.get("runs:wms") == b"3"
    assert exhausted == [(f"{SAMPLE}.always_fails", ("wms",))]


def test_in_process_retries_do_not_hold_up_fresh_jobs(configure_workers, rq_redis: Redis):
    configure_workers()
    jobs = InProcessJobQueue(intervals=[1])
    try:
        jobs.enqueue(f"{SAMPLE}.fail_times", "runs:slow", 1, job_id="slow")
        done = threading.Event()
        jobs.enqueue(f"{SAMPLE}.record", "fresh", "yes")
        threading.Timer(0.5, done.set).start()
        done.wait()
        assert rq_redis.lrange("fresh", 0, -1) == [b"yes"] and rq_redis.get("runs:slow") == b"1"
        assert not jobs.submit(f"{SAMPLE}.fail_times", "runs:slow", 1, job_id="slow")  # waiting = pending
        assert jobs.drain(5)
        assert rq_redis.get("runs:slow") == b"2"
    finally:
        jobs.stop()


def test_the_schedule_is_valid_data():
    schedule.validate(schedule.SCHEDULE)
    with pytest.raises(ValueError, match="unique"):
        schedule.validate([schedule.SCHEDULE[0], schedule.SCHEDULE[0]])
    with pytest.raises(ValueError, match="exactly one"):
        schedule.validate([schedule.Periodic("x", "a.b", queues.SYNC)])


def test_cron_enqueues_the_planners_and_a_worker_runs_them(
    configure_workers, rq_redis: Redis, run_worker, sims, clean_db
):
    configure_workers(sync_initial_lookback_minutes=28)
    ids = h.seed_orders(sims["taobao"], 5, seed=21, oldest_min=10)
    assert {j.name for j in build_cron(rq_redis).get_jobs()} == {p.name for p in schedule.SCHEDULE}
    sync_entries = [p for p in schedule.SCHEDULE if p.queue == queues.SYNC]
    enqueued = build_cron(rq_redis, sync_entries).enqueue_jobs()  # interval entries are due at start-up
    assert {j.name for j in enqueued} == {"platform-sync", "consistency-check"}
    run_worker(queues.SYNC)
    assert sorted(h.external_ids(clean_db, "tmall")) == sorted(ids)
