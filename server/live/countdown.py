"""Ship-deadline countdowns: urgency bands, the per-warehouse snapshot of open work, threshold crossings.

Clients get absolute `ship_by` times plus the server clock and tick the seconds themselves, so a snapshot
only has to be right at `server_time`, not every second."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, null, or_, select, union_all
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


def snapshot_query(warehouse_id: int, *, now: datetime, yellow: timedelta, limit: int) -> Any:
    """The snapshot's single statement, two branches over the (warehouse_id, status, ship_by) index:

    - the `limit` most urgent orders (n is NULL): per status an index range read in deadline order and
      cut at `limit`, then merged — never a sort of every open order, and never a walk of the global
      ship_by index from the oldest shipped orders (which a plain ORDER BY … LIMIT invites);
    - one row per (status, band) with its count n, computed by the database from the index alone
      (an index-only scan where the visibility map allows)."""
    per_status = [
        select(Order.order_number, Order.status, Order.ship_by, Order.id)
        .where(Order.warehouse_id == warehouse_id, Order.status == status)
        .order_by(Order.ship_by.asc().nulls_last(), Order.id)
        .limit(limit)
        .subquery()
        for status in OPEN_STATUSES
    ]
    merged = union_all(*(select(part) for part in per_status)).subquery("merged")
    urgent = (
        select(merged)
        .order_by(merged.c.ship_by.asc().nulls_last(), merged.c.id)
        .limit(limit)
        .subquery("urgent")
    )
    band = case(
        (Order.ship_by.is_(None), literal(NONE)),
        (Order.ship_by <= now, literal(RED)),
        (Order.ship_by <= now + yellow, literal(YELLOW)),
        else_=literal(GREEN),
    )
    banded = (
        select(Order.status, band.label("band"))
        .where(Order.warehouse_id == warehouse_id, Order.status.in_(OPEN_STATUSES))
        .subquery("banded")
    )
    # The urgent rows come first so the result columns keep their types (aware ship_by on SQLite too).
    return union_all(
        select(
            urgent.c.order_number, urgent.c.status, urgent.c.ship_by, null().label("band"), null().label("n")
        ),
        select(null(), banded.c.status, null(), banded.c.band, func.count()).group_by(
            banded.c.status, banded.c.band
        ),
    )


def build_snapshot(
    session: Session, warehouse: WarehouseRef, *, now: datetime, yellow: timedelta, limit: int
) -> dict[str, Any]:
    """Counts by status and band over every open order, plus the `limit` most urgent orders.

    One statement, one round trip (see `snapshot_query`): about `limit` + 16 rows come back instead of
    one per open order, and the database reads the index, not the table, to count."""
    query = snapshot_query(warehouse.id, now=now, yellow=yellow, limit=limit)
    counts = {status: empty_counts() for status in OPEN_STATUSES}
    totals = empty_counts()
    orders: list[dict[str, Any]] = []
    rows: list[Any] = list(session.execute(query))
    for number, status, ship_by, row_band, n in rows:
        if n is None:
            orders.append(
                {
                    "order_number": number,
                    "status": status,
                    "ship_by": ship_by.isoformat() if ship_by else None,
                    "band": band_of(ship_by, now, yellow),
                }
            )
            continue
        counts[status][row_band] += n
        counts[status]["total"] += n
        totals[row_band] += n
        totals["total"] += n
    orders.sort(key=lambda item: (item["ship_by"] is None, item["ship_by"] or ""))
    return {
        "warehouse": warehouse.code,
        "server_time": now.isoformat(),
        "yellow_threshold_minutes": int(yellow.total_seconds() // 60),
        "statuses": list(OPEN_STATUSES),
        "counts": counts,
        "totals": totals,
        "orders": orders,
        "truncated": totals["total"] > len(orders),
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
        if ship_by is None:  # excluded by the ranges; keeps the type checker informed
            continue
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
