"""Countdown ticks: a periodic `countdown_snapshot` per warehouse and `threshold_crossed` pushes.

Ticks are aligned to the wall clock (multiples of the interval since the epoch), and each tick's work is
claimed with a Redis SET NX per (kind, warehouse, slot): with several web processes every process ticks,
exactly one of them emits. Crossings are computed for the window (previous tick, this tick], a pure
function of the two instants, so no state has to move between processes."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from server import clock
from server.events import DomainEvent
from server.live.countdown import all_warehouses, build_snapshot, crossings
from server.ports import Publisher
from server.runtime import Runtime

log = logging.getLogger("packline.realtime.countdown")


class SlotLock(Protocol):
    def claim(self, key: str, ttl_seconds: int) -> bool: ...


class LocalSlotLock:
    """One process serves everybody (embedded mode): every slot is ours."""

    def claim(self, key: str, ttl_seconds: int) -> bool:
        return True


class RedisSlotLock:
    def __init__(self, redis_url: str, prefix: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(redis_url, socket_timeout=2)
        self._prefix = prefix
        self._me = f"{os.getpid()}"

    def claim(self, key: str, ttl_seconds: int) -> bool:
        try:
            return bool(
                self._redis.set(f"{self._prefix}:tick:{key}", self._me, nx=True, ex=max(ttl_seconds, 1))
            )
        except Exception:
            log.warning("tick lock unavailable, skipping %s", key, exc_info=True)
            return False


class CountdownTicker:
    def __init__(
        self,
        rt: Runtime,
        publisher: Publisher,
        lock: SlotLock,
        *,
        sleep: Callable[[float], Any],
        spawn: Callable[..., Any],
    ) -> None:
        self.rt = rt
        self.publisher = publisher
        self.lock = lock
        self._sleep = sleep
        self._spawn = spawn
        self._running = False
        self._last_snapshot_bucket: int | None = None
        settings = rt.settings
        self.check_seconds = max(settings.threshold_check_seconds, 0)
        self.snapshot_seconds = max(settings.countdown_interval_seconds, 0)
        self.yellow = timedelta(minutes=settings.yellow_threshold_minutes)
        self.limit = settings.countdown_snapshot_limit

    @property
    def step(self) -> int:
        steps = [s for s in (self.check_seconds, self.snapshot_seconds) if s > 0]
        return math.gcd(*steps) if steps else 0

    def start(self) -> bool:
        if self._running or not self.step:
            return False
        self._running = True
        self._spawn(self._run)
        return True

    def stop(self) -> None:
        self._running = False

    def _run(self) -> None:
        log.info(
            "countdown ticker: crossings every %ss, snapshot every %ss",
            self.check_seconds,
            self.snapshot_seconds,
        )
        while self._running:
            now = clock.now().timestamp()
            slot = (math.floor(now / self.step) + 1) * self.step
            self._sleep(max(slot - now, 0.0))
            if not self._running:
                break
            try:
                self.tick(datetime.fromtimestamp(slot, UTC))
            except Exception:  # a database hiccup must not end the ticker
                log.exception("countdown tick failed")

    def tick(self, slot: datetime, session: Session | None = None) -> list[DomainEvent]:
        """Run one aligned tick; returns (and publishes) the events this process claimed."""
        epoch = int(slot.timestamp())
        do_check = self.check_seconds > 0 and epoch % self.check_seconds == 0
        bucket = epoch // self.snapshot_seconds if self.snapshot_seconds else None
        do_snapshot = bucket is not None and bucket != self._last_snapshot_bucket
        if not (do_check or do_snapshot):
            return []
        own = session is None
        session = session or Session(self.rt.engine)
        events: list[DomainEvent] = []
        try:
            for wh in all_warehouses(session):
                if do_check and self.lock.claim(f"crossed:{wh.code}:{epoch}", self.check_seconds * 4):
                    since = slot - timedelta(seconds=self.check_seconds)
                    found = crossings(session, wh, since=since, until=slot, yellow=self.yellow)
                    if found:
                        events.append(threshold_crossed(wh.code, found, slot, self.yellow))
                if do_snapshot and self.lock.claim(f"snapshot:{wh.code}:{bucket}", self.snapshot_seconds * 2):
                    snap = build_snapshot(session, wh, now=clock.now(), yellow=self.yellow, limit=self.limit)
                    events.append(DomainEvent("countdown_snapshot", snap, warehouse=wh.code))
        finally:
            if own:
                session.close()
        self._last_snapshot_bucket = bucket
        if events:
            self.publisher.publish(events)
        return events


def threshold_crossed(
    warehouse: str, found: list[dict[str, Any]], slot: datetime, yellow: timedelta
) -> DomainEvent:
    return DomainEvent(
        "threshold_crossed",
        {
            "warehouse": warehouse,
            "server_time": clock.now().isoformat(),
            "checked_until": slot.isoformat(),
            "yellow_threshold_minutes": int(yellow.total_seconds() // 60),
            "crossings": found,
        },
        warehouse=warehouse,
    )
