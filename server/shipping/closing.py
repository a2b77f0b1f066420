"""Closing a dock batch: the gate looks again at every parcel's order (a hold placed since its scan stops
the parcel here), the rest are handed over, orders whose last package left become shipped (the others stay
packed, partially shipped), and one shipment confirmation per package is queued."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from server.catalog.models import Station
from server.errors import Conflict, DomainError
from server.events import DomainEvent
from server.labels.followups import FollowUp
from server.orders.events import order_updated
from server.orders.states import OrderStatus
from server.orders.transitions import apply_transition
from server.shipping import messages as m
from server.shipping.common import Worker
from server.shipping.handover import get_batch
from server.shipping.interceptions import confirm_followup, intercept, void_followup
from server.shipping.models import HandoverBatch, HandoverParcel, Package, PackageStatus
from server.shipping.parcels import load_order, stop_reason


@dataclass
class CloseResult:
    batch: HandoverBatch
    shipped: list[str] = field(default_factory=list)  # order numbers now shipped
    partial: list[str] = field(default_factory=list)  # order numbers with packages still to go
    stopped: list[dict[str, Any]] = field(default_factory=list)  # parcels intercepted at the close
    events: list[DomainEvent] = field(default_factory=list)
    jobs: list[FollowUp] = field(default_factory=list)


def close_batch(session: Session, batch_id: int, worker: Worker, *, now: datetime) -> CloseResult:
    """Close: re-check every parcel's order (a hold placed since its scan stops it here), hand the rest
    over, ship the orders whose last package left, and say which confirmations to send."""
    batch = get_batch(session, batch_id, worker, lock=True)
    rows = session.execute(
        select(HandoverParcel, Package).join(Package, Package.id == HandoverParcel.package_id)
        .where(HandoverParcel.batch_id == batch.id).order_by(HandoverParcel.id)
    ).all()  # fmt: skip
    if batch.status != "open":
        raise Conflict(m.BATCH_CLOSED, batch=batch.number)
    if not rows:
        raise Conflict(m.BATCH_EMPTY, batch=batch.number)
    done = session.execute(
        update(HandoverBatch).where(HandoverBatch.id == batch.id, HandoverBatch.status == "open")
        .values(status="closed", closed_at=now, closed_by=worker.audit_name)
    )  # fmt: skip
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(m.BATCH_CLOSED, batch=batch.number)
    session.refresh(batch)
    station = session.get(Station, batch.station_id)
    result = CloseResult(batch)
    by_order: dict[int, list[tuple[HandoverParcel, Package]]] = defaultdict(list)
    for parcel, package in rows:
        by_order[package.order_id].append((parcel, package))
    for pairs in by_order.values():
        _close_order(session, batch, station.code if station else "", pairs, worker, now, result)
    count, weight = session.execute(
        select(func.count(HandoverParcel.id), func.coalesce(func.sum(Package.weight_g), 0))
        .join(Package, Package.id == HandoverParcel.package_id)
        .where(HandoverParcel.batch_id == batch.id)
    ).one()
    batch.parcel_count, batch.total_weight_g = int(count), int(weight or 0)
    session.flush()
    return result


def _close_order(
    session: Session,
    batch: HandoverBatch,
    station: str,
    pairs: list[tuple[HandoverParcel, Package]],
    worker: Worker,
    now: datetime,
    result: CloseResult,
) -> None:
    order = load_order(session, pairs[0][1].order_id)
    stop = stop_reason(order)
    if stop is None:
        nested = session.begin_nested()
        try:
            events = _hand_over(session, batch, order, [p for _, p in pairs], worker, now, result)
            nested.commit()
            result.events.extend(events)
            return
        except DomainError:  # a hold landed between our look and the transition
            nested.rollback()
            order = load_order(session, order.id)
            stop = stop_reason(order)
            if stop is None:
                raise
    for parcel, package in pairs:
        session.delete(parcel)
        _, _, events = intercept(
            session,
            batch=batch,
            station_code=station,
            order=order,
            package=package,
            stop=stop,
            worker=worker,
            stage="close",
            now=now,
        )
        result.events.extend(events)
        result.stopped.append(
            {
                "tracking_number": package.tracking_number,
                "order_number": order.order_number,
                "reason": stop.reason,
            }
        )
    if stop.terminal:
        result.jobs.append(void_followup(order.order_number))
    session.flush()


def _hand_over(
    session: Session,
    batch: HandoverBatch,
    order: Any,
    packages: list[Package],
    worker: Worker,
    now: datetime,
    result: CloseResult,
) -> list[DomainEvent]:
    for package in packages:
        package.status, package.handed_over_at, package.batch_id, package.updated_at = (
            PackageStatus.HANDED_OVER,
            now,
            batch.id,
            now,
        )
    session.flush()
    left = session.scalar(
        select(func.count(Package.id)).where(
            Package.order_id == order.id, Package.status != PackageStatus.HANDED_OVER
        )
    )
    result.jobs.extend(confirm_followup(p) for p in packages)
    if left:
        result.partial.append(order.order_number)
        total = session.scalar(select(func.count(Package.id)).where(Package.order_id == order.id))
        return [
            order_updated(
                order,
                "partially_shipped",
                packages_left=int(left),
                packages=int(total or 0),
                batch=batch.number,
            )
        ]
    for package in packages:
        package.completes_order = True
    reason = f"handed over to {batch.courier_code} in {batch.number}"
    _, events = apply_transition(
        session,
        order,
        OrderStatus.SHIPPED,
        actor=worker.audit_name,
        source_system="packline",
        reason=reason,
        now=now,
    )
    result.shipped.append(order.order_number)
    return events
