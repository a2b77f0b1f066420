"""Domain events of the order hub and the payload clients receive for them."""

from __future__ import annotations

from typing import Any

from server.events import DomainEvent
from server.orders.models import Order


def order_snapshot(order: Order, warehouse_code: str | None = None) -> dict[str, Any]:
    """The fields a screen needs to redraw an order: status, holds, gift status, deadline. A caller that
    knows the warehouse code passes it, which spares loading the warehouse row."""
    return {
        "order_number": order.order_number,
        "status": order.status,
        "warehouse": warehouse_code or order.warehouse.code,
        "holds": sorted({h.kind for h in order.open_holds}),
        "gift_status": order.gift.status if order.gift else None,
        "ship_by": order.ship_by.isoformat() if order.ship_by else None,
        "tracking_number": order.tracking_number,
        "version": order.version,
    }


def order_updated(order: Order, change: str, **extra: Any) -> DomainEvent:
    return DomainEvent(
        name="order_updated",
        payload={"change": change, "order": order_snapshot(order), **extra},
        warehouse=order.warehouse.code,
    )


def order_created(order: Order, warehouse_code: str) -> DomainEvent:
    """`order_updated` (change "created") for a just-ingested order."""
    return DomainEvent(
        name="order_updated",
        payload={"change": "created", "order": order_snapshot(order, warehouse_code)},
        warehouse=warehouse_code,
    )
