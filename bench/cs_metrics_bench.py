"""CS lookup latency by key kind and KPI dashboard query times on 1M orders in a PostgreSQL database of
the benchmark's own (created, filled with COPY, dropped unless --keep).

Usage: .venv/bin/python bench/cs_metrics_bench.py [--orders 1000000] [--days 60] [--lookups 300] [--keep]
       [--reuse URL]   (time an existing benchmark database instead of generating one)
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cs_metrics_data import TZ  # noqa: E402
from bench.cs_metrics_data import generate as fill  # noqa: E402
from server import clock, models  # noqa: E402
from server.app import create_app  # noqa: E402
from server.config import Settings  # noqa: E402
from server.cs.desk import Asker, desk_lookup  # noqa: E402
from server.db import make_engine  # noqa: E402
from server.demo_seed import seed_reference, seed_users  # noqa: E402
from server.metrics.reports import Filters, dashboard  # noqa: E402
from server.metrics.rollup import roll_up, roll_up_recent  # noqa: E402
from server.metrics.sources import Scope  # noqa: E402
from server.runtime import Runtime  # noqa: E402
from simulators.catalog import ALL_PRODUCTS  # noqa: E402
from tests.support import DEMO_PASSWORDS, create_pg_database, drop_pg_database  # noqa: E402

CS = Asker("user:cs", None, reveal=False)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def generate(url: str, orders: int, days: int) -> dict[str, Any]:
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    now = clock.now()
    with Session(engine) as session:
        seed_reference(session, list(ALL_PRODUCTS))
        seed_users(session, now)
        session.commit()
    started = time.perf_counter()
    steps = fill(engine, orders=orders, days=days, now=now, scans=orders * 2, lookups=orders // 10)
    seconds = time.perf_counter() - started
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))")).scalar()
        trail = conn.execute(text("SELECT count(*) FROM status_transitions")).scalar()
    engine.dispose()
    return {"seconds": seconds, "trail_rows": trail, "size": size, "steps": steps}


def sample_keys(rt: Runtime, count: int) -> dict[str, list[str]]:
    """Keys of random existing orders (plus never-existing ones), read back from the database."""
    rng = random.Random(5)
    with rt.read() as s:
        top = s.scalar(text("SELECT max(id) FROM orders")) or 1
        ids = [rng.randrange(1, top + 1) for _ in range(count * 3)]
        rows = s.execute(text(
            "SELECT o.order_number, o.tracking_number, o.external_id, g.gift_number, o.phone_last4, o.customer_name "
            "FROM orders o LEFT JOIN gift_orders g ON g.order_id = o.id WHERE o.id = ANY(:ids)"), {"ids": ids}).all()  # fmt: skip
    keys: dict[str, list[str]] = {
        "order": [],
        "gift": [],
        "tracking": [],
        "external_id": [],
        "phone_name": [],
    }
    for number, tracking, external, gift, last4, name in rows:
        keys["order"].append(number)
        keys["external_id"].append(external)
        keys["phone_name"].append(f"{last4} {name}")
        if tracking:
            keys["tracking"].append(tracking)
        if gift:
            keys["gift"].append(gift)
    keys = {k: v[:count] for k, v in keys.items()}
    keys["not found"] = [f"DAB1999{n:09d}" for n in range(count)]
    return keys


def bench_lookups(
    rt: Runtime, keys: dict[str, list[str]]
) -> list[tuple[str, int, float, float, float, float]]:
    rows = []
    for kind, values in keys.items():
        for value in values[:20]:  # warm-up: connections, statement caches, buffers
            with rt.work() as work:
                desk_lookup(work.session, value, None, asker=CS, now=clock.now(), locale="zh-CN")
        walls, inner = [], []
        for value in values:
            started = time.perf_counter()
            with rt.work() as work:
                result = desk_lookup(work.session, value, None, asker=CS, now=clock.now(), locale="zh-CN")
            walls.append((time.perf_counter() - started) * 1000)
            inner.append(result.latency_ms)
            assert result.found == (kind != "not found"), (kind, value)
        rows.append((kind, len(values), pct(inner, 50), pct(inner, 99), pct(walls, 50), pct(walls, 99)))
    return rows


PREWARM = (
    "orders",
    "status_transitions",
    "address_versions",
    "order_lines",
    "gift_orders",
    "gift_lines",
    "holds",
)


def prewarm(rt: Runtime) -> float:
    """Read the lookup's tables and indexes once (pg_prewarm, 'read' mode = OS page cache), as a desk that has
    been answering all day would have them; a 2 GB database fits in this machine's RAM many times over."""
    started = time.perf_counter()
    with rt.engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
        for table in PREWARM:
            conn.execute(text("SELECT pg_prewarm(CAST(:t AS regclass), 'read')"), {"t": table})
            for index in conn.execute(text("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = CAST(:t AS regclass)"), {"t": table}).scalars():  # fmt: skip
                conn.execute(text("SELECT pg_prewarm(CAST(:i AS regclass), 'read')"), {"i": index})
    return time.perf_counter() - started


