"""The request id of the web request that enqueued a job reaches the job's log context in the worker."""

from __future__ import annotations

import json

from redis import Redis
from rq.job import Job

from server.observability import job_id_var, request_id_var
from tests.workers import sample_jobs
from workers import queues
from workers.cli import PacklineWorker
from workers.rq_queue import rq_job_id


def record_context(key: str) -> None:
    """Runs in the forked work horse: writes what a JSON log line there would carry."""
    sample_jobs._redis().rpush(key, json.dumps([request_id_var.get(), job_id_var.get()]))


def test_request_id_travels_from_enqueue_to_the_worker(configure_workers, rq_redis: Redis) -> None:
    rt = configure_workers()
    token = request_id_var.set("req-0123456789")
    try:
        assert rt.jobs.submit(f"{__name__}.record_context", "ctx", queue=queues.LABELS, job_id="label:T-1")
    finally:
        request_id_var.reset(token)
    assert Job.fetch(rq_job_id("label:T-1"), connection=rq_redis).meta["request_id"] == "req-0123456789"
    PacklineWorker([queues.LABELS], connection=rq_redis).work(burst=True, logging_level="WARNING")
    assert [json.loads(v) for v in rq_redis.lrange("ctx", 0, -1)] == [["req-0123456789", "label:T-1"]]
    assert request_id_var.get() is None and job_id_var.get() is None
