"""Building a new order from an ingest command: the order with its lines, first address, asserted holds
and gift sub-order as one object graph, so any number of them go to the database in one flush (batched
INSERTs), and the ingest trail rows, which need the order ids, in a second one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from server.config import enforcement_on
from server.errors import InvalidInput
from server.events import DomainEvent
from server.orders.addresses import add_first_address
from server.orders.events import order_created
from server.orders.holds import HOLD_KINDS
from server.orders.models import GiftLine, GiftOrder, Hold, Order, OrderLine, StatusTransition
from server.orders.numbers import gift_number
from server.orders.reference import IngestReferences, RuleRef
from server.orders.states import GiftStatus

if TYPE_CHECKING:
    from server.orders.ingest import IngestOrder


@dataclass(frozen=True)
class NewOrder:
    order: Order
    warehouse_code: str

    def created_event(self) -> DomainEvent:
        return order_created(self.order, self.warehouse_code)


def build_order(
    session: Session,
    cmd: IngestOrder,
    refs: IngestReferences,
    order_number: str,
    *,
    actor: str,
    source_system: str,
    now: datetime,
    default_ship_hours: int,
) -> NewOrder:
    """The new order's graph, not yet added to the session (reference rows come from `refs`)."""
    channel_hours = refs.channel_hours(session, cmd.source)
    shop = refs.shop(session, cmd.shop_code)
    warehouse = refs.warehouse(session, cmd.warehouse_code)
    hours = shop.promised_ship_hours or channel_hours or default_ship_hours
    hold_kinds = list(dict.fromkeys(cmd.platform_holds))
    for kind in hold_kinds:
        if kind not in HOLD_KINDS:
            raise InvalidInput("INVALID_INPUT", field="kind", allowed=sorted(HOLD_KINDS))
    if not enforcement_on():  # benchmark baseline: holds are never stored (as in place_hold)
        hold_kinds = []
    rules = refs.matching_rules(session, cmd.promotions, cmd.paid_amount, cmd.source, cmd.paid_at or now)
    order = Order(
        order_number=order_number,
        source=cmd.source,
        external_id=cmd.external_id,
        shop_id=shop.id,
        warehouse_id=warehouse.id,
        customer_name=cmd.customer_name,
        customer_phone=cmd.customer_phone,
        phone_last4=_last4(cmd.customer_phone or cmd.address.phone),
        paid_amount=cmd.paid_amount,
        promotions=",".join(cmd.promotions) or None,
        paid_at=cmd.paid_at,
        promised_ship_hours=hours,
        ship_by=_ship_by(cmd, hours),
        status=cmd.status,
        source_modified_at=cmd.source_modified_at,
        created_at=now,
        updated_at=now,
        # One version per asserted hold, as placing each on an existing order would bump it.
        version=1 + len(hold_kinds),
        label_version=0,
        lines=[
            OrderLine(
                line_no=no,
                sku=line.sku,
                name=line.name,
                qty=line.qty,
                refund_state=cmd.line_refunds.get(line.sku, "none"),
            )
            for no, line in enumerate(cmd.lines, start=1)
        ],
        holds=[
            Hold(kind=kind, reason="asserted by source", placed_by=actor, source_system=source_system, placed_at=now)
            for kind in hold_kinds
        ],
        gift=_gift(order_number, rules, now),
        addresses=[],
    )
    add_first_address(order, cmd.address, source_system, now)
    return NewOrder(order, warehouse.code)


def record_ingested(
    session: Session, created: list[NewOrder], *, actor: str, source_system: str, now: datetime
) -> None:
    """The trail rows of freshly flushed orders: "ingested" for the order, "promotion" for its gift."""
    for new in created:
        order = new.order
        session.add(_trail(order, "order", order.status, "ingested", actor, source_system, now))
        if order.gift is not None:
            session.add(_trail(order, "gift", order.gift.status, "promotion", actor, source_system, now))


def _trail(
    order: Order, subject: str, to_status: str, reason: str, actor: str, source_system: str, now: datetime
) -> StatusTransition:
    return StatusTransition(
        order_id=order.id,
        subject=subject,
        from_status=None,
        to_status=to_status,
        actor=actor,
        source_system=source_system,
        reason=reason,
        at=now,
    )


def _gift(order_number: str, rules: list[RuleRef], now: datetime) -> GiftOrder | None:
    if not rules:
        return None
    return GiftOrder(
        gift_number=gift_number(order_number),
        promotion_code=",".join(r.code for r in rules),
        status=GiftStatus.PENDING,
        status_reason=None,
        packed_at=None,
        created_at=now,
        lines=[GiftLine(sku=r.gift_sku, name=r.gift_name, qty=r.gift_qty) for r in rules],
    )


def _ship_by(cmd: IngestOrder, hours: int) -> datetime | None:
    if cmd.ship_by is not None:
        return cmd.ship_by
    return cmd.paid_at + timedelta(hours=hours) if cmd.paid_at else None


def _last4(phone: str | None) -> str | None:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else None
