"""Recording a parcel stopped at the dock: one row per batch and package (a second scan of the same held
parcel is the same interception), the order's event, and the label void a refunded/cancelled order needs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.events import DomainEvent
from server.labels.followups import FollowUp
from server.orders.events import order_updated
from server.orders.models import Order
from server.shipping.common import Worker
from server.shipping.models import HandoverBatch, Interception, Package
from server.shipping.parcels import Stop

VOID_LABELS_JOB = "workers.jobs.shipping.void_intercepted_labels_job"
CONFIRM_JOB = "workers.jobs.shipping.confirm_package_shipment"
WAYBILL_JOB = "workers.jobs.shipping.request_package_waybill_job"


def void_followup(order_number: str) -> FollowUp:
    return FollowUp(VOID_LABELS_JOB, (order_number,), f"void:{order_number}", queue="labels")


def confirm_followup(package: Package) -> FollowUp:
    return FollowUp(CONFIRM_JOB, (package.id,), f"ship:{package.waybill_ref}", queue="sync")


def waybill_followup(package: Package) -> FollowUp:
    return FollowUp(WAYBILL_JOB, (package.id,), f"waybill:{package.waybill_ref}", queue="labels")


def intercept(
    session: Session,
    *,
    batch: HandoverBatch,
    station_code: str,
    order: Order,
    package: Package | None,
    stop: Stop,
    worker: Worker,
    stage: str,
    now: datetime,
) -> tuple[Interception, bool, list[DomainEvent]]:
    """(the interception, whether it is new, events). Idempotent per batch and package."""
    existing = _existing(session, batch.id, package)
    if existing is not None:
        return existing, False, []
    row = Interception(
        at=now,
        warehouse_id=batch.warehouse_id,
        station_code=station_code,
        batch_id=batch.id,
        stage=stage,
        order_id=order.id,
        package_id=package.id if package else None,
        tracking_number=package.tracking_number if package else None,
        order_status=order.status,
        hold_kinds=",".join(stop.hold_kinds),
        hold_id=stop.hold_id,
        stopped_by=worker.audit_name,
        label_void="requested" if stop.terminal else None,
    )
    nested = session.begin_nested()
    try:
        session.add(row)
        session.flush()
    except IntegrityError:  # the same parcel scanned on two PDAs at once
        nested.rollback()
        again = _existing(session, batch.id, package)
        assert again is not None
        return again, False, []
    nested.commit()
    event = order_updated(
        order,
        "intercepted",
        station=station_code,
        batch=batch.number,
        tracking_number=row.tracking_number,
        holds=list(stop.hold_kinds),
    )
    return row, True, [event]


def _existing(session: Session, batch_id: int, package: Package | None) -> Interception | None:
    query = select(Interception).where(Interception.batch_id == batch_id)
    query = (
        query.where(Interception.package_id == package.id)
        if package
        else query.where(Interception.package_id.is_(None))
    )
    return session.scalars(query).first()
