"""Helpers for the worker tests: seed and script the simulators, read back what the sync committed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import requests
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import clock
from server.alerts.models import Alert
from server.integrations.models import SyncCursor
from server.orders.models import AddressVersion, Hold, Order, StatusTransition
from simulators.base import SimulatorHandle

CHANNEL = {"taobao": "tmall", "pdd": "pdd"}  # the shops the tests sync: tmall-01 and pdd-01


def seed_orders(
    handle: SimulatorHandle, count: int, seed: int, *, oldest_min: float = 100, newest_s: int = 40
) -> set[str]:
    """Orders modified between `oldest_min` minutes and `newest_s` seconds ago; their platform ids."""
    now = clock.now()
    with handle.app.lock:
        ids = handle.app.generate(
            count, seed, now - timedelta(minutes=oldest_min), now - timedelta(seconds=newest_s)
        )
    return set(ids)


def touch(handle: SimulatorHandle, ids: set[str], seconds_ago: float) -> None:
    """Mark orders modified `seconds_ago` (generated unpaid orders carry their creation time, up to 15 min
    before the generation range)."""
    with sim_time_shifted(handle, -seconds_ago), handle.app.lock:
        for order_id in ids:
            handle.app.touch(handle.app.orders[order_id], handle.app.clock.now())


def fault(handle: SimulatorHandle, **spec: Any) -> None:
    reply = requests.post(f"{handle.url}/__sim/faults", json=spec, timeout=5)
    assert reply.status_code == 200, reply.text


def calls(handle: SimulatorHandle, op: str) -> int:
    return len(handle.app.journal.entries(op))


@contextmanager
def sim_time_shifted(handle: SimulatorHandle, seconds: float) -> Iterator[None]:
    """Changes made inside carry a `modified` time `seconds` in the past (windows end `lag` before now)."""
    handle.app.clock.set_offset(seconds)
    try:
        yield
    finally:
        handle.app.clock.reset()


def external_ids(engine: Engine, source: str) -> list[str]:
    with Session(engine) as s:
        return list(s.scalars(select(Order.external_id).where(Order.source == source)))


def snapshot(engine: Engine) -> dict[str, Any]:
    """Everything a repeated sync must leave alone."""
    with Session(engine) as s:
        return {
            "orders": sorted(s.execute(select(Order.external_id, Order.status, Order.version)).all()),
            "transitions": s.scalar(select(func.count(StatusTransition.id))),
            "addresses": s.scalar(select(func.count(AddressVersion.id))),
            "holds": sorted(s.execute(select(Hold.order_id, Hold.kind, Hold.released_at)).all()),
        }


def cursor(engine: Engine, platform: str, shop: str) -> SyncCursor | None:
    with Session(engine) as s:
        return s.scalars(
            select(SyncCursor).where(SyncCursor.platform == platform, SyncCursor.shop_code == shop)
        ).first()


def alerts(engine: Engine, kind: str) -> list[Alert]:
    with Session(engine) as s:
        return list(s.scalars(select(Alert).where(Alert.kind == kind).order_by(Alert.id)))


def order_by_external(engine: Engine, external_id: str) -> Order:
    with Session(engine) as s:
        order = s.scalars(select(Order).where(Order.external_id == external_id)).one()
        _ = (order.holds, order.lines, order.addresses)
        return order


def open_holds(engine: Engine, external_id: str) -> set[str]:
    return {h.kind for h in order_by_external(engine, external_id).holds if h.released_at is None}
