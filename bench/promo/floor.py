"""The warehouse floor around the packers: the lead's wave release (paid → picking over the API, as the
orders arrive), the work queue per warehouse, and the dock that hands parcels to the courier at
pickup times. Intercepted parcels with a new address go back to a packer to be relabelled."""

from __future__ import annotations

import queue
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bench.promo.dayplan import PlannedOrder
from bench.promo.pda import CallStats, Pda
from bench.promo.settings import DayClock, RunSettings
from server.catalog.models import Warehouse
from server.clock import ensure_aware
from server.integrations.models import SyncCursor
from server.orders.models import Order


@dataclass
class Task:
    order: PlannedOrder
    number: str
    kind: str = "pack"  # or "relabel"


@dataclass
class Pickup:
    warehouse: str
    started: float
    closed: float
    parcels: int
    shipped: int
    stopped: int


@dataclass
class Floor:
    settings: RunSettings
    clock: DayClock
    engine: Engine
    plan_by_external: dict[str, PlannedOrder]
    stats: CallStats
    closing: threading.Event = field(default_factory=threading.Event)
    queues: dict[str, queue.Queue[Task]] = field(default_factory=lambda: {"HZ01": queue.Queue(), "SH01": queue.Queue()})
    dock_queues: dict[str, list[tuple[Task, str]]] = field(default_factory=lambda: {"HZ01": [], "SH01": []})
    finished: dict[str, int] = field(default_factory=dict)
    pickups: list[Pickup] = field(default_factory=list)
    released: set[str] = field(default_factory=set)
    in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wall_seconds(self, sim_seconds: float) -> float:
        return sim_seconds / self.clock.speed

    # --- packers' side -----------------------------------------------------------------------------
    def next_task(self, warehouse: str) -> Task | None:
        try:
            return self.queues[warehouse].get(timeout=0.3)
        except queue.Empty:
            return None

    def finish(self, task: Task, outcome: str) -> None:
        with self.lock:
            self.finished[outcome] = self.finished.get(outcome, 0) + 1
            self.in_flight -= 1

    def to_dock(self, task: Task, tracking: str) -> None:
        with self.lock:
            self.dock_queues[task.order.warehouse].append((task, tracking))

    @property
    def idle(self) -> bool:
        with self.lock:
            return self.in_flight == 0

    # --- the lead's wave release ---------------------------------------------------------------------
    def release_waves(self, lead: dict[str, Pda], stop: threading.Event) -> None:
        with ThreadPoolExecutor(3) as pool:
            while not stop.is_set():
                rows = self._paid_orders()
                fresh = [r for r in rows if r[0] not in self.released and r[1] in self.plan_by_external]
                for number, _, _ in fresh:
                    self.released.add(number)
                list(pool.map(lambda row: self._release(lead[row[2]], row), fresh))
                stop.wait(0.5)

    def _paid_orders(self) -> list[tuple[str, str, str]]:
        query = (
            select(Order.order_number, Order.external_id, Warehouse.code)
            .join(Warehouse, Warehouse.id == Order.warehouse_id)
            .where(Order.status == "paid")
            .order_by(Order.ship_by)
        )
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(query)]  # type: ignore[misc]

    def _release(self, pda: Pda, row: tuple[str, str, str]) -> None:
        number, external_id, warehouse = row
        answer = pda.post_json(f"/api/v1/orders/{number}/transitions", {"to": "picking", "expected_status": "paid"}, "release")
        if answer.get("status") != "picking":
            with self.lock:
                self.finished[f"release:{answer.get('code')}"] = self.finished.get(f"release:{answer.get('code')}", 0) + 1
            return
        with self.lock:
            self.in_flight += 1
        self.queues[warehouse].put(Task(self.plan_by_external[external_id], number))

    # --- the dock --------------------------------------------------------------------------------------
    def run_dock(self, warehouse: str, pda: Pda, stop: threading.Event) -> None:
        every = self.wall_seconds(self.settings.pickup_every_hours * 3600)
        while not stop.wait(every):
            self.pickup(warehouse, pda)
        self.pickup(warehouse, pda)

    def pickup(self, warehouse: str, pda: Pda) -> None:
        with self.lock:
            parcels, self.dock_queues[warehouse] = self.dock_queues[warehouse], []
        if not parcels:
            return
        started = time.time()
        batch = pda.dock("/batches", {"station": "DOCK1", "courier": "ZTO"})
        batch_id, shipped, stopped = batch.get("id"), 0, 0
        on_batch = []
        for task, tracking in parcels:
            answer = pda.dock(f"/batches/{batch_id}/scan", {"code": tracking, "client_scan_id": uuid.uuid4().hex})
            if answer.get("result") in ("ok", "duplicate"):
                on_batch.append(task)
            else:
                stopped += 1
                self._stopped(task, answer, pda)
        self._wait_for_platform_view(started)
        closed = pda.dock(f"/batches/{batch_id}/close") if on_batch else {}
        stop_numbers = {s.get("order_number"): s for s in closed.get("stopped") or []}
        for task in on_batch:
            if task.number in stop_numbers:
                stopped += 1
                self._stopped(task, stop_numbers[task.number], pda)
            else:
                shipped += 1
                self.finish(task, "handed_over")
        self.pickups.append(Pickup(warehouse, started, time.time(), len(parcels), shipped, stopped))

    def _stopped(self, task: Task, answer: dict[str, Any], pda: Pda) -> None:
        details = answer.get("details") or answer
        holds = details.get("holds")
        if holds is None:  # stopped at the close: the answer gives a reason, the order its holds
            holds = pda.get(f"/api/v1/orders/{task.number}/label/status").get("holds") or []
        if holds == ["address_changed"]:
            self.queues[task.order.warehouse].put(Task(task.order, task.number, "relabel"))
        else:
            if not holds:
                self.stats.error(f"dock stopped {task.number} for {answer}")
            self.finish(task, "intercepted:" + (",".join(holds) or str(answer.get("code"))))

    def _wait_for_platform_view(self, since: float, timeout: float = 30.0) -> None:
        """The courier is at the door: close once Packline has read the platforms up to that moment, so a
        refund the buyer asked for before the pickup had its chance to stop the parcel."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.engine.connect() as conn:
                oldest = conn.execute(select(func.min(SyncCursor.last_end))).scalar()
            if oldest is not None and ensure_aware(oldest).timestamp() >= since:
                return
            time.sleep(0.3)
        self.stats.error(f"platform view not current {timeout:.0f} s after a pickup began")
