"""Everything outside the warehouse during the day: buyers paying at the platforms (the feeder), buyers
asking for refunds, the CRM pushing address changes, the courier being slow. Every action is logged
with its wall time (`EventLog`) so the outcomes can be judged against what Packline did."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import requests

from bench.promo.dayplan import PlannedOrder
from bench.promo.settings import DayClock, RunSettings
from bench.promo.stack import Stack
from simulators.orders import pdd_order, taobao_trade

NEW_ADDRESS = {"name": "改址收件人", "mobile": "13900001111", "province": "江苏省", "city": "南京市",
               "district": "鼓楼区", "detail": "中山北路 200 号 改址 {n} 室"}


@dataclass
class EventLog:
    events: list[tuple[str, int, float]] = field(default_factory=list)  # (kind, plan index, wall time)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, index: int, at: float | None = None) -> None:
        with self.lock:
            self.events.append((kind, index, at or time.time()))

    def first(self, kind: str) -> dict[int, float]:
        with self.lock:
            found: dict[int, float] = {}
            for k, index, at in self.events:
                if k == kind and index not in found:
                    found[index] = at
            return found


class World:
    def __init__(self, stack: Stack, plan: list[PlannedOrder], clock: DayClock, settings: RunSettings) -> None:
        self.stack, self.plan, self.clock, self.settings = stack, plan, clock, settings
        self.log = EventLog()
        self.external_ids: dict[int, str] = {}
        self.by_external: dict[str, PlannedOrder] = {}
        self.http = requests.Session()
        self.stop = threading.Event()
        self.released = 0
        self._threads = [threading.Thread(target=self._feed, daemon=True),
                         threading.Thread(target=self._courier_weather, daemon=True)]

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def join(self) -> None:
        self.stop.set()
        for t in self._threads:
            t.join(10)

    @property
    def all_released(self) -> bool:
        return self.released >= len(self.plan)

    # --- buyers paying ---------------------------------------------------------------------------
    def _feed(self) -> None:
        timed: list[tuple[float, str, PlannedOrder]] = []
        while not self.stop.is_set() and (self.released < len(self.plan) or timed):
            now_sim = self.clock.sim_now()
            due = []
            while self.released < len(self.plan) and self.plan[self.released].sim_paid <= now_sim:
                due.append(self.plan[self.released])
                self.released += 1
            self._release(due)
            for order in due:
                if order.refund == "timed":
                    timed.append((order.sim_paid + order.event_delay, "refund", order))
                if order.address_change == "timed":
                    timed.append((order.sim_paid + order.event_delay, "address", order))
            for entry in [e for e in timed if e[0] <= now_sim]:
                timed.remove(entry)
                self.refund(entry[2]) if entry[1] == "refund" else self.change_address(entry[2])
            time.sleep(0.2)

    def _release(self, orders: list[PlannedOrder]) -> None:
        by_platform: dict[str, list[dict]] = {"taobao": [], "pdd": []}
        paid = datetime.now(UTC)
        for order in orders:
            spec = replace(order.spec, created=paid - timedelta(seconds=90), paid=paid)
            native = taobao_trade(spec) if order.platform == "taobao" else pdd_order(spec)
            self.external_ids[order.index] = str(native.get("tid_str") or native.get("order_sn"))
            self.by_external[self.external_ids[order.index]] = order
            by_platform[order.platform].append(native)
        for platform, batch in by_platform.items():
            if batch:
                r = self.http.post(f"{self.stack.sim_url(platform)}/__sim/orders", json={"orders": batch}, timeout=30)
                r.raise_for_status()
        for order in orders:
            self.log.add("paid", order.index)

    # --- buyers and CRM changing their minds -------------------------------------------------------
    def refund(self, order: PlannedOrder) -> None:
        ext = self.external_ids[order.index]
        url = f"{self.stack.sim_url(order.platform)}/__sim/orders/{ext}/refund"
        self.log.add("refund_requested", order.index)
        requests.post(url, json={"state": "pending"}, timeout=30).raise_for_status()

    def change_address(self, order: PlannedOrder, *, wait: bool = False) -> None:
        """`wait`: the push lands before the caller goes on (a change arriving mid-pack, deterministically)."""
        address = {**NEW_ADDRESS, "detail": NEW_ADDRESS["detail"].format(n=order.index)}
        body = {
            "target_url": f"{self.stack.rest_url}/api/v1/webhooks/crm/address-changed",
            "order": {"platform": order.platform, "shop": order.shop,
                      "platform_order_id": self.external_ids[order.index]},
            "address": address,
        }
        self.log.add("address_change_asked", order.index)
        if wait:
            self._push_address(order, body)
        else:
            threading.Thread(target=self._push_address, args=(order, body), daemon=True).start()

    def _push_address(self, order: PlannedOrder, body: dict) -> None:
        """The CRM sends the change; Packline answers 404 while it has not read the order from the
        platform yet, and the CRM tries again a little later (up to a minute)."""
        for _attempt in range(30):
            sent = time.time()
            r = requests.post(f"{self.stack.sim_url('crm')}/__sim/send", json=body, timeout=60)
            r.raise_for_status()
            if r.json()["deliveries"][0]["final_status"] != 404:
                self.log.add("address_changed", order.index, sent)  # the push Packline took
                return
            self.log.add("address_change_refused", order.index)
            time.sleep(2)

    # --- the courier having a bad day -----------------------------------------------------------------
    def _courier_weather(self) -> None:
        """Slow answers on a share of waybill requests: some past the pack station's budget (a job takes over)."""
        rng = random.Random(self.settings.seed + 7)
        faults = max(1, int(self.settings.courier_delay_share * len(self.plan)))
        gap = self.settings.day_seconds / faults
        url = f"{self.stack.sim_url('courier')}/__sim/faults"
        while not self.stop.wait(gap):
            spec = {"op": "zto.open.createOrder", "kind": "timeout", "seconds": round(rng.uniform(0.5, 4.5), 1),
                    "times": 1}
            self.http.post(url, json=spec, timeout=10)
            self.log.add("courier_delay", -1)
