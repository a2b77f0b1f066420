"""The RQ implementation of the `JobQueue` port.

- Deterministic job ids: a job whose id is already queued, started, scheduled (waiting for a retry) or
  deferred is not enqueued again. The check-and-enqueue is atomic (`unique=True`, RQ's Lua script); a
  finished or failed job with that id is deleted first so the work can run again under the same id.
- Retry with backoff through `rq.Retry`. Retries with an interval wait in RQ's ScheduledJobRegistry, so
  workers run with the scheduler component (`packline worker` does); with interval 0 they requeue at once.
- RQ 2.12 accepts only `[A-Za-z0-9_-]` in job ids, while Packline's ids read `sync:taobao:tmall-01:<iso>`:
  `rq_job_id` encodes them reversibly (`_` → `__`, any other byte → `_xx`), the readable id goes to `meta`.
- `on_failure` reports a job whose retries are exhausted (see `workers.failures`).
- Redis unreachable: the job is parked in the database and handed over when Redis answers again
  (`workers.job_parking`); enqueueing happens after the caller's commit, so it must neither fail the
  request nor lose the job. Short socket timeouts keep a dead Redis from stalling a request.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Callback, Job, JobStatus

from server.config import Settings
from server.observability import request_id_var
from workers import queues
from workers.failures import retry_intervals
from workers.job_parking import JobParking

log = logging.getLogger("packline.workers")
SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")

PENDING = frozenset({JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED})
FAILURE_CALLBACK = "workers.failures.on_rq_failure"


class RqJobQueue:
    def __init__(
        self,
        connection: Redis,
        *,
        intervals: list[int],
        job_timeout: int = 900,
        result_ttl: int = 3600,
        failure_ttl: int = 7 * 24 * 3600,
        parking: JobParking | None = None,
    ) -> None:
        self.connection = connection
        self.parking = parking
        self.intervals = intervals
        self.job_timeout = job_timeout
        self.result_ttl = result_ttl
        self.failure_ttl = failure_ttl

    @classmethod
    def from_settings(cls, settings: Settings, connection: Redis | None = None) -> RqJobQueue:
        if connection is None:
            if not settings.redis_url:
                raise ValueError("RqJobQueue needs PACKLINE_REDIS_URL")
            connection = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=10)
        return cls(
            connection,
            intervals=retry_intervals(settings),
            job_timeout=settings.job_timeout_seconds,
            parking=JobParking(settings.database_url),
        )

    def enqueue(self, func: str, *args: Any, queue: str = queues.DEFAULT, job_id: str | None = None) -> None:
        self.submit(func, *args, queue=queue, job_id=job_id)

    def submit(self, func: str, *args: Any, queue: str = queues.DEFAULT, job_id: str | None = None) -> bool:
        """True when enqueued (or parked until Redis is back), False when a job with `job_id` is already
        pending."""
        queues.validate([queue])
        request_id = request_id_var.get()
        try:
            pushed = self.push(func, args, queue, job_id, request_id)
        except RedisError:
            if self.parking is None:
                raise
            self.parking.park(func, args, queue, job_id, request_id)
            self.parking.start_flusher(self.push)
            return True
        if self.parking is not None:
            self.parking.look_for_leftovers(self.push)
        return pushed

    def push(
        self, func: str, args: Sequence[Any], queue: str, job_id: str | None, request_id: str | None
    ) -> bool:
        """Enqueue on Redis now; raises RedisError when it is unreachable."""
        target = Queue(queue, connection=self.connection)
        options: dict[str, Any] = {
            "timeout": self.job_timeout,
            "result_ttl": self.result_ttl,
            "failure_ttl": self.failure_ttl,
            "on_failure": Callback(FAILURE_CALLBACK),
            "description": f"{func}{args!r}",
            # The web request that asked for the job; `PacklineWorker` puts it back into the log context.
            "meta": {"request_id": request_id},
        }
        if self.intervals:
            options["retry"] = Retry(max=len(self.intervals), interval=self.intervals)
        if job_id is None:
            target.enqueue_call(func, args=tuple(args), **options)
            return True
        rq_id = rq_job_id(job_id)
        options["meta"]["packline_id"] = job_id
        if self._pending(rq_id):
            log.debug("job %s is already pending; not enqueued again", job_id)
            return False
        try:
            target.enqueue_call(func, args=tuple(args), job_id=rq_id, unique=True, **options)
        except DuplicateJobError:
            return False  # someone enqueued it between our look and our push
        return True

    def _pending(self, job_id: str) -> bool:
        try:
            job = Job.fetch(job_id, connection=self.connection)
        except NoSuchJobError:
            return False
        if job.get_status(refresh=False) in PENDING:
            return True
        job.delete()  # finished/failed/stopped: its hash would make the unique enqueue refuse a re-run
        return False


def rq_job_id(job_id: str) -> str:
    """Injective: distinct Packline ids never share an RQ id, so dedupe stays exact."""
    out = []
    for char in job_id:
        if char in SAFE:
            out.append(char)
        elif char == "_":
            out.append("__")
        else:
            out.extend(f"_{byte:02x}" for byte in char.encode())
    return "".join(out)
