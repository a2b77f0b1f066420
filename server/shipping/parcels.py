"""What a code scanned at the dock is (a package's tracking number, a void label, an order number) and
whether that parcel's order may leave: the last interception gate (open holds, refunded, cancelled)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from server.i18n import Localized
from server.labels.models import WaybillRecord
from server.orders.messages import HOLD_LABELS, localized_list
from server.orders.models import Order
from server.scanning.codes import ScannedCode
from server.shipping import messages as m
from server.shipping.models import Package
from server.shipping.packing import adopt_packages, sync_first_package

TERMINAL = frozenset({"refunded", "cancelled"})


@dataclass
class Found:
    package: Package | None = None
    order: Order | None = None
    problem: str | None = None  # a rejection code when the code names no shippable parcel
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Stop:
    """Why a parcel must not leave: open holds, or the order left the flow (refunded / cancelled)."""

    reason: Localized
    hold_kinds: tuple[str, ...]
    hold_id: int | None
    terminal: bool


def load_order(session: Session, order_id: int) -> Order:
    """The order as it is now, holds included (the gate looks again when the batch closes)."""
    return session.scalars(
        select(Order)
        .where(Order.id == order_id)
        .options(selectinload(Order.holds))
        .execution_options(populate_existing=True)
    ).one()


def find_parcel(session: Session, scanned: ScannedCode, now: datetime) -> Found:
    codes = list(scanned.candidates)
    package = session.scalars(
        select(Package).where(Package.tracking_number.in_(codes)).options(selectinload(Package.lines))
    ).first()
    if package is not None:
        order = load_order(session, package.order_id)
        if package.seq == 1 and order.tracking_number and order.tracking_number != package.tracking_number:
            return _void_label(package.tracking_number or "", order)
        return Found(package, order)
    order_id = session.scalar(select(Order.id).where(Order.tracking_number.in_(codes)))
    if order_id is not None:
        order = load_order(session, order_id)
        first = session.scalars(select(Package).where(Package.order_id == order.id, Package.seq == 1)).first()
        first = first or adopt_packages(session, order, now)
        if first is None:
            return Found(
                None,
                order,
                m.PACKAGE_NOT_PACKED,
                {"tracking_number": scanned.code, "order_number": order.order_number},
            )
        sync_first_package(first, order, now)
        return Found(first, order)
    voided = session.scalars(select(WaybillRecord).where(WaybillRecord.tracking_number.in_(codes))).first()
    if voided is not None:
        return _void_label(scanned.code or "", load_order(session, voided.order_id))
    if session.scalar(select(Order.id).where(Order.order_number.in_(codes))) is not None:
        return Found(problem=m.NOT_A_TRACKING_NUMBER, details={"code": scanned.code})
    return Found(problem=m.UNKNOWN_PARCEL, details={"code": scanned.code})


def _void_label(code: str, order: Order) -> Found:
    details = {
        "tracking_number": code,
        "current": order.tracking_number or "—",
        "order_number": order.order_number,
    }
    return Found(None, order, m.LABEL_VOIDED, details)


def stop_reason(order: Order) -> Stop | None:
    if order.status in TERMINAL:
        zh, en = m.REASON_LABELS[order.status]
        return Stop(Localized(zh, en), (), None, True)
    held = order.open_holds
    if not held:
        return None
    kinds = sorted({h.kind for h in held})
    return Stop(localized_list(HOLD_LABELS, kinds), tuple(kinds), held[0].id, False)
