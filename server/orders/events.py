"""Domain events of the order hub and the payload clients receive for them."""

from __future__ import annotations

from typing import Any

from server.events import DomainEvent
from server.orders.models import Order


def order_snapshot(order: Order) -> dict[str, Any]:
    """The fields a screen needs to redraw an order: status, holds, gift status, deadline."""
    return {
        "order_number": order.order_number,
        "status": order.status,
        "warehouse": order.warehouse.code,
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
