"""Checks every pack call makes against the current order: state, holds, warehouse."""

from __future__ import annotations

from server.orders.messages import HOLD_LABELS, STATUS_LABELS, localized, localized_list
from server.scanning import messages as m
from server.scanning.card import OrderCard
from server.scanning.desk import Outcome
from server.scanning.rules import status_rejection


def gate(card: OrderCard, matched: str | None = None) -> Outcome | None:
    """A rejection when the order must not be packed now (re-checked on every scan), else None."""
    order = card.order
    code = status_rejection(order.status)
    if code is not None:
        return Outcome.rejected(
            code,
            matched=matched,
            details={
                "order_number": order.order_number,
                "status": order.status,
                "status_label": localized(STATUS_LABELS, order.status),
            },
        )
    kinds = card.hold_kinds
    if kinds:
        return Outcome.rejected(
            m.ORDER_ON_HOLD,
            matched=matched,
            details={
                "order_number": order.order_number,
                "holds": kinds,
                "hold_labels": localized_list(HOLD_LABELS, kinds),
            },
        )
    return None
