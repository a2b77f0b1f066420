"""Who watches the day: the lead screens (Socket.IO clients connected throughout), the CS desk looking
orders up, and a sampler of the floor's backlog and the job queues for the chart."""

from __future__ import annotations

import contextlib
import random
import threading
import time
from dataclasses import dataclass, field

from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bench.promo.pda import CallStats, Pda
from bench.promo.settings import DayClock
from server.orders.models import Order
from tests.realtime.live_client import LiveClient

QUEUES = ("sync", "labels", "alerts", "default")
OPEN_WORK = ("paid", "picking", "printed", "packed")


class LeadScreens:
    def __init__(self, url: str, tokens: dict[str, str]) -> None:
        self.clients = {wh: LiveClient(url, token, reconnection=True) for wh, token in tokens.items()}

    def connect(self) -> LeadScreens:
        for client in self.clients.values():
            client.connect(timeout=30)
        return self

    def alerts_heard(self, kind: str = "address_changed") -> dict[str, float]:
        """order number → wall time an `alert_raised` of `kind` about it first reached a lead screen."""
        heard: dict[str, float] = {}
        for client in self.clients.values():
            with client._cond:
                events = list(client.events)
            for name, data, at in events:
                alert = (data.get("alert") or {}) if isinstance(data, dict) else {}
                if name == "alert_raised" and alert.get("kind") == kind:
                    number = alert.get("order_number")
                    if number and (number not in heard or at < heard[number]):
                        heard[number] = at
        return heard

    def connected(self) -> bool:
        return all(c.sio.connected for c in self.clients.values())

    def events_heard(self) -> int:
        return sum(len(c.events) for c in self.clients.values())

    def close(self) -> None:
        for client in self.clients.values():
            with contextlib.suppress(Exception):
                client.close()


def probe_cs(pda: Pda, numbers: set[str], stop: threading.Event, seed: int) -> None:
    """The CS desk: an order looked up every quarter second, all day."""
    rng = random.Random(seed)
    while not stop.wait(0.25):
        try:
            recent = sorted(numbers)[-500:]
        except RuntimeError:  # the set grew while we copied it
            continue
        if recent:
            pda.post_json("/api/v1/cs/lookup", {"q": rng.choice(recent)}, "cs_lookup")


@dataclass
class Sample:
    wall: float
    sim: float
    released: int
    backlog: int
    shipped: int
    jobs_queued: int


@dataclass
class Sampler:
    engine: Engine
    redis: Redis
    clock: DayClock
    released: object  # callable returning how many orders the platforms hold
    samples: list[Sample] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(1.0):
            with contextlib.suppress(Exception):  # a missed sample is a gap in the chart, not a failed run
                self.samples.append(self.sample())

    def sample(self) -> Sample:
        with self.engine.connect() as conn:
            counts = dict(conn.execute(select(Order.status, func.count()).group_by(Order.status)).all())
        jobs = sum(int(self.redis.llen(f"rq:queue:{name}")) for name in QUEUES)
        return Sample(
            wall=time.time(),
            sim=self.clock.sim_now(),
            released=int(self.released()),  # type: ignore[operator]
            backlog=sum(int(counts.get(s, 0)) for s in OPEN_WORK),
            shipped=int(counts.get("shipped", 0)),
            jobs_queued=jobs,
        )


__all__ = ["CallStats", "LeadScreens", "Sample", "Sampler", "probe_cs"]
