"""What one promo-day run is asked to do, and the mapping between wall time and the simulated day."""

from __future__ import annotations

import time
from dataclasses import dataclass

DAY_SECONDS = 86_400


@dataclass(frozen=True)
class RunSettings:
    orders: int = 600  # the day is 30,000; this machine replays 600 in time (see promo_day.py)
    seed: int = 20261111
    packers: int = 8  # concurrent PDA clients, split over the two warehouses
    day_seconds: float = 210.0  # wall seconds the 24 h of the day are replayed in
    drain_seconds: float = 120.0  # wall time allowed after the day for the floor to finish its work
    promise_hours: float = 6.0  # simulated hours from payment to the courier handover
    pickup_every_hours: float = 1.0  # simulated hours between courier pickups at each dock
    gift_share: float = 0.30
    address_change_share: float = 0.03
    refund_share: float = 0.05
    courier_delay_share: float = 0.05
    forget_gift: float = 0.05
    wrong_item: float = 0.02
    double_scan: float = 0.03
    network_drop: float = 0.01
    baseline: bool = False  # PACKLINE_ENFORCEMENT=off: gift gate, holds and alerts switched off
    web_workers: int = 3
    rq_workers: int = 2
    redis_db: int = 12

    @property
    def label(self) -> str:
        return "baseline" if self.baseline else "enforced"


class DayClock:
    """Simulated day time (seconds since the day's 00:00) from the wall clock, `speed` times faster."""

    def __init__(self, day_seconds: float) -> None:
        self.speed = DAY_SECONDS / day_seconds
        self.started = time.time()

    def sim_now(self) -> float:
        return (time.time() - self.started) * self.speed

    def sim_at(self, wall: float) -> float:
        return (wall - self.started) * self.speed

    def wall_at(self, sim: float) -> float:
        return self.started + sim / self.speed

    def sleep_sim(self, sim_seconds: float) -> None:
        time.sleep(max(0.0, sim_seconds / self.speed))


def hhmm(sim_seconds: float) -> str:
    minutes = int(sim_seconds // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
