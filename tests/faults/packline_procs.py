"""Real Packline processes for the fault tests: a REST node (gunicorn gthread, as deployed) and RQ workers,
each in a process group of its own so a test can SIGKILL a whole worker (parent and work horse) at once."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy.orm import Session

from server import models
from server.db import make_engine
from server.migrate import alembic_config
from tests.realtime.procs import free_port
from tests.support import seed_reference_data

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def prepare_schema(database_url: str) -> None:
    """Tables from the models, stamped at the Alembic head (so /readyz says "at head"), demo reference data."""
    from alembic import command

    engine = make_engine(database_url)
    models.Base.metadata.create_all(engine)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.stamp(cfg, "head")
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    engine.dispose()


def packline_env(database_url: str, redis_url: str | None = None, **settings: object) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKLINE_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(
        {
            "PACKLINE_DATABASE_URL": database_url,
            "PACKLINE_LOGIN_RATE_LIMIT_PER_MINUTE": "100000",
            "PACKLINE_PERIODIC_JOBS": "false",
            "PACKLINE_SOCKETIO_CHANNEL": f"packline-faults-{os.getpid()}-{time.monotonic_ns()}",
        }
    )
    if redis_url:
        env["PACKLINE_REDIS_URL"] = redis_url
    env.update({f"PACKLINE_{k.upper()}": str(v) for k, v in settings.items()})
    return env


@dataclass
class Proc:
    name: str
    cmd: list[str]
    env: dict[str, str]
    log: Path = field(
        default_factory=lambda: Path(tempfile.mkstemp(prefix="packline-fault-", suffix=".log")[1])
    )
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Proc:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: gunicorn workers, RQ work horses
            )
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill_group(self, sig: signal.Signals = signal.SIGKILL) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        if sig in (signal.SIGKILL, signal.SIGTERM):
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def stop(self) -> None:
        """The whole group at once (a test's processes have nothing to finish); its files go too (a failing
        assertion has already quoted tail())."""
        self.kill_group(signal.SIGKILL)
        self.log.unlink(missing_ok=True)
        prometheus = self.env.get("PROMETHEUS_MULTIPROC_DIR")
        if prometheus:
            shutil.rmtree(prometheus, ignore_errors=True)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class RestNode(Proc):
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60) -> RestNode:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited:\n{self.tail()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not up in {timeout}s:\n{self.tail()}")


def rest_node(env: dict[str, str], threads: int = 4) -> RestNode:
    port = free_port()
    node_env = {
        **env,
        "PACKLINE_BIND": f"127.0.0.1:{port}",
        "PACKLINE_WEB_WORKERS": "1",
        "PACKLINE_WEB_THREADS": str(threads),
        "PACKLINE_ACCESS_LOG": "/dev/null",
        "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="packline-fault-prom-"),
    }
    cmd = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn_rest.py", "wsgi:app"]
    return RestNode("rest", cmd, node_env, port=port)


def rq_worker(env: dict[str, str], *queues: str) -> Proc:
    return Proc("worker", [str(BIN / "packline"), "worker", *queues], env)


def login(url: str, username: str = "packer.hz1", password: str = "packer-pass-2026") -> dict[str, str]:
    r = requests.post(
        f"{url}/api/v1/auth/login", json={"username": username, "password": password}, timeout=10
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}", "Accept-Language": "en"}


def realtime_node(env: dict[str, str]) -> RestNode:
    """`packline serve` (threading): the Socket.IO server lead screens connect to, fed through Redis."""
    port = free_port()
    cmd = [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    node_env = {**env, "PACKLINE_SOCKETIO_ASYNC_MODE": "threading"}
    return RestNode("realtime", cmd, node_env, port=port)
