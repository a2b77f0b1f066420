"""On-time fulfilment computed from the orders themselves, as cells (day × warehouse × channel × shop ×
hour of payment). The rollup job stores these cells; the dashboard computes them live for days it lacks."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from server.catalog.models import Shop, Warehouse
from server.clock import day_bounds, ensure_aware, local_day
from server.metrics.rules import EXIT_STATUSES, PromiseState, classify, tracked_at
from server.orders.models import Order, StatusTransition

UNKNOWN_HOUR = -1


@dataclass
class Cell:
    day: date
    warehouse: str
    channel: str
    shop: str
    paid_hour: int
    due: int = 0
    on_time: int = 0
    late: int = 0
    pending: int = 0
    unshipped: int = 0

    COUNTS = ("due", "on_time", "late", "pending", "unshipped")

    @property
    def key(self) -> tuple[date, str, str, str, int]:
        return (self.day, self.warehouse, self.channel, self.shop, self.paid_hour)

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def warehouse_tz(warehouse: Warehouse, default: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(warehouse.timezone) if warehouse.timezone else default
    except (ValueError, KeyError):
        return default


def fulfilment_cells(
    session: Session, warehouse: Warehouse, first: date, last: date, *, now: datetime, tz: ZoneInfo
) -> list[Cell]:
    """Cells of the orders of `warehouse` whose ship_by falls on a local day in [first, last].

    One range scan on ship_by; the exit time (refund/cancel) is looked up only for exited orders."""
    start, _ = day_bounds(first, tz)
    _, end = day_bounds(last, tz)
    exited_at = (
        select(func.min(StatusTransition.at))
        .where(
            StatusTransition.order_id == Order.id,
            StatusTransition.subject == "order",
            StatusTransition.to_status.in_(EXIT_STATUSES),
        )
        .scalar_subquery()
    )
    rows: Any = session.execute(
        select(
            Order.ship_by,
            Order.paid_at,
            Order.status,
            Order.source,
            Order.shop_id,
            Order.tracking_number,
            Order.tracking_assigned_at,
            Order.printed_at,
            Order.shipped_at,
            case((Order.status.in_(EXIT_STATUSES), exited_at), else_=None),
        ).where(
            Order.warehouse_id == warehouse.id,
            Order.ship_by >= start,
            Order.ship_by < end,
            Order.status != "pending_payment",
        )
    )
    shops = {shop_id: code for shop_id, code in session.execute(select(Shop.id, Shop.code))}
    cells: dict[tuple[date, str, str, str, int], Cell] = {}
    for ship_by, paid_at, status, channel, shop_id, tracking, assigned, printed, shipped, exited in rows:
        promise = classify(
            status=status,
            ship_by=ensure_aware(ship_by),
            tracked=_aware(tracked_at(tracking, assigned, printed, shipped)),
            exited_at=_aware(exited),
            now=now,
        )
        if promise.state is PromiseState.NOT_DUE:
            continue
        hour = ensure_aware(paid_at).astimezone(tz).hour if paid_at is not None else UNKNOWN_HOUR
        key = (local_day(ship_by, tz), warehouse.code, channel, shops.get(shop_id, "?"), hour)
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = Cell(*key)
        cell.due += 1
        if promise.state is PromiseState.ON_TIME:
            cell.on_time += 1
        elif promise.state is PromiseState.PENDING:
            cell.pending += 1
        else:
            cell.late += 1
            if promise.tracked_at is None:
                cell.unshipped += 1
    return sorted(cells.values(), key=lambda c: c.key)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else ensure_aware(value)
