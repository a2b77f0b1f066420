"""Scan-call load: 100 concurrent PDA clients doing full pack flows against the REST tier (gunicorn
gthread + PostgreSQL), and in the same run a bare Flask + PostgreSQL primary-key lookup as the yardstick.

    .venv/bin/python bench/scan_load.py [--clients 100] [--orders 1500] [--seconds 20] [--workers 4]
    .venv/bin/python bench/scan_load.py --profile 300   # SQL statements per scan + cProfile, no servers

Each client owns a pack station and loops: open an order by its number, scan its three units, scan the
order number again (complete). Each server is started, left to finish booting, warmed up (--warmup s)
and then measured. Prints requests/s of both, p50/p95/p99, the ratio, the load average, and the CPU per
request of the server processes, the PostgreSQL backends and the client threads (from /proc; these stay
meaningful on a shared machine, where requests/s mostly measure the neighbours)."""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import random
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scan_probe import (  # noqa: E402
    STEP_NAMES,
    CpuProbe,
    StatementCounter,
    cpu_model,
    start_gunicorn,
    stop,
    wait_until_booted,
)
from server import models  # noqa: E402
from server.catalog.models import Station, Warehouse  # noqa: E402
from server.db import make_engine  # noqa: E402
from server.orders.models import Order  # noqa: E402
from tests.realtime.procs import free_port  # noqa: E402
from tests.support import (  # noqa: E402
    create_pg_database,
    drop_pg_database,
    make_order,
    seed_reference_data,
    user_token,
)

TSHIRT, MUG = "6938012000012", "6938012000180"
FLOW = (None, TSHIRT, TSHIRT, MUG, None)  # None = the order number


def prepare(url: str, clients: int, orders: int) -> tuple[list[str], str, list[int]]:
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    with Session(engine) as session:
        seed_reference_data(session)
        hz = session.scalars(select(Warehouse).where(Warehouse.code == "HZ01")).one()
        for i in range(clients):
            session.add(Station(warehouse_id=hz.id, code=f"LD{i:03d}", name=f"Load {i}", kind="pack"))
        session.commit()
        numbers = []
        for i in range(orders):
            numbers.append(make_order(session, "printed").order_number)
            if i % 100 == 99:
                session.commit()
        session.commit()
        token = user_token(session, "packer.hz1")
        session.commit()
        ids = list(session.scalars(select(Order.id)))
    engine.dispose()
    return numbers, token, ids


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_scans(
    base: str, token: str, queue: list[str], clients: int, seconds: float, think: float = 0.0
) -> dict[str, object]:
    """Pack flows until `seconds` pass or `queue` (order numbers, popped from the end) runs out; each
    PDA pauses `think` seconds after a scan (0: back to back, which measures capacity)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    flows = [0]

    def pda(i: int) -> None:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token}"
        station = f"LD{i:03d}"
        own: list[float] = []
        time.sleep(random.uniform(0, think))  # packers do not all start in the same instant
        while time.monotonic() < stop_at:
            with lock:
                if not queue:
                    break
                number = queue.pop()
            for code in FLOW:
                body = {"station": station, "code": code or number, "client_scan_id": uuid.uuid4().hex}
                t0 = time.perf_counter()
                try:
                    r = http.post(f"{base}/api/v1/pack/scan", json=body, timeout=30)
                except requests.RequestException as exc:  # a timeout counts as a failed call
                    own.append(time.perf_counter() - t0)
                    with lock:
                        errors.append(type(exc).__name__)
                    free_station(http, base, station)
                    break
                own.append(time.perf_counter() - t0)
                answer = r.json() if r.status_code == 200 else {"result": str(r.status_code)}
                if answer.get("result") != "ok":
                    with lock:
                        errors.append(f"{answer.get('code')} {answer.get('result')}")
                    free_station(http, base, station)
                    break
                time.sleep(think)
            else:
                with lock:
                    flows[0] += 1
        with lock:
            latencies.extend(own)

    elapsed = run_clients(pda, clients)
    return {
        **latency_summary(latencies, elapsed),
        "flows": flows[0],
        "errors": len(errors),
        "error_sample": errors[:3],
        "mean": statistics.fmean(latencies) * 1000,
        "ran_out_of_orders": not queue,
    }


def run_clients(client: Callable[[int], None], clients: int) -> float:
    """Runs `client(i)` on `clients` threads at once; returns the seconds until the last one ended."""
    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def latency_summary(latencies: list[float], elapsed: float) -> dict[str, float]:
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "p99": percentile(latencies, 99) * 1000,
    }


def free_station(http: requests.Session, base: str, station: str) -> None:
    """Abandon the station's open pack after a failed scan, or every later order there is WRONG_ORDER."""
    body = {"station": station, "client_scan_id": uuid.uuid4().hex, "reason": "bench: scan failed"}
    with contextlib.suppress(requests.RequestException):
        http.post(f"{base}/api/v1/pack/abandon", json=body, timeout=30)


def run_yardstick(base: str, ids: list[int], clients: int, seconds: float) -> dict[str, object]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(i: int) -> None:
        http = requests.Session()
        own = []
        n = i
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            r = http.get(f"{base}/order/{ids[n % len(ids)]}", timeout=30)
            own.append(time.perf_counter() - t0)
            assert r.status_code == 200, r.text
            n += clients
        with lock:
            latencies.extend(own)

    return latency_summary(latencies, run_clients(client, clients))


