"""Durable fallback of the RQ job queue: a job that cannot be enqueued because Redis is unreachable is
parked in the database (the request that asked for it has already committed, so raising would turn a
done action into an error and lose the job). A background thread of the same process hands parked jobs
to Redis once it answers again, oldest first; any process that enqueues later also looks for leftovers
(a process that parked jobs may have stopped before Redis came back).

At-least-once, like RQ itself: a job handed over twice (a crash between the push and the delete) is
deduplicated by its deterministic job id or is idempotent at the database."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import clock
from server.db import make_engine
from server.outbox import parking

log = logging.getLogger("packline.workers")
# push(func, args, queue, job_id, request_id); raises when Redis is still unreachable.
Push = Callable[[str, Sequence[Any], str, str | None, str | None], object]


class JobParking:
    def __init__(
        self,
        database_url: str,
        *,
        retry_seconds: float = 3.0,
        recheck_seconds: float = 60.0,
        batch: int = 100,
    ) -> None:
        self.database_url = database_url
        self.retry_seconds = retry_seconds
        self.recheck_seconds = recheck_seconds
        self.batch = batch
        self._engine: Engine | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._flusher: threading.Thread | None = None
        self._last_look = 0.0

    def engine(self) -> Engine:
        with self._lock:
            if self._pid != os.getpid():  # a forked RQ work horse must not share the parent's connections
                if self._engine is not None:
                    self._engine.dispose(close=False)
                self._engine, self._pid = None, os.getpid()
            if self._engine is None:
                self._engine = make_engine(self.database_url, pool_size=1, max_overflow=2)
            return self._engine

    def park(
        self, func: str, args: Sequence[Any], queue: str, job_id: str | None, request_id: str | None
    ) -> None:
        with Session(self.engine()) as session, session.begin():
            parking.park(
                session,
                func_path=func,
                args=args,
                queue=queue,
                job_id=job_id,
                request_id=request_id,
                now=clock.now(),
            )
        log.warning("Redis unreachable: job %s (%s) parked in the database", job_id or func, queue)

    def flush(self, push: Push) -> int | None:
        """Hand parked jobs to Redis; the number handed over, or None when Redis still fails."""
        handed = 0
        while True:
            with Session(self.engine()) as session, session.begin():
                rows = parking.take_oldest(session, self.batch)
                if not rows:
                    return handed
                done: list[int] = []
                try:
                    for row in rows:
                        push(row.func, row.args, row.queue, row.job_id, row.request_id)
                        done.append(row.id)
                except Exception as exc:
                    parking.forget(session, done)
                    log.info("parked jobs wait for Redis (%s); %d handed over", type(exc).__name__, handed)
                    return None
                parking.forget(session, done)
                handed += len(done)
                log.info("handed %d parked job(s) to Redis", len(done))

    def start_flusher(self, push: Push) -> None:
        """One thread per process retries until nothing is parked."""
        with self._lock:
            if self._flusher is not None and self._flusher.is_alive():
                return
            self._flusher = threading.Thread(
                target=self._flush_until_empty, args=(push,), name="packline-parked-jobs", daemon=True
            )
            self._flusher.start()

    def look_for_leftovers(self, push: Push) -> None:
        """Called after a successful enqueue, at most once per `recheck_seconds`: cheap, and it finds jobs
        parked by a process that is gone."""
        now = time.monotonic()
        if now - self._last_look < self.recheck_seconds:
            return
        self._last_look = now
        try:
            with Session(self.engine()) as session:
                leftovers = parking.count_parked(session)
        except Exception:
            log.warning("could not look for parked jobs", exc_info=True)
            return
        if leftovers:
            self.start_flusher(push)

    def _flush_until_empty(self, push: Push) -> None:
        while True:
            try:
                if self.flush(push) is not None:
                    with Session(self.engine()) as session:
                        if parking.count_parked(session) == 0:
                            return
            except Exception:
                log.warning("parked jobs: flush failed", exc_info=True)
            time.sleep(self.retry_seconds)
