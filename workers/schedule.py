"""Periodic jobs, declared as data in one place and run by exactly one `packline cron` process.

Scheduler: RQ 2.x's own `rq cron` (`rq.cron.CronScheduler`), not RQ's ScheduledJobRegistry scheduler.
Why, from the RQ 2.12 source and docs:
- The worker scheduler (`rq worker --with-scheduler`) only moves jobs given `enqueue_at/enqueue_in` (and
  retries with an interval) back into their queue; it has no notion of "every N seconds" or cron strings.
  Workers still run it, because `rq.Retry` backoff depends on it.
- `CronScheduler` takes interval or cron-string entries (`register(func, queue_name, args, interval=|cron=)`),
  enqueues each when due and records its runs in Redis. It is marked beta.
- It holds no lock and gives jobs random ids: two `rq cron` processes would both enqueue every entry. Hence
  exactly one `packline cron`, and every entry is a small *planner* whose real work goes out through the
  JobQueue port with deterministic ids (`sync:<platform>:<shop>:<window_start>`), so even a duplicate tick
  enqueues nothing twice, and the jobs themselves are idempotent at the database.
- Interval entries fire once at start-up, then every `interval` seconds; cron strings are evaluated in UTC
  (convert warehouse-local times such as 08:00 Asia/Shanghai = "0 0 * * *").

Add an entry: one `Periodic(...)` line below (function path as a string, plain-value args). The same list
drives the embedded mode (no Redis), where `workers/embedded_scheduler.py` runs it on a thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workers import queues


@dataclass(frozen=True)
class Periodic:
    name: str
    func: str  # dotted path of a job function
    queue: str
    interval: int | None = None  # seconds
    cron: str | None = None  # 5-field cron string, UTC
    args: tuple[Any, ...] = ()
    timeout: int = 300


SCHEDULE: list[Periodic] = [
    Periodic("platform-sync", "workers.jobs.sync.plan_platform_syncs", queues.SYNC, interval=60),
    Periodic("consistency-check", "workers.jobs.sync.plan_consistency_checks", queues.SYNC, interval=900),
    # Alerts (watchdogs are idempotent at the database; digests are planned per warehouse with job ids).
    Periodic("alert-watchdogs", "workers.jobs.alerts.run_watchdogs", queues.ALERTS, interval=60),
    Periodic("robot-digests", "workers.jobs.alerts.plan_robot_digests", queues.ALERTS, interval=60),
    Periodic("webhook-ids-purge", "workers.jobs.alerts.purge_webhook_deliveries", queues.DEFAULT, interval=3600),
    # Daily import: the planner enqueues the folder pick-up once local time passes PACKLINE_IMPORT_AT.
    Periodic("daily-import", "workers.jobs.imports.plan_daily_import", queues.DEFAULT, interval=60),
    # KPI rollup of today and the two days before (server/metrics/rollup.py); one job per UTC minute.
    Periodic("metrics-rollup", "workers.jobs.metrics.plan_metrics_rollup", queues.DEFAULT, interval=300),
]


def validate(schedule: list[Periodic]) -> None:
    names = [p.name for p in schedule]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"periodic job names must be unique: {duplicates}")
    for entry in schedule:
        queues.validate([entry.queue])
        if (entry.interval is None) == (entry.cron is None):
            raise ValueError(f"{entry.name}: give exactly one of interval and cron")
