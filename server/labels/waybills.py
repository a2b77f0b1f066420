"""Waybills: one tracking number per order and label version, however often it is asked for.

The `waybill_requests` row (unique per order + version, and on its key `<order>-L<version>`) is written
before the courier is called and stays locked until the caller commits: a double click or a second
worker waits on that lock and then reads the first one's tracking number instead of buying another.
The key is the courier's package ref, so a retry after a lost reply gets the original waybill back.
The caller's transaction stays open while the courier answers; the station bounds that with a budget
(`server.labels.budget`), jobs with the connector's timeouts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.alerts.services import resolve_by_key
from server.alerts.watchdogs import no_tracking_key
from server.errors import Conflict
from server.events import DomainEvent
from server.integrations.http import IntegrationError
from server.integrations.ports import CourierPort, Waybill
from server.labels import print_messages as pm
from server.labels.models import CancelStatus, WaybillRecord, WaybillStatus
from server.labels.order_facts import current_address_version, waybill_request
from server.labels.records import current_record, current_version, insert_record, is_outdated, new_record
from server.orders.events import order_updated
from server.orders.messages import CONCURRENT_UPDATE, STATUS_LABELS, localized
from server.orders.models import Order
from server.orders.states import OrderStatus

# Where a label may be bought or replaced: after packing it is on the parcel, after shipping it is gone.
LABEL_STATES = frozenset({OrderStatus.PAID, OrderStatus.PICKING, OrderStatus.PRINTED, OrderStatus.PACKED})
SYSTEM_ACTOR = "system:labels"


@dataclass(frozen=True)
class WaybillOutcome:
    record: WaybillRecord
    state: str  # issued | pending (ask again later, same key) | failed (the courier said no)
    error: IntegrationError | None = None
    events: list[DomainEvent] = field(default_factory=list)

    @property
    def issued(self) -> bool:
        return self.state == WaybillStatus.ISSUED

    @property
    def retry_later(self) -> bool:
        return self.state == WaybillStatus.PENDING


@dataclass(frozen=True)
class VoidResult:
    voided: WaybillRecord | None  # None: nothing to void (no label yet, or already for this address)
    outcome: WaybillOutcome | None  # the request of the new version's waybill
    events: list[DomainEvent]


def check_label_state(order: Order) -> None:
    if order.status not in LABEL_STATES:
        raise Conflict(
            pm.LABEL_ORDER_NOT_PRINTABLE,
            order_number=order.order_number,
            status=order.status,
            status_label=localized(STATUS_LABELS, order.status),
        )


def ensure_waybill(
    session: Session, order: Order, courier: CourierPort, *, actor: str, now: datetime
) -> WaybillOutcome:
    """The current version's waybill: the stored one, or asked for once (pending/failed ones again).

    A label asked for an older address is voided and replaced first, so nobody prints a stale label
    because the reissue job has not run yet."""
    check_label_state(order)
    record = current_record(session, order, lock=True)
    if record is not None and is_outdated(order, record):
        result = void_label_for_address_change(session, order, courier, now, actor=actor)
        if result.outcome is not None:
            return WaybillOutcome(
                result.outcome.record, result.outcome.state, result.outcome.error, result.events
            )
        record = current_record(session, order, lock=True)  # someone else replaced it meanwhile
    if record is None:
        record = insert_record(session, new_record(order, courier.courier_code, actor, now))
    if record.status == WaybillStatus.ISSUED:
        return WaybillOutcome(record, WaybillStatus.ISSUED)
    return _ask(session, order, record, courier, actor, now)


def void_label_for_address_change(
    session: Session, order: Order, courier: CourierPort, now: datetime, *, actor: str = SYSTEM_ACTOR
) -> VoidResult:
    """Cancel the current waybill if it was asked for an older address, bump `label_version`, clear the
    tracking number and ask for the new version's waybill. Idempotent: a label that already carries the
    current address (or no label at all) is left alone, so a repeated job changes nothing."""
    if order.status not in LABEL_STATES:
        return VoidResult(None, None, [])
    record = current_record(session, order, lock=True)
    session.refresh(order)  # the lock may have waited for another voider: look at the order it left
    if (
        record is None
        or record.label_version != current_version(order)
        or record.address_version >= current_address_version(order)
    ):
        return VoidResult(None, None, [])
    _cancel(record, courier, now)
    record.status = WaybillStatus.VOIDED
    record.voided_at = record.updated_at = now
    record.void_reason = f"address changed to v{current_address_version(order)}"
    new_version = record.label_version + 1
    _update_order(
        session,
        order,
        record.label_version,
        now,
        label_version=new_version,
        tracking_number=None,
        routing_code=None,
        tracking_assigned_at=None,
    )
    events = [
        order_updated(
            order,
            "label_voided",
            voided_tracking_number=record.tracking_number,
            voided_label_version=record.label_version,
            label_version=new_version,
        )
    ]
    outcome = ensure_waybill(session, order, courier, actor=actor, now=now)
    return VoidResult(record, outcome, events + outcome.events)


def retry_failed_cancels(session: Session, order: Order, courier: CourierPort, now: datetime) -> int:
    """Voided waybills whose cancel the courier did not confirm: try again. Returns how many are still open."""
    open_cancels = session.scalars(
        select(WaybillRecord).where(
            WaybillRecord.order_id == order.id,
            WaybillRecord.status == WaybillStatus.VOIDED,
            WaybillRecord.cancel_status == CancelStatus.FAILED,
        )
    ).all()
    for record in open_cancels:
        _cancel(record, courier, now)
    session.flush()
    return sum(1 for record in open_cancels if record.cancel_status == CancelStatus.FAILED)


# --- internals ---------------------------------------------------------------------------------------------
def _ask(
    session: Session, order: Order, record: WaybillRecord, courier: CourierPort, actor: str, now: datetime
) -> WaybillOutcome:
    request = waybill_request(session, order, record.label_version)
    record.attempts += 1
    record.updated_at = now
    try:
        waybill = courier.request_waybill(record.idempotency_key, request)
    except IntegrationError as exc:
        record.status = WaybillStatus.PENDING if exc.retryable else WaybillStatus.FAILED
        record.last_error = f"{exc.code}: {exc.message}"[:500]
        session.flush()
        return WaybillOutcome(record, record.status, exc)
    return WaybillOutcome(
        record, WaybillStatus.ISSUED, None, _assign(session, order, record, waybill, actor, now)
    )


def _assign(
    session: Session, order: Order, record: WaybillRecord, waybill: Waybill, actor: str, now: datetime
) -> list[DomainEvent]:
    record.status = WaybillStatus.ISSUED
    record.tracking_number = waybill.tracking_number
    record.routing_code = waybill.routing_code
    record.consolidation = waybill.consolidation
    record.site_code = waybill.site_code
    record.issued_at = record.updated_at = now
    record.last_error = None
    _update_order(
        session,
        order,
        record.label_version,
        now,
        label_version=record.label_version,
        tracking_number=waybill.tracking_number,
        routing_code=waybill.routing_code,
        courier_code=record.courier_code,
        tracking_assigned_at=now,
    )
    resolved = resolve_by_key(
        session, no_tracking_key(order.id), now=now, actor=actor, reason="tracking number assigned"
    )
    event = order_updated(
        order,
        "tracking_assigned",
        tracking_number=waybill.tracking_number,
        label_version=record.label_version,
    )
    return [event, *resolved.events]


def _update_order(
    session: Session, order: Order, expected_version: int, now: datetime, **values: object
) -> None:
    """Conditional on the label version, so a waybill never lands on an order whose label moved on."""
    done = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.label_version <= expected_version)
        .values(**values, version=Order.version + 1, updated_at=now)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(CONCURRENT_UPDATE, expected=expected_version, actual=order.label_version)
    session.flush()
    session.refresh(order)


def _cancel(record: WaybillRecord, courier: CourierPort, now: datetime) -> None:
    record.updated_at = now
    if not record.tracking_number:
        record.cancel_status = CancelStatus.NOT_ISSUED
        return
    try:
        courier.cancel_waybill(record.tracking_number)
    except IntegrationError as exc:
        record.cancel_status = CancelStatus.FAILED
        record.cancel_error = f"{exc.code}: {exc.message}"[:500]
        return
    record.cancel_status = CancelStatus.CANCELLED
    record.cancel_error = None
