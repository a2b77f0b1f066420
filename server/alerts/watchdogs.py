"""Periodic checks that raise alerts for stuck orders and resolve them once the order moves on.

- no_tracking: printed (or packed) for `minutes` and still no tracking number; resolved when one arrives.
- overdue: picking or printed past `ship_by`; resolved when the order leaves those states (or the
  deadline moves out). One alert per order, deduplicated by key while open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from server.alerts.messages import local_time
from server.alerts.models import Alert
from server.alerts.services import raise_alert, resolve_alert
from server.alerts.stations import station_holding
from server.catalog.models import Warehouse
from server.events import DomainEvent
from server.orders.models import Order
from server.orders.states import OrderStatus

NO_TRACKING_STATES = (OrderStatus.PRINTED.value, OrderStatus.PACKED.value)
OVERDUE_STATES = (OrderStatus.PICKING.value, OrderStatus.PRINTED.value)
ACTOR = "system:watchdog"


@dataclass
class WatchdogResult:
    raised: int = 0
    resolved: int = 0
    events: list[DomainEvent] = field(default_factory=list)
    warehouses: set[str] = field(default_factory=set)  # where new alerts were raised (robot digests)

    def merge(self, other: WatchdogResult) -> WatchdogResult:
        self.raised += other.raised
        self.resolved += other.resolved
        self.events.extend(other.events)
        self.warehouses |= other.warehouses
        return self


def no_tracking_key(order_id: int) -> str:
    return f"no_tracking:{order_id}"


def overdue_key(order_id: int) -> str:
    return f"overdue:{order_id}"


def check_no_tracking(session: Session, *, now: datetime, minutes: int, limit: int = 500) -> WatchdogResult:
    result = WatchdogResult()
    without_tracking = or_(Order.tracking_number.is_(None), Order.tracking_number == "")
    settled = select(Alert.id).join(Order, Order.id == Alert.order_id, isouter=True).where(
        Alert.kind == "no_tracking",
        Alert.resolved_at.is_(None),
        or_(Order.id.is_(None), ~without_tracking, Order.status.not_in(NO_TRACKING_STATES)),
    )
    _resolve(session, list(session.scalars(settled.limit(limit))), now, "tracking number arrived", result)
    stuck = (
        select(Order.id, Order.printed_at, Warehouse.code)
        .join(Warehouse, Warehouse.id == Order.warehouse_id)
        .where(
            Order.status.in_(NO_TRACKING_STATES),
            without_tracking,
            Order.printed_at <= now - timedelta(minutes=minutes),
            ~_open_alert_on_order("no_tracking"),
        )
        .order_by(Order.printed_at)
        .limit(limit)
    )
    for order_id, printed_at, warehouse in session.execute(stuck).all():
        if printed_at is None:  # excluded by the query; keeps the type checker honest
            continue
        waited = int((now - printed_at).total_seconds() // 60)
        raised = raise_alert(
            session,
            kind="no_tracking",
            severity="warning",
            warehouse_code=warehouse,
            order_id=order_id,
            dedupe_key=no_tracking_key(order_id),
            params={"minutes": waited, "printed_at": printed_at},
            now=now,
        )
        _count(raised.created, raised.events, warehouse, result)
    return result


def check_overdue(session: Session, *, now: datetime, limit: int = 500) -> WatchdogResult:
    result = WatchdogResult()
    settled = select(Alert.id).join(Order, Order.id == Alert.order_id, isouter=True).where(
        Alert.kind == "overdue",
        Alert.resolved_at.is_(None),
        or_(Order.id.is_(None), Order.status.not_in(OVERDUE_STATES), Order.ship_by.is_(None), Order.ship_by >= now),
    )
    _resolve(session, list(session.scalars(settled.limit(limit))), now, "order moved on", result)
    late = (
        select(Order.id, Order.status, Order.ship_by, Warehouse.code, Warehouse.timezone)
        .join(Warehouse, Warehouse.id == Order.warehouse_id)
        .where(Order.status.in_(OVERDUE_STATES), Order.ship_by < now, ~_open_alert_on_order("overdue"))
        .order_by(Order.ship_by)
        .limit(limit)
    )
    for order_id, status, ship_by, warehouse, tz in session.execute(late).all():
        if ship_by is None:
            continue
        raised = raise_alert(
            session,
            kind="overdue",
            severity="critical",
            warehouse_code=warehouse,
            order_id=order_id,
            dedupe_key=overdue_key(order_id),
            params={"status": status, "ship_by": local_time(ship_by, tz), "ship_by_utc": ship_by},
            now=now,
            station=station_holding(session, order_id),
        )
        _count(raised.created, raised.events, warehouse, result)
    return result


def _open_alert_on_order(kind: str):  # type: ignore[no-untyped-def]
    return exists().where(Alert.order_id == Order.id, Alert.kind == kind, Alert.resolved_at.is_(None))


def _resolve(session: Session, alert_ids: list[int], now: datetime, reason: str, result: WatchdogResult) -> None:
    for alert_id in alert_ids:
        done = resolve_alert(session, alert_id, actor=ACTOR, now=now, reason=reason)
        if done.changed:
            result.resolved += 1
            result.events.extend(done.events)


def _count(created: bool, events: list[DomainEvent], warehouse: str, result: WatchdogResult) -> None:
    if created:
        result.raised += 1
        result.events.extend(events)
        result.warehouses.add(warehouse)

