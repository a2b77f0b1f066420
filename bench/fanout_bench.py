"""Realtime fan-out: N python-socketio clients spread over 2 gevent server processes sharing rooms through
Redis; a state change (an order transition over REST on one process) → `order_updated` at every client.

Measures, per delivery, the time from sending the REST request to the client receiving the event
(REST handling + commit + Redis publish + both processes' fan-out + client decode), on one machine.

Usage: .venv/bin/python bench/fanout_bench.py [--clients 500] [--changes 20] [--client-procs 2]
Needs PostgreSQL and Redis as for the tests (make services); creates and drops its own database.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from server.db import make_engine  # noqa: E402
from tests.realtime.procs import ServerProcess, cluster_env, drop_pg_database, prepare_database  # noqa: E402
from tests.support import make_order, user_token  # noqa: E402


def client_worker(
    urls: list[str], count: int, token: str, ready: mp.Queue, results: mp.Queue, stop: mp.Event
) -> None:
    """One client process: `count` threaded python-socketio clients, round-robin over `urls`."""
    import socketio

    received: list[tuple[str, float, float]] = []
    lock = threading.Lock()

    def make(i: int) -> socketio.Client | None:
        sio = socketio.Client(reconnection=False)

        @sio.on("order_updated")
        def _updated(data: dict) -> None:
            now = time.time()
            emitted = datetime.fromisoformat(data["server_time"]).timestamp()
            with lock:
                received.append((data["order"]["order_number"], now, emitted))

        for _attempt in range(3):
            try:
                sio.connect(
                    urls[i % len(urls)], auth={"token": token}, transports=["websocket"], wait_timeout=30
                )
                return sio
            except Exception:
                time.sleep(0.5)
        return None

    with ThreadPoolExecutor(16) as pool:
        clients = list(pool.map(make, range(count)))
    ready.put(sum(1 for c in clients if c is not None))
    stop.wait()
    with lock:
        results.put(list(received))
    results.close()
    results.join_thread()  # flush the queue's feeder thread before the hard exit
    os._exit(0)  # skip 3 s per websocket close handshake; the servers go away next anyway


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def stats(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 50):.1f}  p95 {percentile(values, 95):.1f}  p99 {percentile(values, 99):.1f}  "
        f"max {max(values):.1f}  (n={len(values)})"
    )


def machine() -> str:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    load = os.getloadavg()
    return f"nproc {os.cpu_count()}, {cpu}, Python {platform.python_version()}, load avg {load[0]:.1f}/{load[1]:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between state changes")
    args = parser.parse_args()

    url = prepare_database("packline_bench_fanout")
    engine = make_engine(url)
    env = cluster_env(url)
    servers = [ServerProcess(f"fanout-{n}", env, mode="gevent") for n in ("A", "B")]
    procs: list[mp.Process] = []
    try:
        for s in servers:
            s.launch()
        for s in servers:
            s.wait_ready(timeout=120)
        with Session(engine) as session:
            token = user_token(session, "lead.hz")
            numbers = [make_order(session, "picking").order_number for _ in range(args.changes)]
            session.commit()

        ctx = mp.get_context("spawn")
        ready, results, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
        per = [
            args.clients // args.client_procs + (i < args.clients % args.client_procs)
            for i in range(args.client_procs)
        ]
        started = time.monotonic()
        for n in per:
            p = ctx.Process(
                target=client_worker, args=([s.url for s in servers], n, token, ready, results, stop)
            )
            p.start()
            procs.append(p)
        connected = sum(ready.get(timeout=600) for _ in procs)
        print(
            f"{connected}/{args.clients} clients connected in {time.monotonic() - started:.1f}s", flush=True
        )

        sent: dict[str, float] = {}
        rest_ms: list[float] = []
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {token}"
            for i, number in enumerate(numbers):
                target = servers[i % len(servers)]
                sent[number] = time.time()
                r = http.post(
                    f"{target.url}/api/v1/orders/{number}/transitions", json={"to": "printed"}, timeout=30
                )
                rest_ms.append((time.time() - sent[number]) * 1000)
                r.raise_for_status()
                time.sleep(args.gap)
        time.sleep(3)  # stragglers
        stop.set()
        deliveries = [item for _ in procs for item in results.get(timeout=120)]
    finally:
        for p in procs:
            p.join(10)
            if p.is_alive():
                p.kill()
        for s in servers:
            s.stop()
        engine.dispose()
        drop_pg_database(url)

    latencies = [(at - sent[number]) * 1000 for number, at, _ in deliveries if number in sent]
    fanout = [(at - emitted) * 1000 for _, at, emitted in deliveries]
    expected = connected * len(numbers)
    per_change = {}
    for number, at, _ in deliveries:
        per_change[number] = max(per_change.get(number, 0.0), (at - sent[number]) * 1000)
    print(f"machine: {machine()}")
    print(
        f"clients {connected} on 2 gevent processes (Redis queue), {len(numbers)} state changes, {args.gap}s apart"
    )
    print(f"deliveries {len(latencies)}/{expected} ({expected - len(latencies)} missing)")
    if latencies:
        print(f"latency ms, REST request sent → event at client: {stats(latencies)}")
        print(f"latency ms, server emit (after commit) → event at client: {stats(fanout)}")
        print(f"REST transition round trip ms: {stats(rest_ms)}")
        print(
            f"until the last client had it, per change (ms): median {statistics.median(per_change.values()):.1f}, "
            f"max {max(per_change.values()):.1f}"
        )
    return 0 if latencies and len(latencies) == expected else 1


if __name__ == "__main__":
    sys.exit(main())
