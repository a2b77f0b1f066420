"""Platform ingest benchmark: N orders from the TOP and PDD simulators into PostgreSQL through the real sync
path — the planner enqueues on RQ, `packline worker` processes fork a horse per window, the connectors page
backwards through each window and the batch ingest (`ingest_orders`) upserts every page (events published to Redis).

    .venv/bin/python bench/ingest_bench.py --orders 100000 --workers 2

Uses a PostgreSQL database and a Redis db of its own (dropped / flushed at the end) and prints a markdown
row for bench/BENCHMARKS.md. Windows are sequential per shop, so parallelism is one worker per shop."""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

from redis import Redis
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server import clock, models  # noqa: E402
from server.config import Settings  # noqa: E402
from server.db import make_engine  # noqa: E402
from server.demo_seed import seed_reference  # noqa: E402
from server.integrations.models import SyncCursor  # noqa: E402
from server.orders.models import Order  # noqa: E402
from simulators import pdd, taobao  # noqa: E402
from simulators.catalog import ALL_PRODUCTS  # noqa: E402
from workers import context  # noqa: E402
from workers.jobs.sync import plan_platform_syncs  # noqa: E402

ADMIN_URL = os.environ.get("PACKLINE_BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_HOST = os.environ.get("PACKLINE_BENCH_REDIS_HOST", "127.0.0.1")


def main() -> int:
    args = _args()
    name = f"packline_bench_ingest_{uuid.uuid4().hex[:6]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    redis = Redis(host=REDIS_HOST, db=args.redis_db)
    redis.flushdb()
    sims = {"taobao": taobao.start(), "pdd": pdd.start()}
    try:
        return _run(args, db_url, redis, sims)
    finally:
        for handle in sims.values():
            handle.stop()
        redis.flushdb()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _run(args: argparse.Namespace, db_url: str, redis: Redis, sims: dict) -> int:
    engine = make_engine(db_url)
    models.Base.metadata.create_all(engine)
    with Session(engine) as session:
        seed_reference(session, list(ALL_PRODUCTS))
        session.commit()
    sims["pdd"].app.settings["recent_lag_seconds"] = 5
    span_h = args.hours or max(1.0, args.orders / 5000)
    now = clock.now()
    started = time.perf_counter()
    per_platform = {"taobao": args.orders - args.orders // 2, "pdd": args.orders // 2}
    for index, (name, count) in enumerate(per_platform.items()):
        with sims[name].app.lock:
            sims[name].app.generate(count, 100 + index, now - timedelta(hours=span_h), now - timedelta(seconds=60))
    print(f"generated {args.orders} orders over {span_h:.1f} h in {time.perf_counter() - started:.1f} s")

    settings = Settings(
        database_url=db_url,
        redis_url=f"redis://{REDIS_HOST}:6379/{args.redis_db}",
        taobao_base_url=sims["taobao"].url,
        taobao_app_key="12345678",
        taobao_app_secret="topsecret",
        taobao_session="sess",
        pdd_base_url=sims["pdd"].url,
        pdd_client_id="pddclient",
        pdd_client_secret="pddsecret",
        pdd_access_token="pddtoken",
        sync_shops=("taobao:tmall-01@HZ01", "pdd:pdd-01@SH01"),
        sync_lag_seconds=10,
        sync_page_size=args.page_size,
        # Unpaid generated orders carry their creation time, up to 15 min before the range.
        sync_initial_lookback_minutes=int(span_h * 60) + 20,
        job_retry_base_seconds=1,
    )
    # Plan here, so every shop's first window is queued before the burst workers look for work.
    context.configure(context.build_runtime(settings))
    planned = plan_platform_syncs()
    context.reset()
    print(f"planned {planned} windows")
    env = _env(settings)
    packline = str(Path(sys.executable).parent / "packline")
    started = time.perf_counter()
    sim_cpu = time.process_time()  # the simulators serve from this process's threads
    pg = PostgresCpu(engine, db_url.rsplit("/", 1)[1])
    procs = [
        subprocess.Popen([packline, "worker", "--burst", "sync"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        for _ in range(args.workers)
    ]
    for proc in procs:
        proc.wait()
    elapsed = time.perf_counter() - started
    pg_cpu = pg.stop()
    load = f"{min(pg.load):.1f}–{max(pg.load):.1f}" if pg.load else "?"
    sim_cpu = time.process_time() - sim_cpu
    # Workers and their forked horses, reaped: CPU the sync path itself spent (PostgreSQL not included).
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = usage.ru_utime + usage.ru_stime

    with Session(engine) as session:
        orders = session.scalar(select(func.count(Order.id))) or 0
        cursors = session.scalar(select(func.count(SyncCursor.id)))
    engine.dispose()
    calls = sum(len(h.app.journal.entries()) for h in sims.values())
    rate = orders / elapsed if elapsed else 0.0
    print(f"ingested {orders} of {args.orders} orders in {elapsed:.1f} s with {args.workers} workers: {rate:.0f} orders/s")
    print(f"cursors {cursors}, platform calls (last {calls} journalled)")
    print(
        f"CPU: workers+horses {worker_cpu:.1f} s ({1000 * worker_cpu / max(orders, 1):.1f} ms/order), "
        f"simulators {sim_cpu:.1f} s, PostgreSQL backends {pg_cpu:.1f} s "
        f"({1000 * pg_cpu / max(orders, 1):.1f} ms/order); load average during the run {load}"
    )
    print(
        f"| load avg {load} | {orders:,} | {args.workers} | {args.page_size} | {elapsed:.1f} | {rate:.0f} | "
        f"{1000 * worker_cpu / max(orders, 1):.1f} | {1000 * pg_cpu / max(orders, 1):.1f} |"
    )
    print(f"machine: {platform.machine()} {os.cpu_count()} CPU, Python {platform.python_version()}")
    return 0 if orders == args.orders else 1


class PostgresCpu:
    """CPU seconds of the PostgreSQL backends serving the bench database (Linux /proc, sampled every
    0.5 s while they live; a backend's last half second may be missed), and the load average meanwhile."""

    def __init__(self, engine, database: str) -> None:  # type: ignore[no-untyped-def]
        self.engine, self.database = engine, database
        self.seen: dict[int, float] = {}
        self.load: list[float] = []  # 1-minute load average, sampled every 0.5 s (the machine is shared)
        self.done = threading.Event()
        self.tick = os.sysconf("SC_CLK_TCK")
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        query = text("SELECT pid FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()")
        with self.engine.connect() as conn:
            while not self.done.wait(0.5):
                self.load.append(os.getloadavg()[0])
                for pid in conn.execute(query, {"db": self.database}).scalars():
                    try:
                        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.seen[pid] = (int(stat[11]) + int(stat[12])) / self.tick  # utime + stime
                conn.rollback()

    def stop(self) -> float:
        self.done.set()
        self.thread.join(5)
        return sum(self.seen.values())


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKLINE_")}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value is not None and value != f.default:
            env[f"PACKLINE_{f.name.upper()}"] = ",".join(value) if isinstance(value, tuple) else str(value)
    env["PYTHONPATH"] = str(ROOT)
    return env


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--orders", type=int, default=100_000)
    p.add_argument("--workers", type=int, default=2, help="`packline worker` processes (one per shop helps)")
    p.add_argument("--page-size", type=int, default=100)
    p.add_argument("--hours", type=float, default=None, help="span the orders were modified over")
    p.add_argument("--redis-db", type=int, default=14)
    return p.parse_args()


if __name__ == "__main__":
    sys.exit(main())
