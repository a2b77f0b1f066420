"""Several real server processes sharing rooms through Redis, heard by real python-socketio clients.

Process A runs the production realtime tier (`python -m server.serve`, gevent), process B the CLI's
`packline serve` in threading mode; both against a PostgreSQL database and a Redis channel of their own."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import requests
import socketio
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import clock
from server.db import make_engine
from server.events import DomainEvent
from server.realtime.publisher import EmitOnlyPublisher
from tests.realtime.live_client import LiveClient
from tests.realtime.procs import ServerProcess, cluster_env, drop_pg_database, prepare_database
from tests.support import make_order, user_token


@dataclass
class Cluster:
    a: ServerProcess
    b: ServerProcess
    engine: Engine
    env: dict[str, str]

    def token(self, username: str) -> str:
        with Session(self.engine) as session:
            token = user_token(session, username)
            session.commit()
        return token

    def order(self, status: str, **overrides: Any) -> str:
        with Session(self.engine) as session:
            number = make_order(session, status, **overrides).order_number
            session.commit()
        return number

    def transition(self, server: ServerProcess, number: str, to: str, token: str) -> None:
        r = requests.post(
            f"{server.url}/api/v1/orders/{number}/transitions",
            json={"to": to},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert r.status_code == 200, r.text


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    url = prepare_database("packline_rt_multi")
    env = cluster_env(url, threshold_check_seconds=1, countdown_interval_seconds=2)
    a = ServerProcess("A", env, mode="gevent")
    b = ServerProcess("B", env, mode="threading")
    engine = make_engine(url)
    try:
        for server in (a, b):  # launch both, then wait: each spends seconds importing
            server.launch()
        for server in (a, b):
            server.wait_ready()
        yield Cluster(a, b, engine, env)
    finally:
        a.stop()
        b.stop()
        engine.dispose()
        drop_pg_database(url)


@pytest.fixture
def clients() -> Iterator[list[LiveClient]]:
    opened: list[LiveClient] = []
    yield opened
    # websocket-client waits up to 3 s for the server's close frame: close them side by side.
    closers = [threading.Thread(target=c.close) for c in opened]
    for t in closers:
        t.start()
    for t in closers:
        t.join(10)


def open_client(clients: list[LiveClient], server: ServerProcess, token: str | None, **kw: Any) -> LiveClient:
    client = LiveClient(server.url, token, **kw)
    clients.append(client)
    return client.connect()


def test_event_caused_on_b_reaches_a_client_on_a(cluster: Cluster, clients: list[LiveClient]) -> None:
    lead = cluster.token("lead.hz")
    on_a = open_client(clients, cluster.a, lead)
    assert "warehouse:HZ01" in on_a.hello()["rooms"]
    number = cluster.order("picking")
    cluster.transition(cluster.b, number, "printed", lead)
    update = on_a.wait_for("order_updated", lambda d: d["order"]["order_number"] == number)
    assert update["v"] == 1 and update["order"]["status"] == "printed" and update["from_status"] == "picking"


def test_emit_only_publisher_reaches_clients_on_every_process(
    cluster: Cluster, clients: list[LiveClient]
) -> None:
    lead = cluster.token("lead.hz")
    on_a = open_client(clients, cluster.a, lead)
    on_b = open_client(clients, cluster.b, lead)
    worker = EmitOnlyPublisher(
        cluster.env["PACKLINE_REDIS_URL"], channel=cluster.env["PACKLINE_SOCKETIO_CHANNEL"]
    )
    worker.publish(
        [DomainEvent("alert_raised", {"alert": {"id": 4242, "kind": "no_tracking"}}, warehouse="HZ01")]
    )
    for client in (on_a, on_b):
        got = client.wait_for("alert_raised", lambda d: d["alert"]["id"] == 4242)
        assert got["v"] == 1 and got["server_time"]


def test_a_warehouse_never_hears_another_warehouse(cluster: Cluster, clients: list[LiveClient]) -> None:
    hz = open_client(clients, cluster.a, cluster.token("lead.hz"))
    sh = open_client(clients, cluster.b, cluster.token("lead.sh"))
    sh_order = cluster.order("picking", warehouse_code="SH01")
    hz_order = cluster.order("picking")
    cluster.transition(cluster.a, sh_order, "printed", cluster.token("admin"))
    cluster.transition(cluster.b, hz_order, "printed", cluster.token("lead.hz"))
    # One Redis channel keeps order: once HZ01's own event is here, SH01's would have been too.
    hz.wait_for("order_updated", lambda d: d["order"]["order_number"] == hz_order)
    sh.wait_for("order_updated", lambda d: d["order"]["order_number"] == sh_order)
    for client, own in ((hz, "HZ01"), (sh, "SH01")):
        for name, data, _ in client.events:
            heard = data.get("warehouse") or (data.get("order") or {}).get("warehouse")
            assert heard in (own, None), (name, data)
    assert all(d["order"]["order_number"] != sh_order for d in hz.received("order_updated"))


def test_unauthenticated_connect_is_refused(cluster: Cluster, clients: list[LiveClient]) -> None:
    for token in (None, "pl_forged-token"):
        client = LiveClient(cluster.a.url, token)
        clients.append(client)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(timeout=5)
        assert client.refused and client.refused[0]["code"] in ("UNAUTHORIZED", "TOKEN_INVALID")
    pda = LiveClient(cluster.b.url, cluster.token("packer.hz1"), station="PK01-OF-ANOTHER-WAREHOUSE")
    clients.append(pda)
    with pytest.raises(socketio.exceptions.ConnectionError):
        pda.connect(timeout=5)
    assert pda.refused[0]["code"] == "STATION_NOT_IN_WAREHOUSE"


def test_threshold_crossing_is_pushed_once_by_one_of_the_processes(
    cluster: Cluster, clients: list[LiveClient]
) -> None:
    lead = cluster.token("lead.hz")
    on_a = open_client(clients, cluster.a, lead)
    on_b = open_client(clients, cluster.b, lead)
    number = cluster.order("picking", ship_by=clock.now() + timedelta(seconds=3))

    def crossing(d: dict[str, Any]) -> bool:
        return any(c["order_number"] == number and c["to"] == "red" for c in d["crossings"])

    for client in (on_a, on_b):
        pushed = client.wait_for("threshold_crossed", crossing, timeout=15)
        assert pushed["warehouse"] == "HZ01" and pushed["v"] == 1
        snap = client.wait_for("countdown_snapshot", timeout=10)
        assert snap["warehouse"] == "HZ01" and snap["server_time"]
    time.sleep(2.5)  # both processes tick every second: a duplicate would be here by now
    assert [crossing(d) for d in on_a.received("threshold_crossed")].count(True) == 1
    assert [crossing(d) for d in on_b.received("threshold_crossed")].count(True) == 1


def test_reconnect_resyncs_over_rest(cluster: Cluster, clients: list[LiveClient]) -> None:
    lead = cluster.token("lead.hz")
    boards: list[dict[str, Any]] = []

    def resync(client: LiveClient) -> None:
        r = requests.get(
            f"{client.url}/api/v1/live/HZ01", headers={"Authorization": f"Bearer {lead}"}, timeout=10
        )
        boards.append(r.json())

    number = cluster.order("printed", ship_by=clock.now() - timedelta(hours=20))
    client = LiveClient(cluster.a.url, lead, reconnection=True, on_connect=resync)
    clients.append(client)
    client.connect()
    client.wait_until(lambda: len(boards) == 1)
    assert number in {o["order_number"] for o in boards[0]["overdue_top"]}

    cluster.a.stop()
    client.wait_until(lambda: not client.sio.connected, timeout=10)
    cluster.transition(cluster.b, number, "packed", lead)  # nobody can tell this client: it is offline
    cluster.a.start()
    client.wait_until(lambda: len(boards) == 2, timeout=30)
    assert client.connects == 2
    assert number not in {o["order_number"] for o in boards[1]["overdue_top"]}
    assert boards[1]["counts"]["packed"]["red"] == boards[0]["counts"]["packed"]["red"] + 1
    assert all(d["order"]["order_number"] != number for d in client.received("order_updated"))
