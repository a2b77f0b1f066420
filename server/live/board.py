"""The lead screen's board: everything `GET /api/v1/live/<warehouse>` returns, one small query per panel."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, cast, extract, func, literal_column, select, union_all
from sqlalchemy.orm import Session

from server.accounts.models import User
from server.clock import day_bounds, local_day
from server.live.alerts import open_alerts
from server.live.countdown import WarehouseRef, build_snapshot
from server.orders.models import Order, StatusTransition
from server.orders.states import OrderStatus

BOARD_SCHEMA_VERSION = 1
OVERDUE_STATUSES = (OrderStatus.PICKING.value, OrderStatus.PRINTED.value)


def lead_board(
    session: Session,
    warehouse: WarehouseRef,
    *,
    now: datetime,
    yellow: timedelta,
    no_tracking_after: timedelta,
    snapshot_limit: int,
) -> dict[str, Any]:
    snapshot = build_snapshot(session, warehouse, now=now, yellow=yellow, limit=snapshot_limit)
    return {
        "v": BOARD_SCHEMA_VERSION,
        "warehouse": warehouse.code,
        "timezone": warehouse.timezone,
        "server_time": now.isoformat(),
        "yellow_threshold_minutes": snapshot["yellow_threshold_minutes"],
        "no_tracking_minutes": int(no_tracking_after.total_seconds() // 60),
        "counts": snapshot["counts"],
        "totals": snapshot["totals"],
        "overdue_top": overdue_top(session, warehouse, now=now),
        "printed_no_tracking": printed_without_tracking(
            session, warehouse, now=now, older_than=no_tracking_after
        ),
        "alerts": open_alerts(session, warehouse.id),
        "packed_per_hour": packed_per_hour(session, warehouse, now=now),
        "countdown": snapshot,
    }


def overdue_top(
    session: Session, warehouse: WarehouseRef, *, now: datetime, limit: int = 10
) -> list[dict[str, Any]]:
    """Picking or printed orders past their deadline, most overdue first.

    One index range per status on (warehouse_id, status, ship_by), merged: a single ORDER BY ship_by
    LIMIT over both statuses lets PostgreSQL walk the ship_by index from the oldest shipped orders."""
    columns = (Order.order_number, Order.status, Order.ship_by, Order.source, Order.tracking_number, Order.id)
    per_status = [
        select(*columns)
        .where(Order.warehouse_id == warehouse.id, Order.status == status, Order.ship_by < now)
        .order_by(Order.ship_by, Order.id)
        .limit(limit)
        .subquery()
        for status in OVERDUE_STATUSES
    ]
    merged = union_all(*(select(part) for part in per_status)).subquery()
    rows = session.execute(select(merged).order_by(merged.c.ship_by, merged.c.id).limit(limit)).all()
    return [
        {
            "order_number": r.order_number,
            "status": r.status,
            "ship_by": r.ship_by.isoformat(),
            "overdue_seconds": int((now - r.ship_by).total_seconds()),
            "channel": r.source,
            "tracking_number": r.tracking_number,
        }
        for r in rows
    ]


def printed_without_tracking(
    session: Session, warehouse: WarehouseRef, *, now: datetime, older_than: timedelta, limit: int = 50
) -> list[dict[str, Any]]:
    """Printed longer than `older_than` ago and still no tracking number: the label will not be picked up."""
    rows = session.execute(
        select(Order.order_number, Order.printed_at, Order.ship_by, Order.source)
        .where(
            Order.warehouse_id == warehouse.id,
            Order.status == OrderStatus.PRINTED.value,
            Order.tracking_number.is_(None),
            Order.printed_at <= now - older_than,
        )
        .order_by(Order.printed_at, Order.id)
        .limit(limit)
    ).all()
    return [
        {
            "order_number": r.order_number,
            "printed_at": r.printed_at.isoformat(),
            "minutes_since_printed": int((now - r.printed_at).total_seconds() // 60),
            "ship_by": r.ship_by.isoformat() if r.ship_by else None,
            "channel": r.source,
        }
        for r in rows
    ]


def packed_per_hour(session: Session, warehouse: WarehouseRef, *, now: datetime) -> dict[str, Any]:
    """Orders moved to packed today (warehouse-local day), per actor and local hour, from the status trail.

    Counted in the database per (actor, hour since the local midnight), so a busy day returns ~200 rows,
    not one per pack. Hours are counted from midnight in UTC seconds, right on DST days too."""
    tz = ZoneInfo(warehouse.timezone)
    day = local_day(now, tz)
    start, end = day_bounds(day, tz)
    # An inlined integer, not a bound parameter: the same expression must appear in SELECT and GROUP BY.
    since_midnight = extract("epoch", StatusTransition.at) - literal_column(str(int(start.timestamp())))
    bucket = cast(func.floor(since_midnight / 3600), Integer)
    rows = session.execute(
        select(StatusTransition.actor, bucket, func.count())
        .join(Order, Order.id == StatusTransition.order_id)
        .where(
            Order.warehouse_id == warehouse.id,
            StatusTransition.subject == "order",
            StatusTransition.to_status == OrderStatus.PACKED.value,
            StatusTransition.at >= start,
            StatusTransition.at < end,
        )
        .group_by(StatusTransition.actor, bucket)
    ).all()
    per_actor: dict[str, list[int]] = {}
    total = 0
    for actor, hours_in, count in rows:
        hour = (start + timedelta(hours=int(hours_in))).astimezone(tz).hour
        per_actor.setdefault(actor, [0] * 24)[hour] += count
        total += count
    names = _display_names(session, per_actor)
    packers: list[dict[str, Any]] = [
        {
            "actor": actor,
            "name": names.get(actor, actor.split(":", 1)[-1]),
            "total": sum(hours),
            "by_hour": hours,
        }
        for actor, hours in per_actor.items()
    ]
    packers.sort(key=lambda p: (-p["total"], p["actor"]))
    return {
        "day": day.isoformat(),
        "timezone": warehouse.timezone,
        "current_hour": now.astimezone(tz).hour,
        "total": total,
        "packers": packers,
    }


def _display_names(session: Session, actors: dict[str, Any]) -> dict[str, str]:
    usernames = {a.split(":", 1)[1]: a for a in actors if a.startswith("user:")}
    if not usernames:
        return {}
    rows = session.execute(select(User.username, User.display_name).where(User.username.in_(list(usernames))))
    return {usernames[r.username]: r.display_name for r in rows}
