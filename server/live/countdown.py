"""Ship-deadline countdowns: urgency bands, the per-warehouse snapshot of open work, threshold crossings.

Clients get absolute `ship_by` times plus the server clock and tick the seconds themselves, so a snapshot
only has to be right at `server_time`, not every second."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from server.catalog.models import Warehouse
from server.errors import NotFound
from server.orders.models import Order
from server.orders.states import OPEN_WORK, OrderStatus

# Flow order, so every payload lists statuses the same way.
OPEN_STATUSES: tuple[str, ...] = tuple(
    s.value
    for s in (OrderStatus.PAID, OrderStatus.PICKING, OrderStatus.PRINTED, OrderStatus.PACKED)
    if s in OPEN_WORK
)
RED, YELLOW, GREEN, NONE = "red", "yellow", "green", "none"
BANDS = (RED, YELLOW, GREEN, NONE)
_SEVERITY = {NONE: 0, GREEN: 1, YELLOW: 2, RED: 3}


@dataclass(frozen=True)
class WarehouseRef:
    id: int
    code: str
    timezone: str


def warehouse_ref(session: Session, code: str) -> WarehouseRef:
    row = session.execute(
        select(Warehouse.id, Warehouse.code, Warehouse.timezone).where(Warehouse.code == code)
    ).first()
    if row is None:
        raise NotFound("warehouse", warehouse=code)
    return WarehouseRef(row.id, row.code, row.timezone)


def all_warehouses(session: Session) -> list[WarehouseRef]:
    rows = session.execute(select(Warehouse.id, Warehouse.code, Warehouse.timezone).order_by(Warehouse.code))
    return [WarehouseRef(r.id, r.code, r.timezone) for r in rows]


def band_of(ship_by: datetime | None, now: datetime, yellow: timedelta) -> str:
    """red = overdue (ship_by reached), yellow = `yellow` or less left, green = more; none = no deadline."""
    if ship_by is None:
        return NONE
    if ship_by <= now:
        return RED
    if ship_by - now <= yellow:
        return YELLOW
    return GREEN


def empty_counts() -> dict[str, int]:
    return {RED: 0, YELLOW: 0, GREEN: 0, NONE: 0, "total": 0}


def build_snapshot(
    session: Session, warehouse: WarehouseRef, *, now: datetime, yellow: timedelta, limit: int
) -> dict[str, Any]:
    """Counts by status and band over every open order, plus the `limit` most urgent orders.

    One query over three columns, ordered by deadline: the (warehouse_id, status, ship_by) index narrows
    it to the warehouse's open orders; the bands are counted here so the database returns plain rows."""
    rows = session.execute(
        select(Order.order_number, Order.status, Order.ship_by)
        .where(Order.warehouse_id == warehouse.id, Order.status.in_(OPEN_STATUSES))
        .order_by(Order.ship_by.asc().nulls_last(), Order.id)
    ).all()
    counts = {status: empty_counts() for status in OPEN_STATUSES}
    totals = empty_counts()
    yellow_from = now + yellow
    orders: list[dict[str, Any]] = []
    for number, status, ship_by in rows:
        if ship_by is None:
            band = NONE
        elif ship_by <= now:
            band = RED
        elif ship_by <= yellow_from:
            band = YELLOW
        else:
            band = GREEN
        bucket = counts[status]
        bucket[band] += 1
        bucket["total"] += 1
        totals[band] += 1
        if len(orders) < limit:
            orders.append(
                {
                    "order_number": number,
                    "status": status,
                    "ship_by": ship_by.isoformat() if ship_by else None,
                    "band": band,
                }
            )
    totals["total"] = len(rows)
    return {
        "warehouse": warehouse.code,
        "server_time": now.isoformat(),
        "yellow_threshold_minutes": int(yellow.total_seconds() // 60),
        "statuses": list(OPEN_STATUSES),
        "counts": counts,
        "totals": totals,
        "orders": orders,
        "truncated": len(rows) > len(orders),
    }


def crossings(
    session: Session, warehouse: WarehouseRef, *, since: datetime, until: datetime, yellow: timedelta
) -> list[dict[str, Any]]:
    """Open orders whose band got worse between `since` (exclusive) and `until` (inclusive).

    Only two narrow deadline ranges can change band in that window — ship_by in (since, until] turns red,
    ship_by − yellow in (since, until] turns yellow — so the query stays small on a busy day. Being a pure
    function of the two instants, every process computes the same crossings for the same tick."""
    if until <= since:
        return []
    rows = session.execute(
        select(Order.order_number, Order.status, Order.ship_by)
        .where(
            Order.warehouse_id == warehouse.id,
            Order.status.in_(OPEN_STATUSES),
            or_(
                and_(Order.ship_by > since, Order.ship_by <= until),
                and_(Order.ship_by > since + yellow, Order.ship_by <= until + yellow),
            ),
        )
        .order_by(Order.ship_by, Order.id)
    ).all()
    result = []
    for number, status, ship_by in rows:
        before, after = band_of(ship_by, since, yellow), band_of(ship_by, until, yellow)
        if _SEVERITY[after] <= _SEVERITY[before]:
            continue
        result.append(
            {
                "order_number": number,
                "status": status,
                "ship_by": ship_by.isoformat(),
                "from": before,
                "to": after,
                "at": (ship_by if after == RED else ship_by - yellow).isoformat(),
            }
        )
    return result
