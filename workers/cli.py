"""`packline worker [queues…]` and `packline cron`: the RQ entry points (registered on import by server.cli)."""

from __future__ import annotations

import argparse
import importlib
import logging

from redis import Redis
from rq import Worker
from rq.cron import CronScheduler

from server.config import Settings
from server.observability import job_id_var, request_id_var
from workers import context, queues
from workers.failures import resolve
from workers.schedule import SCHEDULE, Periodic, validate

log = logging.getLogger("packline.workers")

# server.cli loads this module from `_load_plugins` and owns the command registry. It is looked up, not
# imported statically: server.cli's own lazily imported commands (serve → app → api, pda_web) would
# otherwise count as workers importing the web adapters, which the adapter-independence contract forbids.
command = importlib.import_module("server.cli").command


def _configure_worker(p: argparse.ArgumentParser) -> None:
    p.add_argument("queues", nargs="*", help=f"queues in priority order (default: {' '.join(queues.ALL)})")
    p.add_argument("--burst", action="store_true", help="work until the queues are empty, then exit")


def _redis(settings: Settings) -> Redis | None:
    if not settings.redis_url:
        print("PACKLINE_REDIS_URL is not set: in the embedded mode jobs run inside `packline serve`")
        return None
    return Redis.from_url(settings.redis_url)


# RQ's default is 10 min. Maintenance is when a worker (a) re-runs the jobs of a worker that died
# (SIGKILL, OOM, a lost node: found once their heartbeat lapsed, 90 s) and (b) takes over the scheduler
# lock of a dead worker's scheduler (it expires after 61 s): until then no retry with backoff runs.
# Found by tests/faults/test_worker_killed.py; a few Redis calls a minute per worker.
MAINTENANCE_SECONDS = 60


class PacklineWorker(Worker):
    """Runs each job with the job id and the enqueuing request's id in the log context (JSON logs)."""

    def perform_job(self, job, queue):  # type: ignore[no-untyped-def]
        job_token = job_id_var.set(job.meta.get("packline_id") or job.id)
        request_token = request_id_var.set(job.meta.get("request_id"))
        try:
            return super().perform_job(job, queue)
        finally:
            request_id_var.reset(request_token)
            job_id_var.reset(job_token)


@command("worker", "run an RQ worker (with RQ's scheduler for retry backoff)", _configure_worker)
def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    connection = _redis(settings)
    if connection is None:
        return 2
    names = queues.validate(args.queues or list(queues.ALL))
    # Built here, used in the forked work horses: context disposes the pool after each fork.
    rt = context.build_runtime(settings)
    context.configure(rt)
    context.warm_up(rt)
    worker = PacklineWorker(names, connection=connection, maintenance_interval=MAINTENANCE_SECONDS)
    worker.work(burst=args.burst, with_scheduler=True)
    return 0


def build_cron(connection: Redis, schedule: list[Periodic] | None = None) -> CronScheduler:
    entries = SCHEDULE if schedule is None else schedule
    validate(entries)
    cron = CronScheduler(connection=connection)
    for entry in entries:
        cron.register(
            resolve(entry.func),
            queue_name=entry.queue,
            args=entry.args,
            interval=entry.interval,
            cron=entry.cron,
            job_timeout=entry.timeout,
            name=entry.name,
        )
    return cron


@command("cron", "enqueue the periodic jobs of workers/schedule.py (run exactly one)")
def cmd_cron(_args: argparse.Namespace, settings: Settings) -> int:
    connection = _redis(settings)
    if connection is None:
        return 2
    build_cron(connection).start()
    return 0
