"""Fixtures for the label domain tests: a recording fake of our own CourierPort, orders ready to print,
the ZTO simulator behind the real connector, and committed orders for the tests that race threads."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import pytest
import requests
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from server import clock
from server.db import make_session_factory, unit_of_work
from server.integrations.courier_zto import ZtoConnector
from server.integrations.http import IntegrationError, Outcome, Timeouts
from server.integrations.ports import Waybill, WaybillRequest
from server.orders.addresses import AddressInput, change_address
from server.orders.models import Order
from server.orders.transitions import apply_transition
from simulators import courier as zto_sim
from simulators.base import SimulatorHandle
from tests.support import make_order

_serials = itertools.count(1)


@dataclass
class RecordingCourier:
    """Our CourierPort as a fake: records every call; `script` makes the next calls misbehave.

    Script entries: "timeout" (nothing issued, outcome unknown), "lost_reply" (issued, then the reply is
    lost), "reject" (the courier says no), "slow:<seconds>". `dedupe=False` plays a courier that would
    sell a new number for every call — what our own idempotency must protect against."""

    courier_code: str = "ZTO"
    dedupe: bool = True
    script: list[str] = field(default_factory=list)
    requests: list[tuple[str, WaybillRequest]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    issued: dict[str, Waybill] = field(default_factory=dict)
    fail_cancel: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request_waybill(self, package_ref: str, order: WaybillRequest) -> Waybill:
        with self.lock:
            self.requests.append((package_ref, order))
            step = self.script.pop(0) if self.script else ""
        if step.startswith("slow:"):
            time.sleep(float(step.split(":", 1)[1]))
        if step == "timeout":
            raise IntegrationError("zto", Outcome.RETRYABLE, "read_timeout", "slow", unknown_outcome=True)
        if step == "reject":
            raise IntegrationError("zto", Outcome.REJECTED, "S208", "missing parameter: receiverAddress")
        with self.lock:
            waybill = self.issued.get(package_ref) if self.dedupe else None
            if waybill is None:
                waybill = Waybill(f"7310{next(_serials):010d}", "300- H12 09", "杭州转运", "30001")
                self.issued[package_ref] = waybill
        if step == "lost_reply":
            raise IntegrationError("zto", Outcome.RETRYABLE, "read_timeout", "lost", unknown_outcome=True)
        return waybill

    def cancel_waybill(self, tracking_number: str) -> None:
        if self.fail_cancel:
            raise IntegrationError("zto", Outcome.RETRYABLE, "S221", "api qps flow limit")
        self.cancelled.append(tracking_number)

    @property
    def refs(self) -> list[str]:
        return [ref for ref, _ in self.requests]


@pytest.fixture
def courier() -> RecordingCourier:
    return RecordingCourier()


def picking_order(session: Session, **overrides: object) -> Order:
    """An order ready for its first label (paid → picking through the real transitions)."""
    order = make_order(session, "paid", **overrides)
    apply_transition(
        session, order, "picking", actor="test", source_system="test", reason=None, now=clock.now()
    )
    session.flush()
    return order


NEW_ADDRESS = AddressInput(
    name="李四",
    phone="13900002222",
    province="上海市",
    city="上海市",
    district="徐汇区",
    detail="漕溪北路88弄",
)


def move_address(session: Session, order: Order, now: datetime | None = None) -> None:
    change_address(session, order, NEW_ADDRESS, actor="crm", source_system="crm", now=now or clock.now())
    session.flush()


# --- the ZTO simulator and the real connector ------------------------------------------------------------
@pytest.fixture(scope="session")
def zto_handle() -> Iterator[SimulatorHandle]:
    handle = zto_sim.start(timeout_seconds=1.0)
    yield handle
    handle.stop()


@pytest.fixture
def zto(zto_handle: SimulatorHandle) -> SimulatorHandle:
    app = zto_handle.app
    with app.lock:
        app.journal.clear()
        app.faults.clear()
        app.reset_state()
        app.settings["response_delay"] = 0.0
    return zto_handle


@pytest.fixture
def connector(zto: SimulatorHandle) -> Iterator[ZtoConnector]:
    conn = ZtoConnector(zto.url, app_key="ztokey", app_secret="ztosecret", timeouts=Timeouts(1.0, 2.0))
    yield conn
    conn.close()


def sim_waybills(handle: SimulatorHandle) -> list[dict[str, object]]:
    reply = requests.get(f"{handle.url}/__sim/waybills", timeout=5)
    return list(reply.json()["waybills"])


def sim_creates(handle: SimulatorHandle, package_ref: str | None = None) -> int:
    entries = handle.app.journal.entries("zto.open.createOrder")
    return len(
        [
            e
            for e in entries
            if package_ref is None or (e["json"] or {}).get("partnerOrderCode") == package_ref
        ]
    )  # type: ignore[union-attr]


def sim_fault(handle: SimulatorHandle, **spec: object) -> None:
    reply = requests.post(f"{handle.url}/__sim/faults", json=spec, timeout=5)
    assert reply.status_code == 200, reply.text


# --- committed data for the thread races -------------------------------------------------------------------
@pytest.fixture
def committed(any_engine: Engine) -> Iterator[Callable[..., tuple[sessionmaker[Session], str]]]:
    """`committed()` → (session factory, order number) of a picking order that really is in the database
    (PostgreSQL, then SQLite: the embedded mode serialises writers instead of locking rows)."""
    factory = make_session_factory(any_engine)
    made: list[int] = []

    def make(**overrides: object) -> tuple[sessionmaker[Session], str]:
        overrides.setdefault("external_id", f"LBL-{uuid.uuid4().hex[:12]}")
        with unit_of_work(factory) as uow:
            order = picking_order(uow.session, **overrides)
            made.append(order.id)
            number = order.order_number
        return factory, number

    yield make
    with unit_of_work(factory) as uow:
        uow.session.execute(delete(Order).where(Order.id.in_(made)))


def race(count: int, attempt: Callable[[int], object]) -> list[object]:
    """Run `attempt(n)` in `count` threads released together; results (or exceptions) in thread order."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = attempt(n)
        except Exception as exc:  # returned to the test, which says what it expects
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results
