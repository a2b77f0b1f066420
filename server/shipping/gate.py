"""Every check a parcel passes at the dock, in the order a dock worker needs to hear them: what the code
is, whether the order may leave (the interception), then this batch's rules (warehouse, courier, packed,
weight, already handed over or in another batch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.catalog.models import Warehouse
from server.labels.order_facts import COURIER_NAMES
from server.orders.models import Order
from server.scanning.codes import ScannedCode
from server.shipping import dock_log as log
from server.shipping import messages as m
from server.shipping.models import (
    HandoverBatch,
    HandoverParcel,
    Package,
    PackageStatus,
    WaybillState,
    WeightCheck,
)
from server.shipping.parcels import Stop, find_parcel, stop_reason


@dataclass
class Checked:
    outcome: log.Outcome
    parcel: dict[str, Any] | None = None
    package: Package | None = None
    order: Order | None = None
    stop: Stop | None = None


def check_parcel(session: Session, batch: HandoverBatch, scanned: ScannedCode, now: datetime) -> Checked:
    found = find_parcel(session, scanned, now)
    package, order = found.package, found.order
    if found.problem is not None or package is None or order is None:
        outcome = log.Outcome.rejected(found.problem or m.UNKNOWN_PARCEL, details=found.details)
        if order is not None and (stop := stop_reason(order)) is not None and found.problem == m.LABEL_VOIDED:
            outcome.details["reason"] = stop.reason
        return Checked(outcome, None, None, order)
    count = session.scalar(select(func.count(Package.id)).where(Package.order_id == order.id)) or 1
    parcel = log.parcel_dict(package, order.order_number, int(count))
    base = {"tracking_number": package.tracking_number, "order_number": order.order_number}
    checked = Checked(log.Outcome.rejected(m.UNKNOWN_PARCEL), parcel, package, order)
    stop = stop_reason(order)
    if stop is not None:
        details = {**base, "reason": stop.reason, "holds": list(stop.hold_kinds), "status": order.status}
        checked.outcome = log.Outcome.rejected(
            m.ORDER_ON_HOLD, message_code=m.DOCK_ORDER_ON_HOLD, details=details, package=package
        )
        checked.stop = stop
        return checked
    checked.outcome = _batch_rules(session, batch, package, base) or log.Outcome(
        log.OK,
        m.PARCEL_ADDED,
        details={**base, "package_no": package.seq, "package_count": count},
        package=package,
    )
    return checked


def _batch_rules(
    session: Session, batch: HandoverBatch, package: Package, base: dict[str, Any]
) -> log.Outcome | None:
    def no(code: str, **details: Any) -> log.Outcome:
        return log.Outcome.rejected(code, details={**base, **details}, package=package)

    if package.warehouse_id != batch.warehouse_id:
        code = session.scalar(select(Warehouse.code).where(Warehouse.id == package.warehouse_id))
        return no(m.WRONG_WAREHOUSE, warehouse=code or "")
    in_batch = session.scalars(select(HandoverParcel).where(HandoverParcel.package_id == package.id)).first()
    if in_batch is not None and in_batch.batch_id == batch.id:
        return log.Outcome(log.DUPLICATE, m.PARCEL_DUPLICATE, details=base, package=package)
    if package.status == PackageStatus.HANDED_OVER or in_batch is not None:
        other = session.get(HandoverBatch, in_batch.batch_id if in_batch else package.batch_id)
        number = other.number if other else "?"
        return no(
            m.ALREADY_HANDED_OVER if package.status == PackageStatus.HANDED_OVER else m.IN_OTHER_BATCH,
            batch=number,
        )
    if package.status == PackageStatus.TO_PACK:
        return no(m.PACKAGE_NOT_PACKED)
    if package.waybill_status == WaybillState.VOIDED:
        return no(m.LABEL_VOIDED, current="—")
    courier = (package.courier_code or "").upper()
    if courier and courier != batch.courier_code:
        return no(
            m.WRONG_COURIER,
            parcel_courier=COURIER_NAMES.get(courier, courier),
            courier=COURIER_NAMES.get(batch.courier_code, batch.courier_code),
        )
    if package.weight_check == WeightCheck.MISMATCH:
        return no(m.PARCEL_WEIGHT_MISMATCH)
    return None
