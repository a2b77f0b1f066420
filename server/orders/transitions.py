"""Moving an order through the state machine: one conditional UPDATE, one trail row, safe on both databases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session

from server.errors import Conflict, NotFound, Rejected
from server.events import DomainEvent
from server.orders import messages
from server.orders.events import order_updated
from server.orders.messages import HOLD_LABELS, STATUS_LABELS, localized, localized_list
from server.orders.models import Hold, Order, StatusTransition
from server.orders.states import EdgeKind, OrderStatus, edge, is_return_after_shipping


@dataclass(frozen=True)
class TransitionCommand:
    order_id: int
    to_status: str
    actor: str
    source_system: str
    reason: str | None = None
    expected_status: str | None = None


def check_transition(order: Order, to_status: str) -> EdgeKind:
    """Raise the rejection a user should see, or return the kind of edge."""
    kind = edge(order.status, to_status)
    if kind is None:
        names = {
            "from": order.status,
            "to": to_status,
            "from_label": localized(STATUS_LABELS, order.status),
            "to_label": localized(STATUS_LABELS, to_status),
        }
        if is_return_after_shipping(order.status, to_status):
            raise Rejected(
                messages.ILLEGAL_TRANSITION, message_code="ILLEGAL_TRANSITION_AFTER_SHIPPED", **names
            )
        raise Rejected(messages.ILLEGAL_TRANSITION, **names)
    if kind is EdgeKind.FORWARD and order.open_holds:
        kinds = sorted({h.kind for h in order.open_holds})
        raise Rejected(messages.ORDER_ON_HOLD, holds=kinds, hold_labels=localized_list(HOLD_LABELS, kinds))
    return kind


def transition(session: Session, cmd: TransitionCommand, *, now: datetime) -> tuple[Order, list[DomainEvent]]:
    order = session.get(Order, cmd.order_id, populate_existing=True)
    if order is None:
        raise NotFound("order", order_id=cmd.order_id)
    if cmd.expected_status and order.status != cmd.expected_status:
        raise Conflict(messages.CONCURRENT_UPDATE, expected=cmd.expected_status, actual=order.status)
    return apply_transition(
        session,
        order,
        cmd.to_status,
        actor=cmd.actor,
        source_system=cmd.source_system,
        reason=cmd.reason,
        now=now,
    )


def apply_transition(
    session: Session,
    order: Order,
    to_status: str,
    *,
    actor: str,
    source_system: str,
    reason: str | None,
    now: datetime,
    subject_extra: dict[str, object] | None = None,
) -> tuple[Order, list[DomainEvent]]:
    kind = check_transition(order, to_status)
    from_status = order.status
    conditions = [Order.id == order.id, Order.status == from_status, Order.version == order.version]
    if kind is EdgeKind.FORWARD:
        # The hold check is part of the UPDATE itself, so a hold placed concurrently still wins.
        conditions.append(
            ~exists(select(Hold.id).where(and_(Hold.order_id == order.id, Hold.released_at.is_(None))))
        )
    values: dict[str, object] = {"status": to_status, "version": Order.version + 1, "updated_at": now}
    values.update(_timestamps_for(to_status, now))
    result = session.execute(update(Order).where(*conditions).values(**values))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.expire(order)
        session.refresh(order)
        check_transition(order, to_status)  # explains a hold or an illegal state if that is what happened
        raise Conflict(messages.CONCURRENT_UPDATE, expected=from_status, actual=order.status)
    session.add(
        StatusTransition(
            order_id=order.id,
            subject="order",
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            source_system=source_system,
            reason=reason,
            at=now,
        )
    )
    session.flush()
    session.refresh(order)
    return order, [order_updated(order, "status", from_status=from_status, **(subject_extra or {}))]


def record_gift_transition(
    session: Session,
    order: Order,
    from_status: str | None,
    to_status: str,
    *,
    actor: str,
    source_system: str,
    reason: str | None,
    now: datetime,
) -> None:
    session.add(
        StatusTransition(
            order_id=order.id,
            subject="gift",
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            source_system=source_system,
            reason=reason,
            at=now,
        )
    )


def _timestamps_for(to_status: str, now: datetime) -> dict[str, object]:
    column = {
        OrderStatus.PRINTED: "printed_at",
        OrderStatus.PACKED: "packed_at",
        OrderStatus.SHIPPED: "shipped_at",
    }.get(OrderStatus(to_status))
    return {column: now} if column else {}
