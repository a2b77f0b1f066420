"""PostgreSQL restarts under a running Packline: while it is down every request that needs it answers
503 DATABASE_UNAVAILABLE (with Retry-After), /healthz stays 200 and /readyz says 503; once it is back the
same process serves again (stale pooled connections are noticed by pool_pre_ping), no restart needed."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy.orm import Session

from server.db import make_engine
from tests.faults.own_services import OwnPostgres
from tests.faults.packline_procs import RestNode, login, packline_env, prepare_schema, rest_node
from tests.support import make_order

pytestmark = pytest.mark.faults


@dataclass
class Site:
    node: RestNode
    pg: OwnPostgres


@pytest.fixture
def site() -> Iterator[Site]:
    pg = OwnPostgres().init().start()
    node = None
    try:
        pg.create_database()
        prepare_schema(pg.url)
        node = rest_node(packline_env(pg.url), threads=4).start().wait_ready()
        yield Site(node, pg)
    finally:
        if node is not None:
            node.stop()
        pg.close()


def printed_order(db_url: str) -> str:
    engine = make_engine(db_url)
    with Session(engine) as session:
        number = make_order(session, "printed").order_number
        session.commit()
    engine.dispose()
    return number


def calls(url: str, headers: dict[str, str], order_number: str) -> list[requests.Response]:
    """What a pack station does: list stations, look at the order, scan it (4 at once, as 4 PDAs)."""
    scan = {"station": "PK01", "code": order_number, "client_scan_id": uuid.uuid4().hex}

    def one(i: int) -> requests.Response:
        if i % 3 == 0:
            return requests.get(f"{url}/api/v1/stations", headers=headers, timeout=20)
        if i % 3 == 1:
            return requests.get(f"{url}/api/v1/orders/{order_number}", headers=headers, timeout=20)
        return requests.post(f"{url}/api/v1/pack/scan", json=scan, headers=headers, timeout=20)

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, range(12)))


class Load:
    """Two PDAs scanning without pause while PostgreSQL goes down and comes back: every answer must be a
    200 or a clean 503, never a 500 (a connection that dies inside a transaction included)."""

    def __init__(self, url: str, headers: dict[str, str], order_number: str) -> None:
        self.url, self.headers, self.order_number = url, headers, order_number
        self.answers: list[tuple[int, str]] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(2)]

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        for t in self.threads:
            t.join(30)

    def _run(self) -> None:
        while not self.stopping.is_set():
            body = {"station": "PK02", "code": self.order_number, "client_scan_id": uuid.uuid4().hex}
            try:
                r = requests.post(f"{self.url}/api/v1/pack/scan", json=body, headers=self.headers, timeout=20)
            except requests.RequestException as exc:
                self.answers.append((0, type(exc).__name__))
                continue
            code = (r.json() if r.headers.get("Content-Type", "").startswith("application/json") else {}).get(
                "code"
            )
            self.answers.append((r.status_code, str(code)))


def test_requests_fail_with_503_while_postgres_is_down_and_recover_after(site: Site) -> None:
    url = site.node.url
    number = printed_order(site.pg.url)
    packer = login(url)
    lead = login(url, "lead.hz", "lead-pass-2026")
    assert all(r.status_code == 200 for r in calls(url, packer, number))  # the pool holds connections now

    with Load(url, lead, printed_order(site.pg.url)) as load:
        time.sleep(0.3)
        site.pg.stop("fast")
        down = calls(url, packer, number)
        time.sleep(0.3)
        _check_down(url, down)
        site.pg.start()
        time.sleep(0.5)
    assert {status for status, _ in load.answers} <= {200, 503}, sorted(set(load.answers))
    assert {code for status, code in load.answers if status == 503} == {"DATABASE_UNAVAILABLE"}
    assert load.answers[-1][0] == 200, load.answers[-5:]

    # The first requests after the restart already work: no 500, no 503, no restart of Packline.
    back = calls(url, packer, number) + calls(url, lead, number)
    assert [r.status_code for r in back] == [200] * len(back), [(r.status_code, r.text[:160]) for r in back]
    assert requests.get(f"{url}/readyz", timeout=10).json()["status"] == "ok"
    assert site.node.alive()


def _check_down(url: str, down: list[requests.Response]) -> None:
    assert {r.status_code for r in down} == {503}, [(r.status_code, r.text[:120]) for r in down]
    for r in down:
        assert r.json()["code"] == "DATABASE_UNAVAILABLE", r.text
        assert r.headers["Retry-After"] == "5"
    login_down = requests.post(
        f"{url}/api/v1/auth/login", json={"username": "cs", "password": "cs-pass-2026"}, timeout=20
    )
    assert login_down.status_code == 503 and login_down.json()["code"] == "DATABASE_UNAVAILABLE"
    assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
    ready = requests.get(f"{url}/readyz", timeout=10)
    assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
