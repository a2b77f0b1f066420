"""The one retry policy every job runs under (RQ and embedded alike) and what happens when it is used up:
a job of the `sync` queue whose retries are exhausted raises one `sync_failing` alert per source."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

from server import clock
from server.alerts.services import raise_alert, resolve_by_key
from server.config import Settings
from workers import context, queues

log = logging.getLogger("packline.workers")


def retry_intervals(settings: Settings) -> list[int]:
    """Seconds before each retry: base, 4×base, 16×base… (30 s, 2 min, 8 min by default)."""
    return [settings.job_retry_base_seconds * 4**n for n in range(settings.job_max_retries)]


def resolve(func_path: str) -> Callable[..., Any]:
    module, _, name = func_path.rpartition(".")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def alert_source(func_path: str, args: Sequence[Any]) -> str:
    """Which sync is failing, as the job says (`failure_source` attribute), else the job's name."""
    func = resolve(func_path)
    describe = getattr(func, "failure_source", None)
    return str(describe(*args)) if describe else func_path.rpartition(".")[2]


def failing_key(source: str) -> str:
    return f"sync_failing:{source}"


def report_exhausted(func_path: str, args: Sequence[Any], queue: str, error: BaseException | None) -> None:
    """Called once per job when no retry is left."""
    log.error("job %s%r on %s failed for good: %s", func_path, tuple(args), queue, error)
    if queue != queues.SYNC:
        return
    source = alert_source(func_path, args)
    rt = context.runtime()
    with rt.work() as work:
        result = raise_alert(
            work.session,
            kind="sync_failing",
            severity="critical",
            warehouse_code=None,
            order_id=None,
            dedupe_key=failing_key(source),
            params={"system": source, "error": str(error)[:300], "job": func_path},
            now=clock.now(),
        )
        work.publish(result.events)


def mark_recovered(work: Any, source: str) -> None:
    """A sync that works again resolves its open `sync_failing` alert (inside the caller's transaction)."""
    result = resolve_by_key(
        work.session, failing_key(source), now=clock.now(), actor="system:sync", reason="recovered"
    )
    work.publish(result.events)


def on_rq_failure(job: Any, connection: Any, exc_type: Any, exc_value: BaseException, traceback: Any) -> None:
    """RQ `on_failure` callback. RQ calls it on every failed attempt, before it schedules the retry, so
    `retries_left` still counts the attempts to come: only the last failure reports."""
    if job.retries_left:
        return
    report_exhausted(job.func_name, tuple(job.args), job.origin, exc_value)