def profile(url: str, scans: int) -> None:
    from server.app import create_app
    from server.config import Settings

    flows = scans // len(FLOW) + 1
    numbers, token, _ = prepare(url, 1, flows)
    app = create_app(Settings(database_url=url))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    counter = StatementCounter(app.extensions["packline"].engine)

    def work() -> None:
        for number in numbers:
            for step, code in zip(STEP_NAMES, FLOW, strict=True):
                body = {"station": "LD000", "code": code or number, "client_scan_id": uuid.uuid4().hex}
                counter.step = step
                assert client.post("/api/v1/pack/scan", json=body, headers=headers).json["result"] == "ok"

    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.runcall(work)
    elapsed = time.perf_counter() - started
    scans = flows * len(FLOW)
    print(f"{scans} scans in-process: {elapsed / scans * 1000:.2f} ms/scan (under cProfile)")
    counter.report(scans, flows)
    stats = pstats.Stats(prof).sort_stats("cumulative")
    stats.print_stats(35)
    stats.sort_stats("tottime").print_stats(20)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--orders", type=int, default=1500)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--think",
        type=float,
        default=0,
        help="seconds a PDA pauses between scans (latency at a packer's pace)",
    )
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds before each run")
    parser.add_argument("--profile", type=int, default=0, help="cProfile N scans in-process instead")
    args = parser.parse_args()
    # SIGTERM (a `timeout` wrapper) unwinds through the finally blocks: servers stopped, database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    url = create_pg_database("packline_scanload")
    tmp: Path | None = None
    try:
        if args.profile:
            profile(url, args.profile)
            return 0
        numbers, token, ids = prepare(url, args.clients, args.orders)
        tmp = Path(tempfile.mkdtemp(prefix="scanload-"))
        env = {
            **os.environ,
            "PACKLINE_DATABASE_URL": url,
            "PACKLINE_LOGIN_RATE_LIMIT_PER_MINUTE": "100000",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp),
        }
        env.pop("PACKLINE_REDIS_URL", None)
        results: dict[str, dict[str, object]] = {}
        queue = list(reversed(numbers))  # shared by the warm-up and the measured run: each order once
        for name, app in (("yardstick", "bench.yardstick_app:app"), ("scan", "wsgi:app")):
            results[name] = measure(name, app, url, env, args, tmp, queue, token, ids)
        scan, yard = results["scan"], results["yardstick"]
        print(f"machine: nproc={os.cpu_count()} cpu={cpu_model()}")
        print(
            f"setup: gunicorn gthread -w {args.workers} --threads 4, {args.clients} client threads,"
            f" {args.warmup:.0f} s warm-up + {args.seconds:.0f} s measured each"
        )
        for label, r in (("yardstick (PK lookup)", yard), ("scan call", scan)):
            print(
                f"{label:22s} {r['rps']:.0f} req/s  p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f}  p99 {r['p99']:.1f}"
                f"  CPU/request: server {r['server_ms']:.2f} ms + PostgreSQL {r['pg_ms']:.2f} ms"
                f" + client {r['client_ms']:.2f} ms  (load {r['load_before']:.1f} -> {r['load_after']:.1f})"
            )
        print(
            f"scan call: {scan['flows']} packs completed, {scan['errors']} non-ok answers {scan['error_sample']}"
        )
        server_cpu = lambda r: float(r["server_ms"]) + float(r["pg_ms"])  # noqa: E731
        print(
            f"ratio scan/yardstick: {float(scan['rps']) / float(yard['rps']):.2f} (target >= 0.5; p99 target < 50 ms);"
            f" server+PostgreSQL CPU per call: yardstick/scan = {server_cpu(yard) / server_cpu(scan):.2f}"
        )
        if args.think:
            print(
                f"note: PDAs paused {args.think} s between scans: the ratio compares offered load, not capacity"
            )
        if scan["ran_out_of_orders"]:
            print("note: the scan run used up every seeded order before the time was up (raise --orders)")
        return 0
    finally:
        drop_pg_database(url)
        if tmp is not None:  # gunicorn's logs and Prometheus files
            shutil.rmtree(tmp, ignore_errors=True)


def measure(
    name: str,
    app: str,
    url: str,
    env: dict[str, str],
    args: argparse.Namespace,
    tmp: Path,
    queue: list[str],
    token: str,
    ids: list[int],
) -> dict[str, object]:
    """Start one server, warm it up, then load it for `args.seconds` and account its CPU per request."""
    port = free_port()
    proc = start_gunicorn(app, port, env, args.workers, tmp / f"{name}.log")
    wait_until_booted(proc.pid, args.workers)
    base = f"http://127.0.0.1:{port}"
    probe = CpuProbe(url, proc.pid)

    def load(seconds: float) -> dict[str, object]:
        if name == "scan":
            return run_scans(base, token, queue, args.clients, seconds, args.think)
        return run_yardstick(base, ids, args.clients, seconds)

    try:
        if args.warmup:
            load(args.warmup)
        load_before = os.getloadavg()[0]
        server, database = probe.sample()
        client = time.process_time()
        result = load(args.seconds)
        client = time.process_time() - client
        server_after, database_after = probe.sample()
    finally:
        probe.close()
        stop(proc)
    requests_done = int(result["requests"]) or 1  # type: ignore[call-overload]
    result.update(
        load_before=load_before,
        load_after=os.getloadavg()[0],
        server_ms=(server_after - server) * 1000 / requests_done,
        pg_ms=(database_after - database) * 1000 / requests_done,
        client_ms=client * 1000 / requests_done,
    )
    print(
        f"{name}: {result['rps']:.0f} req/s p50 {result['p50']:.1f} ms p95 {result['p95']:.1f}"
        f" p99 {result['p99']:.1f}",
        flush=True,
    )
    return result


if __name__ == "__main__":
    sys.exit(main())
