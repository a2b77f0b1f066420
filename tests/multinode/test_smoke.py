"""The production shape on one machine: two REST nodes (gunicorn gthread) and one realtime node (gunicorn
gevent) behind a real nginx rendered from deploy/nginx/packline.conf, an RQ worker and the one scheduler,
all on a PostgreSQL database and a Redis db of the test's own. A PDA packs through nginx, a lead screen
hears it through nginx, and packing goes on when one REST node is stopped.

The schema comes from `packline migrate` (the deploy step); `create_all` afterwards adds any table the
single migration does not have yet while it is being regenerated (a no-op once it is complete)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy.orm import Session

from server import models
from server.db import make_engine
from tests.realtime.live_client import LiveClient
from tests.realtime.procs import REDIS_URL, free_port
from tests.support import create_pg_database, drop_pg_database, make_order, seed_reference_data

pytestmark = pytest.mark.multinode

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_DB = int(os.environ.get("PACKLINE_TEST_MULTINODE_REDIS_DB", "11"))
TSHIRT, MUG = "6938012000012", "6938012000180"


@dataclass
class Proc:
    name: str
    cmd: list[str]
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None
    port: int | None = None

    def start(self) -> Proc:
        with self.log.open("ab") as out:
            # Own process group: stop() reaches gunicorn's workers and RQ's work horses too.
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10) -> None:
        if not self.alive():
            return
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def kill_group(self) -> None:
        """After stop(): anything left in the group (a work horse, a gunicorn worker) goes too."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)

    def tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def wait_http(url: str, proc: Proc, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited:\n{proc.tail()}")
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{proc.name} not answering {url} in {timeout}s:\n{proc.tail()}")


def render_nginx(tmp: Path, port: int, rest: list[int], realtime: list[int]) -> Path:
    site = (ROOT / "deploy/nginx/packline.conf").read_text()
    site = re.sub(r"listen \d+;", f"listen 127.0.0.1:{port};", site)

    def members(block: str, ports: list[int], options: str) -> None:
        nonlocal site
        head, rest_of = site.split(f"upstream {block} {{", 1)
        body, tail = rest_of.split("}", 1)
        kept = [line for line in body.splitlines() if not re.match(r"\s*server 127\.0\.0\.1:\d+", line)]
        lines = [f"    server 127.0.0.1:{p}{options};" for p in ports]
        site = f"{head}upstream {block} {{" + "\n".join(kept + lines) + "\n}" + tail

    members("packline_rest", rest, " max_fails=1 fail_timeout=5s")
    members("packline_realtime", realtime, "")
    (tmp / "packline.conf").write_text(site)
    (tmp / "logs").mkdir(exist_ok=True)
    main = f"""pid {tmp}/nginx.pid;
error_log {tmp}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {tmp}/logs/access.log;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    include {tmp}/packline.conf;
}}
"""
    conf = tmp / "nginx.conf"
    conf.write_text(main)
    return conf


@dataclass
class Cluster:
    url: str
    db_url: str
    rest: list[Proc]
    rest_ports: list[int]
    realtime: Proc
    procs: list[Proc] = field(default_factory=list)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed (make system-deps installs nginx-light)")
    tmp = tmp_path_factory.mktemp("multinode")
    db_url = create_pg_database("packline_multinode")
    procs: list[Proc] = []
    redis_url = f"{REDIS_URL}/{REDIS_DB}"
    try:
        env = {
            **os.environ,
            "PACKLINE_DATABASE_URL": db_url,
            "PACKLINE_REDIS_URL": redis_url,
            "PACKLINE_SOCKETIO_CHANNEL": f"packline-multinode-{uuid.uuid4().hex[:10]}",
            "PACKLINE_LOGIN_RATE_LIMIT_PER_MINUTE": "100000",
            "PACKLINE_LOG_JSON": "true",
        }
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        migrate = subprocess.run(
            [str(BIN / "packline"), "migrate"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        engine = make_engine(db_url)
        models.Base.metadata.create_all(engine)
        with Session(engine) as session:
            seed_reference_data(session)
            session.commit()
        engine.dispose()
        import redis

        redis.Redis.from_url(redis_url).flushdb()

        rest_ports = [free_port(), free_port()]
        rt_port, nginx_port = free_port(), free_port()
        rest = []
        for i, port in enumerate(rest_ports, 1):
            node_env = {
                **env,
                "PACKLINE_BIND": f"127.0.0.1:{port}",
                "PACKLINE_WEB_WORKERS": "1",
                "PROMETHEUS_MULTIPROC_DIR": str(tmp / f"prom-web{i}"),
                "PACKLINE_ACCESS_LOG": str(tmp / f"web{i}-access.log"),
            }
            cmd = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn_rest.py", "wsgi:app"]
            rest.append(Proc(f"web{i}", cmd, node_env, tmp / f"web{i}.log", port=port))
        rt_env = {
            **env,
            "PACKLINE_BIND": f"127.0.0.1:{rt_port}",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prom-rt"),
            "PACKLINE_ACCESS_LOG": str(tmp / "rt-access.log"),
        }
        realtime = Proc(
            "realtime",
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn_realtime.py", "wsgi:app"],
            rt_env,
            tmp / "realtime.log",
            port=rt_port,
        )
        worker = Proc("worker", [str(BIN / "packline"), "worker"], env, tmp / "worker.log")
        cron = Proc("cron", [str(BIN / "packline"), "cron"], env, tmp / "cron.log")
        conf = render_nginx(tmp, nginx_port, rest_ports, [rt_port])
        nginx = Proc(
            "nginx", [NGINX, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"], env, tmp / "nginx.log"
        )
        procs.extend([*rest, realtime, worker, cron, nginx])
        for p in procs:
            p.start()
        for p in [*rest, realtime]:
            wait_http(f"http://127.0.0.1:{p.port}/healthz", p)
        url = f"http://127.0.0.1:{nginx_port}"
        wait_http(f"{url}/healthz", nginx)
        for p in (worker, cron):
            assert p.alive(), f"{p.name} exited:\n{p.tail()}"
        yield Cluster(url, db_url, rest, rest_ports, realtime, procs)
    finally:
        for p in reversed(procs):
            p.stop()
        for p in procs:
            p.kill_group()
        drop_pg_database(db_url)


def _printed_order(db_url: str) -> str:
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            number = make_order(session, "printed").order_number
            session.commit()
        return number
    finally:
        engine.dispose()


def _login(url: str, username: str, password: str) -> str:
    r = requests.post(
        f"{url}/api/v1/auth/login", json={"username": username, "password": password}, timeout=10
    )
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


def _pack(http: requests.Session, url: str, order_number: str) -> list[tuple[str, float]]:
    """Scans one order through: order, items, order number again. Returns (code, sent-at) per scan."""
    answers = []
    for code in (order_number, TSHIRT, TSHIRT, MUG, order_number):
        sent = time.time()
        body = {"station": "PK01", "code": code, "client_scan_id": uuid.uuid4().hex}
        r = http.post(f"{url}/api/v1/pack/scan", json=body, timeout=10)
        assert r.status_code == 200, r.text
        answer = r.json()
        assert answer["result"] == "ok", answer
        answers.append((answer["code"], sent))
    assert answers[0][0] == "ORDER_OPENED" and answers[-1][0] == "PACK_COMPLETED", answers
    return answers


def _scan_count(access_log: Path) -> int:
    try:
        return sum("/api/v1/pack/scan" in line for line in access_log.read_text().splitlines())
    except OSError:
        return 0


def _settled_scan_count(access_log: Path, timeout: float = 10.0) -> int:
    """gunicorn writes access lines after the response is sent: read until two reads agree."""
    deadline = time.monotonic() + timeout
    last = _scan_count(access_log)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = _scan_count(access_log)
        if now == last:
            return now
        last = now
    return last


def _metric_total(text: str, name: str) -> float:
    return sum(float(m.group(1)) for m in re.finditer(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.MULTILINE))


def test_pack_through_nginx_with_a_lead_screen_and_a_node_going_down(cluster: Cluster) -> None:
    url = cluster.url
    figures: dict[str, Any] = {}
    ready = requests.get(f"{url}/readyz", timeout=5)
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "migrations": "at head", "parked_jobs": "0", "redis": "ok"}

    lead = LiveClient(url, _login(url, "lead.hz", "lead-pass-2026"), station="PK01").connect()
    try:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {_login(url, 'packer.hz1', 'packer-pass-2026')}"

        orders = [_printed_order(cluster.db_url) for _ in range(4)]
        latencies = []
        for number in orders[:3]:
            answers = _pack(http, url, number)
            done = lead.wait_for(
                "pack_progress",
                lambda p, n=number: p.get("order_number") == n and p.get("code") == "PACK_COMPLETED",
            )
            assert done["step"] == "done"
            status = lead.wait_for(
                "order_updated",
                lambda p, n=number: p["order"]["order_number"] == n and p["order"]["status"] == "packed",
            )
            assert status["change"] == "status"
            heard = {(e, (d or {}).get("order_number"), (d or {}).get("code")): t for e, d, t in lead.events}
            for code, sent in answers:
                t = heard.get(("pack_progress", number, code))
                if t is not None:
                    latencies.append((t - sent) * 1000)
        assert lead.hello()["rooms"] == ["role:lead", "warehouse:HZ01", "station:HZ01:PK01"]

        metrics = requests.get(f"{url}/metrics", timeout=5)
        assert metrics.status_code == 200 and "packline_scan_seconds_bucket" in metrics.text
        rt_metrics = requests.get(f"http://127.0.0.1:{cluster.realtime.port}/metrics", timeout=5).text
        assert _metric_total(rt_metrics, "packline_socketio_clients") == 1
        per_node = {}
        for node in cluster.rest:
            text = requests.get(f"http://127.0.0.1:{node.port}/metrics", timeout=5).text
            per_node[node.name] = int(_metric_total(text, "packline_scan_seconds_count"))
        assert sum(per_node.values()) == 15 and all(n > 0 for n in per_node.values()), per_node
        figures["scans per node (from each node's /metrics)"] = per_node

        # One REST node goes away (graceful stop); nginx sends its share to the other one.
        down, survivor = cluster.rest
        down.stop()
        before = _settled_scan_count(Path(survivor.env["PACKLINE_ACCESS_LOG"]))
        started = time.perf_counter()
        _pack(http, url, orders[3])
        figures["pack after web1 stopped (s)"] = round(time.perf_counter() - started, 3)
        lead.wait_for(
            "pack_progress",
            lambda p: p.get("order_number") == orders[3] and p.get("code") == "PACK_COMPLETED",
        )
        assert _settled_scan_count(Path(survivor.env["PACKLINE_ACCESS_LOG"])) - before == 5
        assert requests.get(f"{url}/readyz", timeout=5).status_code == 200
        figures["scans per node (access logs, whole test)"] = {
            n.name: _scan_count(Path(n.env["PACKLINE_ACCESS_LOG"])) for n in cluster.rest
        }
        latencies.sort()
        figures["pack_progress latency ms (scan sent -> lead heard) p50/max"] = (
            round(latencies[len(latencies) // 2], 1),
            round(latencies[-1], 1),
        )
        assert len(latencies) >= 12
    finally:
        lead.close()
    print("\nmulti-node smoke figures:")
    for key, value in figures.items():
        print(f"  {key}: {value}")
