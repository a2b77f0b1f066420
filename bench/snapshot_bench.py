"""Countdown snapshot build time with 10k open orders in one warehouse on PostgreSQL.

Seeds (bulk insert, not through ingest: only the timing of the read matters) `--open` open orders
(paid/picking/printed/packed, deadlines from 6 h overdue to 2 days ahead, some without a deadline) in
HZ01, plus `--closed` shipped/delivered orders and open orders in SH01 that the query must skip. Then
times `build_snapshot` (the periodic countdown_snapshot), `crossings` (one 5 s tick) and the full lead
board (`GET /api/v1/live/HZ01` minus HTTP), warm, and prints the query plan.

Usage: .venv/bin/python bench/snapshot_bench.py [--open 10000] [--closed 40000] [--runs 50]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from server import clock  # noqa: E402
from server.catalog.models import Shop  # noqa: E402
from server.db import make_engine  # noqa: E402
from server.live.board import lead_board  # noqa: E402
from server.live.countdown import OPEN_STATUSES, build_snapshot, crossings, snapshot_query, warehouse_ref  # noqa: E402
from server.orders.models import Order, StatusTransition  # noqa: E402
from tests.realtime.procs import drop_pg_database, prepare_database  # noqa: E402

YELLOW = timedelta(minutes=120)


def seed(session: Session, *, open_orders: int, closed: int, other: int, packs_today: int) -> None:
    rng = random.Random(7)
    now = clock.now()
    shop = session.scalars(select(Shop).where(Shop.code == "tmall-01")).one()
    ids = {w.code: w.id for w in (warehouse_ref(session, "HZ01"), warehouse_ref(session, "SH01"))}
    rows = []

    def row(n: int, warehouse: str, status: str, ship_by: object) -> dict[str, object]:
        return {
            "order_number": f"BENCH{n:010d}",
            "source": "tmall",
            "external_id": f"B-{n}",
            "shop_id": shop.id,
            "warehouse_id": ids[warehouse],
            "customer_name": "压测",
            "status": status,
            "ship_by": ship_by,
            "printed_at": now - timedelta(hours=3) if status == "printed" else None,
            "tracking_number": None if status == "printed" and n % 50 == 0 else f"7310{n:010d}",
            "created_at": now,
            "updated_at": now,
        }

    n = 0
    for _ in range(open_orders):
        n += 1
        due = None if n % 97 == 0 else now + timedelta(minutes=rng.randint(-360, 2 * 24 * 60))
        rows.append(row(n, "HZ01", rng.choice(OPEN_STATUSES), due))
    for _ in range(closed):
        n += 1
        rows.append(
            row(n, "HZ01", rng.choice(["shipped", "delivered"]), now - timedelta(hours=rng.randint(1, 400)))
        )
    for _ in range(other):
        n += 1
        rows.append(
            row(n, "SH01", rng.choice(OPEN_STATUSES), now + timedelta(minutes=rng.randint(-360, 2880)))
        )
    for start in range(0, len(rows), 5000):
        session.execute(insert(Order), rows[start : start + 5000])
    session.commit()
    # The status trail: 4 transitions per closed order in the past, and today's packs by 8 packers
    # (the lead board's packed-per-hour reads it).
    order_ids = list(
        session.scalars(select(Order.id).where(Order.warehouse_id == ids["HZ01"]).order_by(Order.id))
    )
    trail = []
    for oid in order_ids[open_orders:]:
        at = now - timedelta(hours=rng.randint(30, 400))
        for to in ("picking", "printed", "packed", "shipped"):
            trail.append(_transition(oid, to, f"user:packer{rng.randint(1, 8)}", at))
    for oid in order_ids[:packs_today]:
        trail.append(
            _transition(
                oid, "packed", f"user:packer{rng.randint(1, 8)}", now - timedelta(minutes=rng.randint(1, 600))
            )
        )
    for start in range(0, len(trail), 10000):
        session.execute(insert(StatusTransition), trail[start : start + 10000])
    session.commit()
    session.execute(text("ANALYZE orders"))
    session.execute(text("ANALYZE status_transitions"))
    session.commit()


def _transition(order_id: int, to: str, actor: str, at: object) -> dict[str, object]:
    return {
        "order_id": order_id,
        "subject": "order",
        "from_status": None,
        "to_status": to,
        "actor": actor,
        "source_system": "bench",
        "at": at,
    }


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    fn()  # warm: connection, statement cache, type processors
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary(name: str, ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[max(0, round(0.95 * (len(ordered) - 1)))]
    return f"{name:<34} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   max {max(ms):7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--closed", type=int, default=40_000)
    parser.add_argument("--other", type=int, default=5_000, help="open orders of another warehouse")
    parser.add_argument("--packs-today", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    parser.add_argument("--reuse", metavar="URL", help="a database that a --keep run left behind")
    args = parser.parse_args()
    url = args.reuse or prepare_database("packline_bench_snapshot")
    engine = make_engine(url)
    try:
        if not args.reuse:
            with Session(engine) as session:
                t = time.perf_counter()
                seed(
                    session,
                    open_orders=args.open,
                    closed=args.closed,
                    other=args.other,
                    packs_today=args.packs_today,
                )
                took = time.perf_counter() - t
                print(
                    f"seeded {args.open} open + {args.closed} closed (HZ01) + {args.other} open (SH01), "
                    f"{4 * args.closed + args.packs_today} status transitions, in {took:.1f}s"
                )
        with Session(engine) as session:
            wh = warehouse_ref(session, "HZ01")
            now = clock.now()
            snap = build_snapshot(session, wh, now=now, yellow=YELLOW, limit=100)
            assert snap["totals"]["total"] == args.open, snap["totals"]
            results = [
                summary(
                    "build_snapshot (10k → counts+100)",
                    timed(
                        lambda: build_snapshot(session, wh, now=clock.now(), yellow=YELLOW, limit=100),
                        args.runs,
                    ),
                ),
                summary(
                    "  of which the SQL statement",
                    timed(
                        lambda: session.execute(
                            snapshot_query(wh.id, now=clock.now(), yellow=YELLOW, limit=100)
                        ).all(),
                        args.runs,
                    ),
                ),
                summary(
                    "crossings (one 5 s tick)",
                    timed(
                        lambda: crossings(
                            session,
                            wh,
                            since=clock.now() - timedelta(seconds=5),
                            until=clock.now(),
                            yellow=YELLOW,
                        ),
                        args.runs,
                    ),
                ),
                summary(
                    "lead_board (whole REST payload)",
                    timed(
                        lambda: lead_board(
                            session,
                            wh,
                            now=clock.now(),
                            yellow=YELLOW,
                            no_tracking_after=YELLOW,
                            snapshot_limit=100,
                        ),
                        args.runs,
                    ),
                ),
            ]
            query = snapshot_query(wh.id, now=clock.now(), yellow=YELLOW, limit=100)
            compiled = query.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
            explain = session.connection().exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), compiled.params
            )
            plan = [r[0] for r in explain]
        load = os.getloadavg()
        cpu = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")
            ),
            platform.processor(),
        )
        print(
            f"machine: nproc {os.cpu_count()}, {cpu}, Python {platform.python_version()}, load avg {load[0]:.1f}/{load[1]:.1f}"
        )
        print(f"snapshot totals: {snap['totals']}")
        print("\n".join(results))
        print("plan of the snapshot query:")
        print("\n".join("  " + line for line in plan))
    finally:
        engine.dispose()
        if args.keep or args.reuse:
            print(f"database kept: {url}")
        else:
            drop_pg_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
