"""A PDA comes back online with a long offline queue (300+ scans of 30 orders, each with its
client_scan_id) and replays it twice at the same time — the page's retry and a second tab, interleaved:
every scan is recorded exactly once, every order ends packed, and both replays got the same answer for
every scan."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server.db import make_engine
from server.orders.ingest import IngestLine
from server.orders.models import Order
from server.scanning.models import ScanEvent
from simulators.catalog import BY_SKU
from tests.faults.packline_procs import RestNode, login, packline_env, rest_node
from tests.support import make_order

pytestmark = pytest.mark.faults

TEE, MUG = BY_SKU["SKU-1001-BLK-M"].barcode, BY_SKU["SKU-4001"].barcode
NOT_IN_ORDER = "6999999999999"
ORDERS = 30
LINES = (IngestLine("SKU-1001-BLK-M", "纯棉T恤 黑色 M", 5), IngestLine("SKU-4001", "陶瓷马克杯 350ml", 3))
STATION = "PK01"


@dataclass
class Site:
    node: RestNode
    db: Engine


@pytest.fixture
def site(packline_db: str) -> Iterator[Site]:
    db_url = packline_db
    node = None
    engine = make_engine(db_url)
    try:
        node = rest_node(packline_env(db_url), threads=4).start().wait_ready()
        yield Site(node, engine)
    finally:
        if node is not None:
            node.stop()
        engine.dispose()


def offline_queue(db: Engine) -> tuple[list[dict[str, str]], list[str]]:
    """What the PDA's outbox holds: per order the order number, its items, now and then a wrong item,
    and the tracking number that completes it."""
    with Session(db) as session:
        orders = [make_order(session, "printed", lines=LINES) for _ in range(ORDERS)]
        session.commit()
        numbers = [(o.order_number, o.tracking_number) for o in orders]
    queue = []
    for i, (number, tracking) in enumerate(numbers):
        wrong = [NOT_IN_ORDER] if i % 4 == 0 else []
        codes = [number, *[TEE] * 5, *wrong, *[MUG] * 3, str(tracking)]
        queue += [
            {"station": STATION, "code": c, "client_scan_id": uuid.uuid4().hex, "device_id": "PDA-7"}
            for c in codes
        ]
    return queue, [n for n, _ in numbers]


class Replay(threading.Thread):
    """The outbox: one scan at a time, in order; a network error or a 503 is retried with the same id."""

    def __init__(self, url: str, headers: dict[str, str], queue: list[dict[str, str]]) -> None:
        super().__init__(daemon=True)
        self.url, self.headers, self.queue = url, headers, queue
        self.answers: dict[str, tuple[str, str]] = {}
        self.errors: list[str] = []

    def run(self) -> None:
        http = requests.Session()
        for scan in self.queue:
            for _attempt in range(20):
                try:
                    r = http.post(f"{self.url}/api/v1/pack/scan", json=scan, headers=self.headers, timeout=30)
                except requests.RequestException:
                    time.sleep(0.1)
                    continue
                if r.status_code == 503:
                    time.sleep(0.1)
                    continue
                if r.status_code != 200:
                    self.errors.append(f"{scan['code']}: {r.status_code} {r.text[:200]}")
                    break
                body = r.json()
                self.answers[scan["client_scan_id"]] = (body["result"], body["code"])
                break


def replay(url: str, headers: dict[str, str], queue: list[dict[str, str]], copies: int) -> list[Replay]:
    runs = [Replay(url, headers, queue) for _ in range(copies)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(120)
    return runs


def test_a_long_offline_queue_replayed_twice_interleaved_is_recorded_once(site: Site) -> None:
    queue, numbers = offline_queue(site.db)
    assert len(queue) >= 300
    packer = login(site.node.url)

    first, second = replay(site.node.url, packer, queue, copies=2)

    for run in (first, second):
        assert not run.errors, run.errors[:5]
        assert len(run.answers) == len(queue)
    assert first.answers == second.answers  # the same answer, whoever asked first
    rejected = [a for a in first.answers.values() if a[0] == "rejected"]
    assert len(rejected) == len(range(0, ORDERS, 4)) and {code for _, code in rejected} == {"UNKNOWN_CODE"}, (
        rejected
    )

    with Session(site.db) as session:
        events = session.execute(
            select(ScanEvent.client_scan_id, func.count())
            .where(ScanEvent.station_code == STATION)
            .group_by(ScanEvent.client_scan_id)
        ).all()
        statuses = session.scalars(select(Order.status).where(Order.order_number.in_(numbers))).all()
    assert {cid for cid, _ in events} == {s["client_scan_id"] for s in queue}  # nothing lost
    assert max(n for _, n in events) == 1  # nothing doubled
    assert statuses == ["packed"] * ORDERS
