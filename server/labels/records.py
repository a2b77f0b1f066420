"""The `waybill_requests` rows: which one is the current label, and inserting one so that a concurrent
asker waits for it instead of creating a twin."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.labels.models import WaybillRecord, WaybillStatus
from server.labels.order_facts import current_address_version
from server.orders.models import AddressVersion, Order


def idempotency_key(order_number: str, label_version: int) -> str:
    return f"{order_number}-L{label_version}"


def current_version(order: Order) -> int:
    """The label version being worked on; 1 before any label exists (`label_version` 0)."""
    return max(order.label_version, 1)


def current_record(session: Session, order: Order, *, lock: bool = False) -> WaybillRecord | None:
    """The request of the current label version. An order that got its tracking number elsewhere (an
    import, older data) is adopted as an issued request, so voiding and printing treat it alike."""
    record = find_record(session, order.id, current_version(order), lock=lock)
    if record is None and _has_outside_waybill(order):
        record = insert_record(session, _adopted(order))
    return record


def label_record(session: Session, order: Order) -> WaybillRecord | None:
    """Read-only `current_record`: an adopted waybill comes back unsaved."""
    record = find_record(session, order.id, current_version(order), lock=False)
    return _adopted(order) if record is None and _has_outside_waybill(order) else record


def is_outdated(order: Order, record: WaybillRecord) -> bool:
    """The label was asked for an address the order no longer has."""
    return record.address_version < current_address_version(order)


def find_record(session: Session, order_id: int, version: int, *, lock: bool) -> WaybillRecord | None:
    query = select(WaybillRecord).where(
        WaybillRecord.order_id == order_id, WaybillRecord.label_version == version
    )
    if lock:
        # FOR UPDATE serialises askers on PostgreSQL; SQLite serialises every writer (BEGIN IMMEDIATE).
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def insert_record(session: Session, record: WaybillRecord) -> WaybillRecord:
    """Insert, or — when a concurrent asker got there first — wait for it and lock its row instead."""
    nested = session.begin_nested()
    try:
        session.add(record)
        session.flush()
    except IntegrityError:
        nested.rollback()
        existing = find_record(session, record.order_id, record.label_version, lock=True)
        if existing is None:
            raise
        return existing
    nested.commit()
    return record


def new_record(order: Order, courier_code: str, actor: str, now: datetime) -> WaybillRecord:
    version = current_version(order)
    return WaybillRecord(
        order_id=order.id,
        label_version=version,
        idempotency_key=idempotency_key(order.order_number, version),
        courier_code=courier_code,
        address_version=current_address_version(order),
        status=WaybillStatus.PENDING,
        attempts=0,
        requested_by=actor,
        created_at=now,
        updated_at=now,
    )


def _adopted(order: Order) -> WaybillRecord:
    assigned = order.tracking_assigned_at or order.printed_at or order.created_at
    known = [a.version for a in order.addresses if a.created_at <= assigned]
    return WaybillRecord(
        order_id=order.id,
        label_version=order.label_version,
        idempotency_key=idempotency_key(order.order_number, order.label_version),
        courier_code=order.courier_code or "",
        address_version=max(known, default=_first_address_version(order)),
        status=WaybillStatus.ISSUED,
        tracking_number=order.tracking_number,
        routing_code=order.routing_code,
        attempts=0,
        requested_by="adopted",
        created_at=assigned,
        updated_at=assigned,
        issued_at=assigned,
    )


def _has_outside_waybill(order: Order) -> bool:
    return bool(order.tracking_number) and order.label_version >= 1


def _first_address_version(order: Order) -> int:
    versions: list[AddressVersion] = list(order.addresses)
    return versions[0].version if versions else 0
