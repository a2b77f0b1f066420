"""Scan-call load: 100 concurrent PDA clients doing full pack flows against the REST tier (gunicorn
gthread + PostgreSQL), and in the same run a bare Flask + PostgreSQL primary-key lookup as the yardstick.

    .venv/bin/python bench/scan_load.py [--clients 100] [--orders 1500] [--seconds 20] [--workers 4]
    .venv/bin/python bench/scan_load.py --profile 300   # cProfile of 300 scans in-process, no servers

Each client owns a pack station and loops: open an order by its number, scan its three units, scan the
order number again (complete). Prints requests/s of both, the scan call's p50/p95/p99 and the ratio."""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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

BIN = Path(sys.executable).parent
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


def start_gunicorn(
    app: str, port: int, env: dict[str, str], workers: int, log: Path
) -> subprocess.Popen[bytes]:
    cmd = [str(BIN / "gunicorn"), "-k", "gthread", "-w", str(workers), "--threads", "4"]
    cmd += ["-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", app]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError(f"{app} did not start: {log.read_text()[-2000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_scans(base: str, token: str, numbers: list[str], clients: int, seconds: float) -> dict[str, object]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    queue = list(reversed(numbers))
    stop_at = time.monotonic() + seconds
    flows = [0]

    def pda(i: int) -> None:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token}"
        station = f"LD{i:03d}"
        own: list[float] = []
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
                    break
                own.append(time.perf_counter() - t0)
                answer = r.json() if r.status_code == 200 else {"result": str(r.status_code)}
                if answer.get("result") != "ok":
                    with lock:
                        errors.append(f"{answer.get('code')} {answer.get('result')}")
                    break
            else:
                with lock:
                    flows[0] += 1
        with lock:
            latencies.extend(own)

    started = time.perf_counter()
    threads = [threading.Thread(target=pda, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "flows": flows[0],
        "errors": len(errors),
        "error_sample": errors[:3],
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "mean": statistics.fmean(latencies) * 1000,
        "ran_out_of_orders": not queue,
    }


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

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "p99": percentile(latencies, 99) * 1000,
    }


def profile(url: str, scans: int) -> None:
    from server.app import create_app
    from server.config import Settings

    flows = scans // len(FLOW) + 1
    numbers, token, _ = prepare(url, 1, flows)
    app = create_app(Settings(database_url=url))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def work() -> None:
        for number in numbers:
            for code in FLOW:
                body = {"station": "LD000", "code": code or number, "client_scan_id": uuid.uuid4().hex}
                assert client.post("/api/v1/pack/scan", json=body, headers=headers).json["result"] == "ok"

    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.runcall(work)
    elapsed = time.perf_counter() - started
    print(
        f"{flows * len(FLOW)} scans in-process: {elapsed / (flows * len(FLOW)) * 1000:.2f} ms/scan (under cProfile)"
    )
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
    parser.add_argument("--profile", type=int, default=0, help="cProfile N scans in-process instead")
    args = parser.parse_args()
    # SIGTERM (a `timeout` wrapper) unwinds through the finally blocks: servers stopped, database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    url = create_pg_database("packline_scanload")
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
        results = {}
        for name, app in (("yardstick", "bench.yardstick_app:app"), ("scan", "wsgi:app")):
            port = free_port()
            proc = start_gunicorn(app, port, env, args.workers, tmp / f"{name}.log")
            try:
                base = f"http://127.0.0.1:{port}"
                if name == "scan":
                    results[name] = run_scans(base, token, numbers, args.clients, args.seconds)
                else:
                    results[name] = run_yardstick(base, ids, args.clients, args.seconds)
            finally:
                stop(proc)
            r = results[name]
            print(
                f"{name}: {r['rps']:.0f} req/s p50 {r['p50']:.1f} ms p95 {r['p95']:.1f} p99 {r['p99']:.1f}",
                flush=True,
            )
        scan, yard = results["scan"], results["yardstick"]
        print(f"machine: nproc={os.cpu_count()} cpu={cpu_model()}")
        print(
            f"setup: gunicorn gthread -w {args.workers} --threads 4, {args.clients} client threads, {args.seconds:.0f} s each"
        )
        print(
            f"yardstick (PK lookup): {yard['rps']:.0f} req/s  p50 {yard['p50']:.1f} ms  p95 {yard['p95']:.1f}  p99 {yard['p99']:.1f}"
        )
        print(
            f"scan call:             {scan['rps']:.0f} req/s  p50 {scan['p50']:.1f} ms  p95 {scan['p95']:.1f}  p99 {scan['p99']:.1f}"
            f"  ({scan['flows']} packs completed, {scan['errors']} non-ok answers {scan['error_sample']})"
        )
        print(
            f"ratio scan/yardstick: {float(scan['rps']) / float(yard['rps']):.2f} (target >= 0.5; p99 target < 50 ms)"
        )
        if scan["ran_out_of_orders"]:
            print("note: the scan run used up every seeded order before the time was up (raise --orders)")
        return 0
    finally:
        drop_pg_database(url)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


if __name__ == "__main__":
    sys.exit(main())
