"""Redis dies while packers scan: scanning and packing go on (live screens lag), /readyz says "degraded",
a job asked for meanwhile is parked in the database and reaches the queue when Redis is back, and live
events flow again (REST node → Redis → realtime node → station screen) without restarting anything."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis
import requests
from rq import Queue
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.db import make_engine
from server.outbox.models import ParkedJob
from simulators.catalog import BY_SKU
from tests.faults.own_services import OwnRedis
from tests.faults.packline_procs import RestNode, login, packline_env, realtime_node, rest_node
from tests.realtime.live_client import LiveClient
from tests.realtime.procs import free_port
from tests.support import make_order
from workers.rq_queue import rq_job_id

pytestmark = pytest.mark.faults

TEE, MUG = BY_SKU["SKU-1001-BLK-M"].barcode, BY_SKU["SKU-4001"].barcode
SLOW = 2.0  # seconds: a scan slower than this with Redis down is a finding too


@dataclass
class Site:
    node: RestNode
    realtime: RestNode
    redis: OwnRedis
    db_url: str

    def orders(self, status: str, n: int) -> list[tuple[str, str | None]]:
        engine = make_engine(self.db_url)
        with Session(engine) as session:
            made = [make_order(session, status) for _ in range(n)]
            out = [(o.order_number, o.tracking_number) for o in made]
            session.commit()
        engine.dispose()
        return out

    def parked(self) -> int:
        engine = make_engine(self.db_url)
        with Session(engine) as session:
            count = session.scalar(select(func.count()).select_from(ParkedJob)) or 0
        engine.dispose()
        return int(count)


@pytest.fixture
def site(packline_db: str) -> Iterator[Site]:
    own_redis = OwnRedis().start()
    db_url = packline_db
    node = realtime = None
    try:
        # The courier is down as well (nothing listens there): a label print has to leave a job behind.
        env = packline_env(
            db_url,
            own_redis.url,
            courier_base_url=f"http://127.0.0.1:{free_port()}",
            zto_app_key="k",
            zto_app_secret="s",
            label_waybill_budget_ms=1000,
        )
        node, realtime = rest_node(env).start(), realtime_node(env).start()
        yield Site(node.wait_ready(), realtime.wait_ready(), own_redis, db_url)
    finally:
        for proc in (node, realtime):
            if proc is not None:
                proc.stop()
        own_redis.close()


def scan(url: str, headers: dict[str, str], code: str) -> dict[str, object]:
    started = time.monotonic()
    body = {"station": "PK01", "code": code, "client_scan_id": uuid.uuid4().hex}
    r = requests.post(f"{url}/api/v1/pack/scan", json=body, headers=headers, timeout=30)
    elapsed = time.monotonic() - started
    assert r.status_code == 200, (code, r.status_code, r.text)
    assert elapsed < SLOW, f"scan of {code} took {elapsed:.1f}s with Redis down"
    return r.json()  # type: ignore[no-any-return]


def test_packing_goes_on_while_redis_is_down_and_parked_jobs_follow(site: Site) -> None:
    url = site.node.url
    (first, first_tracking), (second, second_tracking), (third, _) = site.orders("printed", 3)
    ((picking, _),) = site.orders("picking", 1)
    packer = login(url)
    screen = LiveClient(site.realtime.url, packer["Authorization"][7:], station="PK01").connect()
    assert scan(url, packer, first)["code"] == "ORDER_OPENED"
    assert scan(url, packer, TEE)["result"] == "ok"
    screen.wait_for("pack_progress", lambda d: d["order_number"] == first)

    site.redis.kill()
    ready = requests.get(f"{url}/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["status"] == "degraded", ready.text
    assert ready.json()["checks"]["redis"].startswith("degraded")

    for code in (TEE, MUG):
        assert scan(url, packer, code)["result"] == "ok"
    assert scan(url, packer, first_tracking)["code"] == "PACK_COMPLETED"
    assert scan(url, packer, second)["code"] == "ORDER_OPENED"
    for code in (TEE, TEE, MUG):
        assert scan(url, packer, code)["result"] == "ok"
    assert scan(url, packer, second_tracking)["code"] == "PACK_COMPLETED"
    assert login(url)  # logging in needs no Redis either

    # A label whose waybill the (also unreachable) courier could not give: the follow-up job cannot
    # reach Redis. Before the fix this answered 500 after the commit and the job was gone.
    printed = requests.post(
        f"{url}/api/v1/orders/{picking}/label/print",
        json={"station": "PK01", "client_request_id": uuid.uuid4().hex},
        headers=packer,
        timeout=30,
    )
    assert printed.status_code == 202, printed.text
    assert printed.json()["print_status"] == "waybill_pending"
    assert site.parked() == 1

    site.redis.start()  # same port, empty: what a restarted Redis without persistence looks like
    rq_id = rq_job_id(f"waybill:{picking}:L1")
    labels = Queue("labels", connection=redis.Redis.from_url(site.redis.url))
    deadline = time.monotonic() + 15
    while rq_id not in labels.job_ids and time.monotonic() < deadline:
        time.sleep(0.2)
    assert rq_id in labels.job_ids, f"parked job not handed to Redis:\n{site.node.tail()}"
    assert site.parked() == 0
    ready = requests.get(f"{url}/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["status"] == "ok", ready.text

    # Live events flow again once the realtime node's Redis listener has reconnected (it backs off).
    deadline = time.monotonic() + 20
    heard = False
    while not heard and time.monotonic() < deadline:
        scan(url, packer, third)
        try:
            screen.wait_for("pack_progress", lambda d: d["order_number"] == third, timeout=1)
            heard = True
        except TimeoutError:
            pass
    screen.close()
    assert heard, f"no live event after Redis came back:\n{site.realtime.tail()}"
