"""Waybills of further packages (package 2… of an order) through the CourierPort under their own package
ref, idempotent like the order's label; and voiding the labels of an order intercepted as refunded or
cancelled. Callers run these inside their transaction; jobs use them after a commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.integrations.http import IntegrationError
from server.integrations.ports import CourierPort, WaybillRequest
from server.labels.models import CancelStatus, WaybillRecord, WaybillStatus
from server.labels.order_facts import receiver_party, sender_party
from server.orders.models import Order
from server.shipping.common import get_package
from server.shipping.models import Interception, Package, PackageEvent, WaybillState
from server.shipping.packing import goods_weight, sync_first_package

VOIDABLE = frozenset({"refunded", "cancelled"})


@dataclass(frozen=True)
class WaybillAnswer:
    package: Package
    state: str  # issued | pending | failed
    error: IntegrationError | None = None


def ensure_package_waybill(
    session: Session, package_id: int, courier: CourierPort, *, actor: str, now: datetime
) -> WaybillAnswer:
    """The package's tracking number: stored, the order's (package 1), or asked for once under its ref."""
    package = get_package(session, package_id, lock=True)  # serialises two askers on PostgreSQL
    order = session.get(Order, package.order_id)
    assert order is not None
    if package.seq == 1:
        sync_first_package(package, order, now)
        return WaybillAnswer(package, package.waybill_status)
    if package.waybill_status in (WaybillState.ISSUED, WaybillState.VOIDED):
        return WaybillAnswer(package, package.waybill_status)
    request = _request(session, order, package)
    package.courier_code = courier.courier_code
    package.updated_at = now
    try:
        waybill = courier.request_waybill(package.waybill_ref, request)
    except IntegrationError as exc:
        package.waybill_status = WaybillState.PENDING if exc.retryable else WaybillState.FAILED
        package.waybill_error = f"{exc.code}: {exc.message}"[:500]
        session.flush()
        return WaybillAnswer(package, package.waybill_status, exc)
    package.tracking_number = waybill.tracking_number
    package.routing_code = waybill.routing_code
    package.consolidation = waybill.consolidation
    package.waybill_status, package.waybill_error = WaybillState.ISSUED, None
    detail = {"tracking_number": waybill.tracking_number, "ref": package.waybill_ref}
    session.add(
        PackageEvent(package_id=package.id, kind="waybill_issued", actor=actor, detail=detail, at=now)
    )
    session.flush()
    return WaybillAnswer(package, WaybillState.ISSUED)


def _request(session: Session, order: Order, package: Package) -> WaybillRequest:
    address = order.current_address
    if address is None:
        raise ValueError(f"order {order.order_number} has no address")
    from server.catalog.models import Warehouse

    warehouse = session.get(Warehouse, package.warehouse_id)
    assert warehouse is not None
    return WaybillRequest(
        order_number=order.order_number,
        sender=sender_party(warehouse),
        receiver=receiver_party(address),
        items=tuple((line.name, line.qty) for line in package.lines),
        weight_g=package.weight_g or goods_weight(session, package.lines),
        remark=f"Packline {order.order_number} P{package.seq}",
    )


def void_intercepted_labels(session: Session, order: Order, courier: CourierPort, *, now: datetime) -> int:
    """Cancel every issued waybill of a refunded/cancelled order's packages at the courier (the order's own
    label record too). Idempotent: voided ones are skipped; a cancel the courier refuses stays open and is
    counted in the return value so the job retries it."""
    if order.status not in VOIDABLE:
        return 0
    failed = 0
    packages = session.scalars(select(Package).where(Package.order_id == order.id).order_by(Package.seq))
    for package in packages:
        if package.waybill_status != WaybillState.ISSUED or not package.tracking_number:
            continue
        try:
            courier.cancel_waybill(package.tracking_number)
        except IntegrationError as exc:
            failed += 1
            package.waybill_error = f"cancel {exc.code}: {exc.message}"[:500]
            continue
        package.waybill_status, package.updated_at = WaybillState.VOIDED, now
        detail = {"tracking_number": package.tracking_number, "reason": f"order {order.status}"}
        session.add(
            PackageEvent(
                package_id=package.id, kind="waybill_voided", actor="system:dock", detail=detail, at=now
            )
        )
        _void_label_record(session, order, package.tracking_number, now)
    state = "failed" if failed else "voided"
    for row in session.scalars(select(Interception).where(Interception.order_id == order.id)):
        row.label_void = state
    session.flush()
    return failed


def _void_label_record(session: Session, order: Order, tracking_number: str, now: datetime) -> None:
    record = session.scalars(
        select(WaybillRecord).where(
            WaybillRecord.order_id == order.id, WaybillRecord.tracking_number == tracking_number
        )
    ).first()
    if record is None or record.status == WaybillStatus.VOIDED:
        return
    record.status = WaybillStatus.VOIDED
    record.voided_at = record.updated_at = now
    record.void_reason = f"intercepted at the dock: order {order.status}"
    record.cancel_status = CancelStatus.CANCELLED
