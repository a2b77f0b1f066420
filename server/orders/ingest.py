"""Idempotent ingest: one order per (source, external id); a repeat of the same snapshot changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.errors import InvalidInput
from server.events import DomainEvent
from server.orders.addresses import AddressInput, change_address
from server.orders.holds import place_hold, release_holds_of_kind
from server.orders.models import Order
from server.orders.new_orders import build_order, record_ingested
from server.orders.numbers import next_order_number
from server.orders.reference import IngestReferences
from server.orders.states import EdgeKind, HoldKind, OrderStatus, edge
from server.orders.transitions import apply_transition

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
    refs: IngestReferences | None = None,
) -> IngestResult:
    """Create or update one order. A caller ingesting many passes one `refs` for all of them (see
    `server.orders.ingest_batch` for whole pages)."""
    check_command(cmd)
    existing = find_ingested(session, cmd.source, cmd.external_id)
    if existing is None:
        nested = session.begin_nested()
        try:
            number = cmd.order_number or next_order_number(session, now, tz)
            new = build_order(
                session,
                cmd,
                refs or IngestReferences(),
                number,
                actor=actor,
                source_system=source_system,
                now=now,
                default_ship_hours=default_ship_hours,
            )
            session.add(new.order)
            session.flush()
            record_ingested(session, [new], actor=actor, source_system=source_system, now=now)
            session.flush()
            nested.commit()
            return IngestResult(new.order, True, True, [new.created_event()])
        except IntegrityError:
            # Another worker created it between our look-up and insert: fall through to the update path.
            nested.rollback()
            existing = find_ingested(session, cmd.source, cmd.external_id)
            if existing is None:
                raise
    return update_ingested(session, existing, cmd, actor, source_system, now)


def check_command(cmd: IngestOrder) -> None:
    if cmd.status not in ASSERTABLE:
        raise InvalidInput("INVALID_INPUT", field="status", allowed=sorted(ASSERTABLE))
    if not cmd.lines:
        raise InvalidInput("INVALID_INPUT", field="lines", reason="an order needs at least one line")


def find_ingested(session: Session, source: str, external_id: str) -> Order | None:
    return session.scalars(
        select(Order).where(Order.source == source, Order.external_id == external_id)
    ).first()


def update_ingested(
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
