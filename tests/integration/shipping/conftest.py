"""Helpers for the shipping domain tests: orders packed at a real pack station (boxes included), a dock
worker with a batch, the ZTO simulator behind the real connector, and the weighing policy."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import clock
from server.accounts.models import User
from server.integrations.courier_zto import ZtoConnector
from server.integrations.http import Timeouts
from server.labels.printing import print_label
from server.orders.models import Order
from server.orders.transitions import apply_transition
from server.scanning import services
from server.scanning.services import PackCommand
from server.shipping import handover
from server.shipping.closing import CloseResult, close_batch
from server.shipping.common import WeighPolicy, Worker
from server.shipping.handover import DockResult, ParcelScan
from server.shipping.models import Package
from simulators import courier as zto_sim
from simulators.base import SimulatorHandle
from tests.integration.scanning.conftest import MUG, TSHIRT, Desk, printed_order, scan_id
from tests.support import make_order

__all__ = ["MUG", "TSHIRT", "Desk", "printed_order"]
POLICY = WeighPolicy(allowance_g=80, tolerance_g=50, tolerance_percent=10)
_ids = itertools.count(1)


def worker_of(session: Session, username: str) -> Worker:
    user = session.scalars(select(User).where(User.username == username)).one()
    return Worker(user.username, user.id, user.role, user.warehouse_id, "PDA-DOCK")


def new_box(desk: Desk) -> dict[str, Any]:
    cmd = PackCommand(desk.station, scan_id())
    return services.new_box(desk.session, cmd, desk.actor, now=desk._now(), locale=desk.locale).answer


def pack(
    session: Session, order: Order, *boxes: list[str], station: str = "PK01", username: str = "packer.hz1"
) -> dict[str, Any]:
    """Pack `order` at a station: each list of barcodes is one box (a "new box" between them)."""
    desk = Desk(session, username=username, station=station)
    assert desk.scan(order.order_number)["code"] == "ORDER_OPENED"
    for n, box in enumerate(boxes):
        if n:
            assert new_box(desk)["code"] == "BOX_CLOSED"
        for code in box:
            assert desk.scan(code)["result"] == "ok", code
    answer = desk.complete()
    assert answer["code"] in ("PACK_COMPLETED",), answer
    return answer


def packages(session: Session, order: Order) -> list[Package]:
    session.expire_all()
    return list(session.scalars(select(Package).where(Package.order_id == order.id).order_by(Package.seq)))


class Dock:
    """The dock as a dock worker sees it: one batch per courier, scans with fresh client_scan_ids."""

    def __init__(
        self, session: Session, username: str = "packer.hz1", station: str = "DOCK1", courier: str = "ZTO"
    ):
        self.session = session
        self.worker = worker_of(session, username)
        self.batch, _ = handover.open_batch(session, station, courier, self.worker, now=clock.now())
        self.locale = "zh-CN"
        self.jobs: list[Any] = []
        self.events: list[Any] = []

    def scan_result(
        self, code: object, client_scan_id: str | None = None, now: datetime | None = None
    ) -> DockResult:
        cmd = ParcelScan(self.batch.id, code, client_scan_id or f"d-{next(_ids)}-{uuid.uuid4().hex[:6]}")
        result = handover.scan_parcel(
            self.session, cmd, self.worker, now=now or clock.now(), locale=self.locale
        )
        self.jobs += result.jobs
        self.events += result.events
        return result

    def scan(self, code: object, client_scan_id: str | None = None) -> dict[str, Any]:
        return self.scan_result(code, client_scan_id).answer

    def close(self) -> CloseResult:
        result = close_batch(self.session, self.batch.id, self.worker, now=clock.now())
        self.jobs += result.jobs
        self.events += result.events
        return result


def order_of(session: Session, number: str) -> Order:
    session.expire_all()
    return session.scalars(select(Order).where(Order.order_number == number)).one()


def refund(session: Session, order: Order) -> None:
    """The platform says refunded after the parcel was packed (an exit edge: no hold can block it)."""
    apply_transition(
        session,
        order,
        "refunded",
        actor="taobao",
        source_system="taobao",
        reason="TRADE_CLOSED",
        now=clock.now(),
    )
    session.flush()


# --- the ZTO simulator and the real connector ------------------------------------------------------------
@pytest.fixture(scope="session")
def zto_handle() -> Iterator[SimulatorHandle]:
    handle = zto_sim.start(timeout_seconds=1.0)
    yield handle
    handle.stop()


@pytest.fixture
def zto(zto_handle: SimulatorHandle) -> SimulatorHandle:
    with zto_handle.app.lock:
        zto_handle.app.journal.clear()
        zto_handle.app.faults.clear()
        zto_handle.app.reset_state()
    return zto_handle


@pytest.fixture
def connector(zto: SimulatorHandle) -> Iterator[ZtoConnector]:
    conn = ZtoConnector(zto.url, app_key="ztokey", app_secret="ztosecret", timeouts=Timeouts(1.0, 2.0))
    yield conn
    conn.close()


def sim_waybills(handle: SimulatorHandle) -> dict[str, dict[str, Any]]:
    reply = requests.get(f"{handle.url}/__sim/waybills", timeout=5)
    return {w["bill_code"]: w for w in reply.json()["waybills"]}


def printed_with_sim_label(session: Session, connector: ZtoConnector, **overrides: Any) -> Order:
    """A printed order whose label came from the courier simulator (so a void reaches the simulator)."""
    order = make_order(session, "picking", **overrides)
    result = print_label(
        session,
        order,
        connector,
        station="PK01",
        client_request_id=uuid.uuid4().hex,
        actor="user:packer.hz1",
        now=clock.now(),
    )
    assert result.print_status == "printed" and order.status == "printed", result
    session.flush()
    return order
