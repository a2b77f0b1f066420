"""The process-wide Runtime and connectors a job uses. Built lazily from `Settings.from_env()` in an RQ
worker; set explicitly with `configure()` in the embedded mode and in tests.

Fork safety: an RQ worker forks a work horse per job. The child must not use the parent's pooled
database connections or HTTP sockets, so the first use in a new process disposes the engine's pool
(`dispose(close=False)` leaves the parent's connections alone) and builds fresh connectors."""

from __future__ import annotations

import os
import threading
from typing import Any

from server.config import Settings
from server.integrations.factory import Connectors
from server.ports import JobQueue, Publisher
from server.runtime import Runtime

_lock = threading.RLock()
_runtime: Runtime | None = None
_connectors: Connectors | None = None
_pid: int | None = None


def configure(runtime: Runtime, connectors: Connectors | None = None) -> None:
    global _runtime, _connectors, _pid
    with _lock:
        _runtime, _connectors, _pid = runtime, connectors, os.getpid()


def reset() -> None:
    global _runtime, _connectors, _pid
    with _lock:
        if _connectors is not None and _pid == os.getpid():
            _connectors.close()
        _runtime, _connectors, _pid = None, None, None


def runtime() -> Runtime:
    global _runtime
    with _lock:
        _after_fork()
        if _runtime is None:
            _runtime = build_runtime(Settings.from_env())
        return _runtime


def connectors() -> Connectors:
    global _connectors
    with _lock:
        rt = runtime()
        if _connectors is None:
            _connectors = Connectors(rt.settings)
        return _connectors


def _after_fork() -> None:
    global _connectors, _pid
    if _pid == os.getpid():
        return
    if _runtime is not None:
        _runtime.engine.dispose(close=False)
    _connectors = None  # dropped, not closed: closing would shut the parent's sockets too
    _pid = os.getpid()


def warm_up(rt: Runtime) -> None:
    """Compile every mapper's loaders once in the parent, so each forked work horse inherits them instead
    of paying SQLAlchemy's first-query cost (about half a second) on every job."""
    from sqlalchemy import select

    from server.models import Base

    with rt.read() as session:
        for mapper in Base.registry.mappers:
            session.execute(select(mapper.class_).limit(0)).all()
    rt.engine.dispose()  # the parent keeps no connections for the horses to inherit


def build_runtime(
    settings: Settings, *, publisher: Publisher | None = None, jobs: JobQueue | None = None
) -> Runtime:
    """A worker's runtime: RQ when Redis is configured, else the in-process queue; emit-only publishing."""
    return Runtime.create(
        settings, publisher=publisher or _publisher(settings), jobs=jobs or make_job_queue(settings)
    )


def make_job_queue(settings: Settings) -> JobQueue:
    if settings.redis_url:
        from workers.rq_queue import RqJobQueue

        return RqJobQueue.from_settings(settings)
    from workers.inprocess import InProcessJobQueue

    return InProcessJobQueue.from_settings(settings)


def _publisher(settings: Settings) -> Publisher:
    from server.realtime.publisher import emit_only_publisher

    publisher: Any = emit_only_publisher(settings)
    return publisher  # type: ignore[no-any-return]
