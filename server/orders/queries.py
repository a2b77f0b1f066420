"""Read side of the order hub: one order with everything a screen shows, and filtered keyset listing."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from server.catalog.models import Shop, Warehouse
from server.errors import InvalidInput, NotFound
from server.orders.models import Order, StatusTransition
from server.orders.numbers import main_number_of_gift


def get_order(session: Session, order_number: str) -> Order:
    order = session.scalars(
        select(Order)
        .where(Order.order_number == order_number)
        .options(selectinload(Order.lines), selectinload(Order.addresses), selectinload(Order.holds))
    ).first()
    if order is None:
        raise NotFound("order", order_number=order_number)
    return order


def preload(order: Order) -> Order:
    """Load everything the order card shows, so it can be serialised after the session closes."""
    _ = (order.shop, order.warehouse, order.lines, order.addresses, order.holds, order.trail)
    if order.gift is not None:
        _ = order.gift.lines
    return order


def find_order_by_code(session: Session, code: str) -> Order | None:
    """An order by its number, its gift number (…GIFT) or its tracking number, in one indexed query."""
    code = code.strip().upper()
    conditions = [Order.order_number == code, Order.tracking_number == code]
    main = main_number_of_gift(code)
    if main:
        conditions.append(Order.order_number == main)
    return session.scalars(select(Order).where(or_(*conditions)).limit(1)).first()


def trail(session: Session, order_id: int) -> list[StatusTransition]:
    return list(
        session.scalars(
            select(StatusTransition)
            .where(StatusTransition.order_id == order_id)
            .order_by(StatusTransition.at, StatusTransition.id)
        )
    )


@dataclass(frozen=True)
class OrderFilter:
    status: tuple[str, ...] = ()
    warehouse: str | None = None
    warehouse_ids: tuple[int, ...] | None = None  # the caller's scope; None = every warehouse
    channel: str | None = None
    shop: str | None = None
    ship_by_before: datetime | None = None
    ship_by_after: datetime | None = None
    has_gift: bool | None = None


@dataclass(frozen=True)
class Page:
    items: list[Order]
    next_cursor: str | None


def list_orders(session: Session, flt: OrderFilter, *, limit: int = 50, cursor: str | None = None) -> Page:
    """Newest first, keyset-paginated on id so pages stay stable while orders keep arriving."""
    query = _filtered(select(Order), flt).order_by(Order.id.desc())
    if cursor:
        query = query.where(Order.id < _decode_cursor(cursor))
    rows = list(
        session.scalars(query.limit(limit + 1).options(selectinload(Order.holds), selectinload(Order.gift)))
    )
    more = len(rows) > limit
    items = rows[:limit]
    return Page(items, _encode_cursor(items[-1].id) if more and items else None)


def _filtered(query: Select[tuple[Order]], flt: OrderFilter) -> Select[tuple[Order]]:
    if flt.status:
        query = query.where(Order.status.in_(flt.status))
    if flt.warehouse_ids is not None:
        query = query.where(Order.warehouse_id.in_(flt.warehouse_ids))
    if flt.warehouse:
        query = query.where(
            Order.warehouse_id
            == select(Warehouse.id).where(Warehouse.code == flt.warehouse).scalar_subquery()
        )
    if flt.channel:
        query = query.where(Order.source == flt.channel)
    if flt.shop:
        query = query.where(Order.shop_id == select(Shop.id).where(Shop.code == flt.shop).scalar_subquery())
    if flt.ship_by_before:
        query = query.where(Order.ship_by < flt.ship_by_before)
    if flt.ship_by_after:
        query = query.where(Order.ship_by >= flt.ship_by_after)
    if flt.has_gift is True:
        query = query.where(Order.gift.has())
    elif flt.has_gift is False:
        query = query.where(~Order.gift.has())
    return query


def _encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"id": last_id}).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded))["id"]
        if not isinstance(value, int):
            raise ValueError
        return value
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("INVALID_INPUT", field="cursor", reason="not a cursor this API issued") from None
