"""The embedded-mode `JobQueue` (no Redis): the same job functions run in one background thread, in the
order they were enqueued (after the enqueuing transaction committed, as `Work.enqueue` guarantees), under
the same retry policy as RQ. A retry waits in a time-ordered heap so it does not hold up fresh jobs."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from server.config import Settings
from workers import queues
from workers.failures import report_exhausted, resolve, retry_intervals

log = logging.getLogger("packline.workers")
Exhausted = Callable[[str, Sequence[Any], str, BaseException | None], None]


@dataclass(order=True)
class _Entry:
    due: float
    seq: int
    func: str = field(compare=False)
    args: tuple[Any, ...] = field(compare=False)
    queue: str = field(compare=False)
    job_id: str | None = field(compare=False)
    attempt: int = field(default=0, compare=False)


class InProcessJobQueue:
    def __init__(self, *, intervals: list[int], on_exhausted: Exhausted = report_exhausted) -> None:
        self.intervals = intervals
        self.on_exhausted = on_exhausted
        self._heap: list[_Entry] = []
        self._pending: set[str] = set()
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._busy = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> InProcessJobQueue:
        return cls(intervals=retry_intervals(settings))

    def enqueue(self, func: str, *args: Any, queue: str = queues.DEFAULT, job_id: str | None = None) -> None:
        self.submit(func, *args, queue=queue, job_id=job_id)

    def submit(self, func: str, *args: Any, queue: str = queues.DEFAULT, job_id: str | None = None) -> bool:
        queues.validate([queue])
        with self._cond:
            if job_id is not None:
                if job_id in self._pending:
                    return False
                self._pending.add(job_id)
            heapq.heappush(self._heap, _Entry(time.monotonic(), next(self._seq), func, args, queue, job_id))
            self._start()
            self._cond.notify_all()
        return True

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is queued or running (tests, shutdown). False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._heap or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stopping = False
            self._thread = threading.Thread(target=self._loop, name="packline-jobs", daemon=True)
            self._thread.start()

    def _next(self) -> _Entry | None:
        with self._cond:
            while not self._stopping:
                if self._heap and self._heap[0].due <= time.monotonic():
                    self._busy = True
                    return heapq.heappop(self._heap)
                wait = (self._heap[0].due - time.monotonic()) if self._heap else None
                self._cond.wait(wait)
            return None

    def _loop(self) -> None:
        while (entry := self._next()) is not None:
            try:
                self._run(entry)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _run(self, entry: _Entry) -> None:
        try:
            resolve(entry.func)(*entry.args)
        except Exception as exc:
            if entry.attempt < len(self.intervals):
                delay = self.intervals[entry.attempt]
                log.warning("job %s failed (%s); retry %d in %ss", entry.func, exc, entry.attempt + 1, delay)
                entry.attempt += 1
                entry.due = time.monotonic() + delay
                with self._cond:
                    heapq.heappush(self._heap, entry)
                return
            self._finish(entry)
            try:
                self.on_exhausted(entry.func, entry.args, entry.queue, exc)
            except Exception:
                log.exception("could not report the failure of %s", entry.func)
            return
        self._finish(entry)

    def _finish(self, entry: _Entry) -> None:
        if entry.job_id is not None:
            with self._cond:
                self._pending.discard(entry.job_id)
