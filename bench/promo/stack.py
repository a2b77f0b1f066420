"""The production shape on this machine for one run: its own PostgreSQL database and Redis db, the
platform/courier/CRM simulators in-process, gunicorn REST and gevent realtime processes, RQ workers and
the one scheduler. Everything started here is stopped and dropped in `close()`."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
from redis import Redis
from sqlalchemy.orm import Session

from bench.promo.settings import RunSettings
from server import models
from server.catalog.models import Station, Warehouse
from server.db import make_engine
from simulators import courier, crm, pdd, taobao
from tests.realtime.procs import free_port
from tests.support import create_pg_database, drop_pg_database, seed_reference_data, user_token

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_HOST = os.environ.get("PACKLINE_BENCH_REDIS_HOST", "127.0.0.1")
WEBHOOK_SECRET = "whsec_packline_test_1"
REDIS_LOCK = "packline:test-run-lock"
USERS = ("lead.hz", "lead.sh", "packer.hz1", "packer.sh1", "cs")


@dataclass
class Proc:
    name: str
    cmd: list[str]
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Proc:
        with self.log.open("ab") as out:
            # Own process group: stopping it reaches gunicorn's workers and RQ's work horses.
            self.proc = subprocess.Popen(
                self.cmd, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)


@dataclass
class Stack:
    settings: RunSettings
    db_url: str = ""
    redis_url: str = ""
    rest_url: str = ""
    realtime_url: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    stations: dict[str, list[str]] = field(default_factory=dict)
    sims: dict[str, object] = field(default_factory=dict)
    procs: list[Proc] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="promo-day-")))

    def open(self) -> Stack:
        self.db_url = create_pg_database("packline_promo")
        self.redis_url = f"redis://{REDIS_HOST}:6379/{self._claim_redis_db()}"
        self._seed()
        self.sims = {
            "taobao": taobao.start(),
            "pdd": pdd.start(),
            "courier": courier.start(),
            "crm": crm.start(),
        }
        self.sims["pdd"].app.settings["recent_lag_seconds"] = 1  # type: ignore[attr-defined]
        self.env = self._env()
        self._start_processes()
        return self

    def close(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()
        for handle in self.sims.values():
            with contextlib.suppress(Exception):
                handle.stop()  # type: ignore[attr-defined]
        if self.redis_url:
            with contextlib.suppress(Exception):
                Redis.from_url(self.redis_url).flushdb()
        if self.db_url:
            drop_pg_database(self.db_url)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _claim_redis_db(self) -> int:
        """The preferred db unless a test run holds it (tests/workers/conftest.py's lock key), else a free one."""
        token = f"promo-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        preferred = self.settings.redis_db
        for number in [preferred, *[n for n in range(15, 0, -1) if n != preferred]]:
            conn = Redis(host=REDIS_HOST, db=number)
            if conn.set(REDIS_LOCK, token, nx=True, ex=3600):
                conn.flushdb()
                conn.set(REDIS_LOCK, token, ex=3600)  # flushdb took the lock with it
                return number
        raise RuntimeError("no free Redis db (every one is claimed by a test run)")

    def sim_url(self, name: str) -> str:
        return str(self.sims[name].url)  # type: ignore[attr-defined]

    def _seed(self) -> None:
        engine = make_engine(self.db_url)
        models.Base.metadata.create_all(engine)
        per_warehouse = max(1, self.settings.packers // 2)
        with Session(engine) as session:
            seed_reference_data(session)
            session.flush()
            for wh in session.query(Warehouse).all():
                codes = [f"PD{n:02d}" for n in range(1, per_warehouse + 1)]
                for code in codes:
                    session.add(Station(warehouse_id=wh.id, code=code, name=f"Promo {code}", kind="pack",
                                        printer_format="zpl", printer_size="76x130", printer_dpi=203))
                self.stations[wh.code] = codes
            session.commit()
            for username in USERS:
                self.tokens[username] = user_token(session, username)
            session.commit()
        engine.dispose()

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PACKLINE_")}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        values = {
            "DATABASE_URL": self.db_url,
            "REDIS_URL": self.redis_url,
            "SOCKETIO_CHANNEL": f"packline-promo-{uuid.uuid4().hex[:10]}",
            "LOGIN_RATE_LIMIT_PER_MINUTE": "100000",
            "WEBHOOK_SECRETS": WEBHOOK_SECRET,
            "TAOBAO_BASE_URL": self.sim_url("taobao"),
            "TAOBAO_APP_KEY": "12345678", "TAOBAO_APP_SECRET": "topsecret", "TAOBAO_SESSION": "sess",
            "PDD_BASE_URL": self.sim_url("pdd"),
            "PDD_CLIENT_ID": "pddclient", "PDD_CLIENT_SECRET": "pddsecret", "PDD_ACCESS_TOKEN": "pddtoken",
            "COURIER_BASE_URL": self.sim_url("courier"),
            "ZTO_APP_KEY": "ztokey", "ZTO_APP_SECRET": "ztosecret", "ZTO_ACCOUNT_ID": "promo",
            "SYNC_SHOPS": "taobao:tmall-01@HZ01,pdd:pdd-01@SH01",
            "SYNC_LAG_SECONDS": "2",
            "SYNC_OVERLAP_SECONDS": "5",
            "SYNC_PAGE_SIZE": "100",
            "SYNC_INITIAL_LOOKBACK_MINUTES": "5",
            "JOB_RETRY_BASE_SECONDS": "1",
            "COUNTDOWN_INTERVAL_SECONDS": "5",
        }
        if self.settings.baseline:
            values["ENFORCEMENT"] = "off"
        env.update({f"PACKLINE_{k}": v for k, v in values.items()})
        env["PYTHONPATH"] = str(ROOT)
        return env

    def _start_processes(self) -> None:
        rest_port, rt_port = free_port(), free_port()
        gunicorn = str(BIN / "gunicorn")
        self._spawn("rest", [gunicorn, "-c", "deploy/gunicorn_rest.py", "wsgi:app"], PACKLINE_BIND=f"127.0.0.1:{rest_port}",
                    PACKLINE_WEB_WORKERS=str(self.settings.web_workers), PACKLINE_ACCESS_LOG="/dev/null",
                    PROMETHEUS_MULTIPROC_DIR=str(self.tmp / "prom-rest"))
        self._spawn("realtime", [gunicorn, "-c", "deploy/gunicorn_realtime.py", "wsgi:app"],
                    PACKLINE_BIND=f"127.0.0.1:{rt_port}", PACKLINE_ACCESS_LOG="/dev/null",
                    PROMETHEUS_MULTIPROC_DIR=str(self.tmp / "prom-rt"))
        for n in range(self.settings.rq_workers):
            self._spawn(f"worker{n + 1}", [str(BIN / "packline"), "worker"])
        self._spawn("cron", [str(BIN / "packline"), "cron"])
        self.rest_url, self.realtime_url = f"http://127.0.0.1:{rest_port}", f"http://127.0.0.1:{rt_port}"
        for url in (self.rest_url, self.realtime_url):
            self._wait_http(f"{url}/healthz")

    def _spawn(self, name: str, cmd: list[str], **extra: str) -> None:
        self.procs.append(Proc(name, cmd, {**self.env, **extra}, self.tmp / f"{name}.log").start())

    def _wait_http(self, url: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = [p.name for p in self.procs if not p.alive()]
            if dead:
                raise RuntimeError(f"{dead} exited: {self.tail(dead[0])}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, timeout=1).status_code == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"{url} did not answer in {timeout:.0f} s")

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.tmp / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def dead_processes(self) -> list[str]:
        return [p.name for p in self.procs if not p.alive()]
