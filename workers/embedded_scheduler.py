"""The embedded mode's `packline cron`: one daemon thread that enqueues the periodic jobs of
`workers/schedule.py` at their intervals (or cron times, UTC) on the in-process job queue, so the demo and
an embedded `packline serve` pull platform orders, run watchdogs and roll up metrics without Redis.

Same rules as `rq cron`: interval entries fire once at start, then every `interval` seconds; the planners
are idempotent and enqueue their real work with deterministic ids. Each entry is enqueued with the job id
`periodic:<name>`, so a planner still queued or running is not queued a second time."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from croniter import croniter

from server.ports import JobQueue
from server.runtime import Runtime
from workers import context
from workers.schedule import SCHEDULE, Periodic, validate

log = logging.getLogger("packline.scheduler")


class EmbeddedScheduler:
    def __init__(
        self,
        jobs: JobQueue,
        schedule: list[Periodic] | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.jobs = jobs
        self.schedule = list(SCHEDULE if schedule is None else schedule)
        validate(self.schedule)
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._due: dict[str, float] = {}

    def start(self) -> EmbeddedScheduler:
        if self._thread is not None and self._thread.is_alive():
            return self
        now = self._clock()
        self._due = {e.name: now if e.interval is not None else _next_cron(e, now) for e in self.schedule}
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="packline-scheduler", daemon=True)
        self._thread.start()
        log.info("embedded scheduler: %s", ", ".join(e.name for e in self.schedule))
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def tick(self) -> list[str]:
        """Enqueue every entry that is due and set its next time; returns the names enqueued."""
        now = self._clock()
        fired = []
        for entry in self.schedule:
            if self._due[entry.name] > now:
                continue
            self._due[entry.name] = (
                now + entry.interval if entry.interval is not None else _next_cron(entry, now)
            )
            try:
                self.jobs.enqueue(entry.func, *entry.args, queue=entry.queue, job_id=f"periodic:{entry.name}")
                fired.append(entry.name)
            except Exception:
                log.exception("could not enqueue periodic job %s", entry.name)
        return fired

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.tick()
            wait = min(self._due.values(), default=self._clock() + 60) - self._clock()
            self._stop.wait(max(wait, 0.05))


def _next_cron(entry: Periodic, now: float) -> float:
    start = datetime.fromtimestamp(now, UTC)
    return float(croniter(entry.cron, start).get_next(float))


def start_embedded_jobs(rt: Runtime, schedule: list[Periodic] | None = None) -> EmbeddedScheduler | None:
    """Embedded mode only (no Redis): job functions run on `rt`, the periodic jobs on a scheduler thread.
    With Redis, `packline worker` and exactly one `packline cron` do this, so nothing starts here."""
    if not rt.settings.embedded:
        return None
    context.configure(rt)
    return EmbeddedScheduler(rt.jobs, schedule).start()
