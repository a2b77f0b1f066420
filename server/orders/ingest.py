"""Idempotent ingest: one order per (source, external id); a repeat of the same snapshot changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.catalog.models import Channel, Shop, Warehouse
from server.errors import InvalidInput
from server.events import DomainEvent
from server.orders import messages
from server.orders.addresses import AddressInput, add_first_address, change_address
from server.orders.events import order_updated
from server.orders.gifts import bind_gift, matching_rules
from server.orders.holds import place_hold, release_holds_of_kind
from server.orders.models import Order, OrderLine, StatusTransition
from server.orders.numbers import next_order_number
from server.orders.states import EdgeKind, HoldKind, OrderStatus, edge
from server.orders.transitions import apply_transition, record_gift_transition

# What a source system may assert (reference §1.1); Packline's own warehouse states are never overwritten.
ASSERTABLE = frozenset(
    {
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.PAID,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.REFUNDED,
        OrderStatus.CANCELLED,
    }
)
# Holds a platform asserts and can therefore also lift by no longer asserting them.
PLATFORM_HOLDS = frozenset(
    {
        HoldKind.REFUND_PENDING,
        HoldKind.RISK_REVIEW,
        HoldKind.PLATFORM_PAUSED,
        HoldKind.FORBID_CONSIGN,
        HoldKind.GROUP_PENDING,
        HoldKind.PLATFORM_ANOMALY,
    }
)


@dataclass(frozen=True)
class IngestLine:
    sku: str
    name: str
    qty: int


@dataclass(frozen=True)
class IngestOrder:
    source: str
    external_id: str
    shop_code: str
    warehouse_code: str
    customer_name: str
    status: str
    address: AddressInput
    lines: tuple[IngestLine, ...]
    customer_phone: str | None = None
    order_number: str | None = None
    paid_at: datetime | None = None
    paid_amount: Decimal = Decimal("0")
    promotions: tuple[str, ...] = ()
    source_modified_at: datetime | None = None
    ship_by: datetime | None = None
    platform_holds: tuple[str, ...] = ()
    line_refunds: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IngestResult:
    order: Order
    created: bool
    changed: bool
    events: list[DomainEvent]


def ingest_order(
    session: Session,
    cmd: IngestOrder,
    *,
    actor: str,
    source_system: str,
    now: datetime,
    tz: ZoneInfo,
    default_ship_hours: int = 24,
) -> IngestResult:
    if cmd.status not in ASSERTABLE:
        raise InvalidInput("INVALID_INPUT", field="status", allowed=sorted(ASSERTABLE))
    if not cmd.lines:
        raise InvalidInput("INVALID_INPUT", field="lines", reason="an order needs at least one line")
    existing = _find(session, cmd.source, cmd.external_id)
    if existing is None:
        nested = session.begin_nested()
        try:
            result = _create(session, cmd, actor, source_system, now, tz, default_ship_hours)
            nested.commit()
            return result
        except IntegrityError:
            # Another worker created it between our look-up and insert: fall through to the update path.
            nested.rollback()
            existing = _find(session, cmd.source, cmd.external_id)
            if existing is None:
                raise
    return _update(session, existing, cmd, actor, source_system, now)


def _find(session: Session, source: str, external_id: str) -> Order | None:
    return session.scalars(
        select(Order).where(Order.source == source, Order.external_id == external_id)
    ).first()


def _create(
    session: Session,
    cmd: IngestOrder,
    actor: str,
    source_system: str,
    now: datetime,
    tz: ZoneInfo,
    default_ship_hours: int,
) -> IngestResult:
    channel = session.get(Channel, cmd.source)
    if channel is None:
        raise InvalidInput(messages.UNKNOWN_CHANNEL, channel=cmd.source)
    shop = session.scalars(select(Shop).where(Shop.code == cmd.shop_code)).first()
    if shop is None:
        raise InvalidInput(messages.UNKNOWN_SHOP, shop=cmd.shop_code)
    warehouse = session.scalars(select(Warehouse).where(Warehouse.code == cmd.warehouse_code)).first()
    if warehouse is None:
        raise InvalidInput(messages.UNKNOWN_WAREHOUSE, warehouse=cmd.warehouse_code)
    hours = shop.promised_ship_hours or channel.promised_ship_hours or default_ship_hours
    order = Order(
        order_number=cmd.order_number or next_order_number(session, now, tz),
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
        version=1,
    )
    for no, line in enumerate(cmd.lines, start=1):
        order.lines.append(
            OrderLine(
                line_no=no,
                sku=line.sku,
                name=line.name,
                qty=line.qty,
                refund_state=cmd.line_refunds.get(line.sku, "none"),
            )
        )
    add_first_address(order, cmd.address, source_system, now)
    session.add(order)
    session.flush()
    session.add(
        StatusTransition(
            order_id=order.id,
            from_status=None,
            to_status=cmd.status,
            actor=actor,
            source_system=source_system,
            reason="ingested",
            at=now,
        )
    )
    rules = matching_rules(session, list(cmd.promotions), cmd.paid_amount, cmd.source, cmd.paid_at or now)
    gift = bind_gift(session, order, rules, now)
    if gift is not None:
        record_gift_transition(
            session,
            order,
            None,
            gift.status,
            actor=actor,
            source_system=source_system,
            reason="promotion",
            now=now,
        )
    for kind in cmd.platform_holds:
        place_hold(
            session,
            order,
            kind,
            reason="asserted by source",
            actor=actor,
            source_system=source_system,
            now=now,
        )
    session.flush()
    session.refresh(order)
    return IngestResult(order, True, True, [order_updated(order, "created")])


def _update(
    session: Session, order: Order, cmd: IngestOrder, actor: str, source_system: str, now: datetime
) -> IngestResult:
    if (
        cmd.source_modified_at is not None
        and order.source_modified_at is not None
        and cmd.source_modified_at < order.source_modified_at
    ):
        return IngestResult(order, False, False, [])  # an older snapshot never overwrites a newer one
    events: list[DomainEvent] = []
    address = change_address(session, order, cmd.address, actor=actor, source_system=source_system, now=now)
    events.extend(address.events)
    for kind in sorted(set(cmd.platform_holds) - {h.kind for h in order.open_holds}):
        events.extend(
            place_hold(
                session,
                order,
                kind,
                reason="asserted by source",
                actor=actor,
                source_system=source_system,
                now=now,
            ).events
        )
    for kind in sorted({h.kind for h in order.open_holds} & PLATFORM_HOLDS - set(cmd.platform_holds)):
        events.extend(
            release_holds_of_kind(session, order, kind, actor=actor, reason="lifted by source", now=now)
        )
    for line in order.lines:
        state = cmd.line_refunds.get(line.sku)
        if state and state != line.refund_state:
            line.refund_state = state
    if order.paid_at is None and cmd.paid_at is not None:
        order.paid_at = cmd.paid_at
        order.ship_by = cmd.ship_by or cmd.paid_at + timedelta(hours=order.promised_ship_hours)
    if cmd.source_modified_at is not None:
        order.source_modified_at = cmd.source_modified_at
    session.flush()
    events.extend(_assert_status(session, order, cmd.status, actor, source_system, now))
    return IngestResult(order, False, bool(events), events)


def _assert_status(
    session: Session, order: Order, asserted: str, actor: str, source_system: str, now: datetime
) -> list[DomainEvent]:
    """Apply a source-asserted status only where it moves the order on; never step back over our own states."""
    if asserted == order.status:
        return []
    kind = edge(order.status, asserted)
    if kind is None:
        return []  # e.g. platform still says "paid" while we are picking: keep ours
    if kind is EdgeKind.FORWARD and order.open_holds:
        return []
    _, events = apply_transition(
        session,
        order,
        asserted,
        actor=actor,
        source_system=source_system,
        reason="asserted by source",
        now=now,
    )
    return events


def _ship_by(cmd: IngestOrder, hours: int) -> datetime | None:
    if cmd.ship_by is not None:
        return cmd.ship_by
    return cmd.paid_at + timedelta(hours=hours) if cmd.paid_at else None


def _last4(phone: str | None) -> str | None:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else None
