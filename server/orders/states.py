"""Order states and the one transition table every status change goes through."""

from __future__ import annotations

import itertools
from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    PICKING = "picking"
    PRINTED = "printed"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


class EdgeKind(StrEnum):
    FORWARD = "forward"  # work moves on: any open hold blocks it
    EXIT = "exit"  # the order leaves the flow (refund, cancel): holds never block it


class GiftStatus(StrEnum):
    PENDING = "pending"
    PACKED = "packed"
    TO_RESHIP = "to_reship"


class HoldKind(StrEnum):
    REFUND_REQUESTED = "refund_requested"
    ADDRESS_CHANGED = "address_changed"
    MANUAL = "manual"
    PAYMENT = "payment"
    # Platform-asserted "not shippable now" reasons (external-systems reference §1.1).
    REFUND_PENDING = "refund_pending"
    RISK_REVIEW = "risk_review"
    PLATFORM_PAUSED = "platform_paused"
    FORBID_CONSIGN = "forbid_consign"
    GROUP_PENDING = "group_pending"
    PLATFORM_ANOMALY = "platform_anomaly"


S = OrderStatus
_FLOW = [S.PENDING_PAYMENT, S.PAID, S.PICKING, S.PRINTED, S.PACKED, S.SHIPPED, S.DELIVERED]
BEFORE_SHIPPED = frozenset(_FLOW[: _FLOW.index(S.SHIPPED)])
TERMINAL = frozenset({S.DELIVERED, S.REFUNDED, S.CANCELLED})
# Orders still being worked in the warehouse (countdowns, overdue lists).
OPEN_WORK = frozenset({S.PAID, S.PICKING, S.PRINTED, S.PACKED})

TRANSITIONS: dict[tuple[OrderStatus, OrderStatus], EdgeKind] = {
    **{(a, b): EdgeKind.FORWARD for a, b in itertools.pairwise(_FLOW)},
    **{(a, S.REFUNDED): EdgeKind.EXIT for a in BEFORE_SHIPPED},
    **{(a, S.CANCELLED): EdgeKind.EXIT for a in BEFORE_SHIPPED},
}


def edge(from_status: str, to_status: str) -> EdgeKind | None:
    return TRANSITIONS.get((OrderStatus(from_status), OrderStatus(to_status)))


def is_return_after_shipping(from_status: str, to_status: str) -> bool:
    return from_status in (S.SHIPPED, S.DELIVERED) and to_status in (S.REFUNDED, S.CANCELLED)


def flow_index(status: str) -> int:
    """Position in the main flow; terminal exits sort after it."""
    return _FLOW.index(OrderStatus(status)) if status in _FLOW else len(_FLOW)