def baseline(rt: Runtime) -> tuple[float, float]:
    """A bare `SELECT 1` round trip: the floor under every query, and a gauge of how loaded the box is."""
    with rt.engine.connect() as conn:
        times = timed(lambda: conn.execute(text("SELECT 1")), 300)
    return pct(times, 50), pct(times, 99)


def bench_http(rt: Runtime, keys: dict[str, list[str]]) -> tuple[float, float, int]:
    app = create_app(runtime=rt)
    client = app.test_client()
    token = client.post("/api/v1/auth/login", json={"username": "cs", "password": DEMO_PASSWORDS["cs"]}).json[
        "token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    values = [v for k in ("order", "tracking", "phone_name") for v in keys[k]]
    for v in values[:20]:
        client.post("/api/v1/cs/lookup", json={"q": v}, headers=headers)
    times = []
    for v in values:
        started = time.perf_counter()
        assert client.post("/api/v1/cs/lookup", json={"q": v}, headers=headers).status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    return pct(times, 50), pct(times, 99), len(times)


def bench_dashboard(rt: Runtime, days: int, repeat: int) -> list[tuple[str, float]]:
    now = clock.now()
    today = clock.local_day(now, TZ)
    out: list[tuple[str, float]] = []
    with rt.engine.begin() as conn:  # a reused database: start without any rollup, so "live" is live
        for table in ("metric_rollup_runs", "metric_fulfilment_daily", "metric_daily"):
            conn.execute(text(f"DELETE FROM {table}"))

    def board(span: int, by: str = "channel", **filters: str) -> Callable[[], Any]:
        scope = Scope(today - timedelta(days=span - 1), today)
        return lambda: _read(
            rt, lambda s: dashboard(s, scope, Filters(**filters), by, now=now, tz=TZ, locale="zh-CN")
        )

    for span in (1, 7, 30):
        out.append(
            (f"dashboard, live (no rollup), {span} day(s)", statistics.median(timed(board(span), repeat)))
        )
    started = time.perf_counter()
    with rt.work() as work:
        roll_up(work.session, first=today - timedelta(days=days - 1), last=today, now=now, tz=TZ)
    out.append((f"rollup backfill, {days} days (one-off)", (time.perf_counter() - started) * 1000))
    recent = []
    for _ in range(3):
        started = time.perf_counter()
        with rt.work() as work:
            roll_up_recent(work.session, now=clock.now(), tz=TZ)
        recent.append((time.perf_counter() - started) * 1000)
    out.append(("rollup job `roll_up_recent` (today + 2 days)", statistics.median(recent)))
    for span in (7, 30, min(days, 60)):
        out.append(
            (f"dashboard from rollup, {span} days, by channel", statistics.median(timed(board(span), repeat)))
        )
    out.append(
        (
            "dashboard from rollup, 30 days, by hour of payment",
            statistics.median(timed(board(30, "paid_hour"), repeat)),
        )
    )
    out.append(
        (
            "dashboard from rollup, 30 days, brand=DAB, by shop",
            statistics.median(timed(board(30, "shop", brand="DAB"), repeat)),
        )
    )
    return out


def _read(rt: Runtime, fn: Callable[[Session], Any]) -> Any:
    with rt.read() as session:
        return fn(session)


def explain(rt: Runtime, keys: dict[str, list[str]]) -> list[str]:
    """The plan of each probe, to show that none scans."""
    probes = {
        "external_id": ("SELECT id FROM orders WHERE source IN ('taobao','tmall','jd','pdd','miniapp','pos','shopify') "
                        "AND external_id = :k", keys["external_id"][0]),
        "phone_name": ("SELECT id FROM orders WHERE phone_last4 = :k AND (lower(customer_name) = 'x' OR lower(customer_name) LIKE 'x%')",
                       keys["phone_name"][0][:4]),
    }  # fmt: skip
    lines = []
    with rt.read() as s:
        for kind, (sql, key) in probes.items():
            plan = s.execute(text(f"EXPLAIN {sql}"), {"k": key}).scalars().all()
            lines.append(f"{kind}: {plan[0].split('  (')[0].strip()}")
    return lines


def run_lookups(rt: Runtime, args: argparse.Namespace) -> None:
    keys = sample_keys(rt, args.lookups)
    if args.prewarm:
        print(f"prewarmed the lookup tables and indexes in {prewarm(rt):.0f} s")
    b50, b99 = baseline(rt)
    print(
        f"\nbaseline SELECT 1 round trip: p50 {b50:.2f} ms, p99 {b99:.2f} ms; load average {os.getloadavg()[0]:.1f}"
    )
    print("\n| key | lookups | domain p50 ms | domain p99 ms | with commit p50 ms | with commit p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, n, p50, p99, w50, w99 in bench_lookups(rt, keys):
        print(f"| {kind} | {n} | {p50:.2f} | {p99:.2f} | {w50:.2f} | {w99:.2f} |")
    h50, h99, hn = bench_http(rt, keys)
    print(
        f"\nHTTP POST /api/v1/cs/lookup (Flask test client, auth + JSON): p50 {h50:.2f} ms, p99 {h99:.2f} ms over {hn}"
    )
    print("\n" + "\n".join(explain(rt, keys)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", default=None)
    parser.add_argument(
        "--prewarm", action="store_true", help="read the lookup tables into the OS cache first"
    )
    parser.add_argument("--skip-dashboard", action="store_true")
    parser.add_argument("--skip-lookups", action="store_true")
    parser.add_argument(
        "--scan-index",
        action="store_true",
        help="add an index on scan_events (code, created_at) first, to show what it saves the counters",
    )
    args = parser.parse_args()
    url = args.reuse or create_pg_database("packline_bench_cs")
    try:
        if not args.reuse:
            info = generate(url, args.orders, args.days)
            print(f"generated {args.orders:,} orders, {info['trail_rows']:,} trail rows, {args.orders * 2:,} scan events "
                  f"in {info['seconds']:.0f} s; database {info['size']}; steps {info['steps']}")  # fmt: skip
        rt = Runtime.create(Settings(database_url=url, login_rate_limit_per_minute=10_000))
        if args.scan_index:
            with rt.engine.begin() as conn:
                conn.execute(
                    text(
                        "CREATE INDEX IF NOT EXISTS bench_scan_events_code_created_at ON scan_events (code, created_at)"
                    )
                )
            print("with an index on scan_events (code, created_at)")
        if not args.skip_lookups:
            run_lookups(rt, args)
        if not args.skip_dashboard:
            print("\n| dashboard query | ms (median) |\n|---|---:|")
            for name, ms in bench_dashboard(rt, args.days, args.repeat):
                print(f"| {name} | {ms:.0f} |")
        print(
            f"\nmachine: {os.cpu_count()} CPU, {platform.processor() or platform.machine()}, Python {platform.python_version()}"
        )
        rt.engine.dispose()
    finally:
        if not args.keep and not args.reuse:
            drop_pg_database(url)
        elif not args.reuse:
            print(f"kept {url}")


if __name__ == "__main__":
    main()
