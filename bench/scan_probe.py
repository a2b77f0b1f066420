"""Aids of bench/scan_load.py: gunicorn servers to load, SQL statements per scan by kind, and the CPU the
servers spend.

CPU is read from /proc (user+system ticks of the gunicorn master and workers and of the PostgreSQL
backends connected to the benchmark database), so CPU per request stays meaningful on a shared machine
where wall-clock throughput does not."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, event, text

ROOT = Path(__file__).resolve().parent.parent
STEP_NAMES = ("open", "item 1", "item 2", "item 3", "complete")
_TICKS = os.sysconf("SC_CLK_TCK")
BIN = Path(sys.executable).parent


ROOT = Path(__file__).resolve().parent.parent
STEP_NAMES = ("open", "item 1", "item 2", "item 3", "complete")


class StatementCounter:
    """SQL statements sent to the database, by flow step and by kind (verb + first table), per scan.
    Pool pre-ping round trips do not go through cursor_execute and are counted from checkouts."""

    def __init__(self, engine: Any) -> None:
        self.step = "-"
        self.by_step: Counter[str] = Counter()
        self.by_kind: Counter[str] = Counter()
        self.checkouts = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "checkout", self._checkout)
        event.listen(engine, "commit", self._commit)

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.by_step[self.step] += 1
        self.by_kind[statement_kind(statement)] += 1

    def _checkout(self, *_args: Any) -> None:
        self.checkouts += 1

    def _commit(self, *_args: Any) -> None:
        self.by_kind["COMMIT"] += 1

    def report(self, scans: int, flows: int) -> None:
        total = sum(self.by_step.values())  # COMMIT is a round trip too, listed below but not in total
        print(
            f"SQL statements: {total} for {scans} scans = {total / scans:.2f} per scan "
            f"(+ {self.checkouts / scans:.2f} pool checkouts per scan, each a pre-ping round trip)"
        )
        for step in STEP_NAMES:
            print(f"  {step:9s} {self.by_step[step] / flows:6.2f} per scan")
        for kind, n in self.by_kind.most_common():
            print(f"  {n / scans:6.2f}  {kind}")


def statement_kind(statement: str) -> str:
    """ "SELECT orders", "UPDATE pack_items", ...: the verb and the table it works on (outside subqueries)."""
    words = statement.split()
    verb = words[0].upper() if words else "?"
    keyword = {"SELECT": "FROM", "INSERT": "INTO", "UPDATE": "UPDATE"}.get(verb)
    depth = 0
    for i, word in enumerate(words[:-1]):
        if depth == 0 and word.upper() == keyword:
            return verb + " " + words[i + 1].strip('"(')
        depth += word.count("(") - word.count(")")
    return verb


def process_cpu_seconds(pid: int) -> float:
    """user+system CPU of one process (all its threads), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def wait_until_booted(server_pid: int, workers: int, timeout: float = 180) -> None:
    """gunicorn answers /healthz as soon as one worker is up while the others may still be importing the
    app (seconds of CPU each, which would land in the measured window): wait until every worker exists
    and the server sits idle (under 5 % of a CPU over a second)."""
    deadline = time.monotonic() + timeout

    def spent() -> tuple[int, float]:
        pids = children_of(server_pid)
        return len(pids), sum(process_cpu_seconds(p) for p in [server_pid, *pids])

    while time.monotonic() < deadline:
        _, before = spent()
        time.sleep(1)
        count, after = spent()
        if count >= workers and after - before < 0.05:
            return
    raise RuntimeError(f"gunicorn {server_pid} did not settle with {workers} workers")


class CpuProbe:
    """CPU seconds of one gunicorn server (master + workers) and of the PostgreSQL backends of `url`."""

    def __init__(self, url: str, server_pid: int) -> None:
        self.database = url.rsplit("/", 1)[1]
        self.admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        self.server_pid = server_pid

    def sample(self) -> tuple[float, float]:
        """(server CPU, PostgreSQL CPU) so far; sample before and after the load and subtract."""
        server = sum(process_cpu_seconds(p) for p in [self.server_pid, *children_of(self.server_pid)])
        with self.admin.connect() as conn:
            pids = conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"),
                {"d": self.database},
            ).scalars()
            database = sum(process_cpu_seconds(pid) for pid in pids)
        return server, database

    def close(self) -> None:
        self.admin.dispose()


def start_gunicorn(
    app: str, port: int, env: dict[str, str], workers: int, log: Path
) -> subprocess.Popen[bytes]:
    cmd = [str(BIN / "gunicorn"), "-k", "gthread", "-w", str(workers), "--threads", "4"]
    # keep-alive as deploy/gunicorn_rest.py: with gunicorn's 2 s default a PDA pausing ~2 s between scans
    # races the server closing its connection (ConnectionError on the next POST).
    cmd += ["--keep-alive", "5", "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", app]
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


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"
