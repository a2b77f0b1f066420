"""Real Packline server processes for multi-node tests and benchmarks: a PostgreSQL database of their own
with the schema and reference data, Redis as the Socket.IO message queue on a db number and a pub/sub
channel of their own (channels are global to a Redis server, db numbers do not separate them)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy.orm import Session

from server import models
from server.db import make_engine
from tests.support import create_pg_database, drop_pg_database, seed_reference_data

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PACKLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379")
# The realtime suite's own Redis db (tick locks live there); override when it collides.
REDIS_DB = int(os.environ.get("PACKLINE_TEST_REALTIME_REDIS_DB", "13"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(prefix: str = "packline_rt") -> str:
    url = create_pg_database(prefix)
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    engine.dispose()
    return url


@dataclass
class ServerProcess:
    """One `packline serve`-like process; `mode` gevent runs `python -m server.serve` (patched first)."""

    name: str
    env: dict[str, str]
    mode: str = "threading"
    port: int = field(default_factory=free_port)
    log_dir: Path = field(default_factory=lambda: Path(os.environ.get("TMPDIR", "/tmp")))
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"packline-{self.name}-{self.port}.log"

    def start(self, timeout: float = 90) -> ServerProcess:
        return self.launch().wait_ready(timeout)

    def launch(self) -> ServerProcess:
        """Start the process without waiting (start several, then wait for each: imports take seconds)."""
        # No periodic jobs unless a test asks: watchdogs would raise alerts of their own in its database.
        env = {
            "PACKLINE_PERIODIC_JOBS": "false",
            **os.environ,
            **self.env,
            "PACKLINE_SOCKETIO_ASYNC_MODE": self.mode,
        }
        module = ["-m", "server.serve"] if self.mode == "gevent" else ["-m", "server.cli", "serve"]
        cmd = [sys.executable, *module, "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        return self

    def wait_ready(self, timeout: float = 90) -> ServerProcess:
        assert self.proc is not None, "launch() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.tail()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not come up in {timeout}s: {self.tail()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def cluster_env(database_url: str, **settings: object) -> dict[str, str]:
    """Environment of every process of one cluster: same database, Redis db and channel."""
    env = {
        "PACKLINE_DATABASE_URL": database_url,
        "PACKLINE_REDIS_URL": f"{REDIS_URL}/{REDIS_DB}",
        "PACKLINE_SOCKETIO_CHANNEL": f"packline-test-{uuid.uuid4().hex[:10]}",
        "PACKLINE_LOGIN_RATE_LIMIT_PER_MINUTE": "100000",
    }
    env.update({f"PACKLINE_{k.upper()}": str(v) for k, v in settings.items()})
    return env


__all__ = ["ServerProcess", "cluster_env", "drop_pg_database", "free_port", "prepare_database"]
