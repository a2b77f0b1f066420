"""Read side of shipping: an order's packages and its shipment state, what waits at a dock per courier,
batches, and interceptions per day (the metrics read `interceptions_per_day` / `dock_interception_events`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from server.catalog.models import Warehouse
from server.clock import day_bounds, local_day
from server.errors import InvalidInput
from server.labels.order_facts import COURIER_NAMES
from server.orders.messages import UNKNOWN_WAREHOUSE
from server.orders.models import Order
from server.shipping import messages as m
from server.shipping.models import (
    HandoverBatch,
    HandoverParcel,
    Interception,
    Package,
    PackageStatus,
    ShipmentConfirmation,
    WaybillState,
)


def packages_of(session: Session, order_ids: Iterable[int]) -> dict[int, list[Package]]:
    ids = list(order_ids)
    rows = session.scalars(
        select(Package)
        .where(Package.order_id.in_(ids))
        .options(selectinload(Package.lines))
        .order_by(Package.order_id, Package.seq)
    )
    out: dict[int, list[Package]] = {order_id: [] for order_id in ids}
    for package in rows:
        out[package.order_id].append(package)
    return out


def shipment_state(order: Order, packages: list[Package]) -> str:
    """not_packed | packed | partially_shipped | shipped (the order stays `packed` while partly shipped)."""
    handed = sum(1 for p in packages if p.status == PackageStatus.HANDED_OVER)
    if order.status in ("shipped", "delivered"):
        return "shipped"
    if handed and handed < len(packages):
        return "partially_shipped"
    return "packed" if packages else "not_packed"


def package_state(package: Package) -> str:
    return "voided" if package.waybill_status == WaybillState.VOIDED else package.status


def package_view(package: Package, count: int, locale: str) -> dict[str, Any]:
    state = package_state(package)
    zh, en = m.PACKAGE_STATES.get(state, (state, state))
    courier = package.courier_code or ""
    return {
        "id": package.id,
        "package_no": package.seq,
        "package_count": count,
        "warehouse_id": package.warehouse_id,
        "state": state,
        "state_label": en if locale == "en" else zh,
        "tracking_number": package.tracking_number,
        "courier": courier or None,
        "courier_name": COURIER_NAMES.get(courier, courier) or None,
        "waybill_status": package.waybill_status,
        "contains_gift": package.contains_gift,
        "weight_g": package.weight_g,
        "weight_check": package.weight_check,
        "handed_over_at": package.handed_over_at.isoformat() if package.handed_over_at else None,
        "lines": [
            {"sku": ln.sku, "name": ln.name, "qty": ln.qty, "is_gift": ln.is_gift} for ln in package.lines
        ],
    }


def order_packages(session: Session, order: Order, locale: str) -> dict[str, Any]:
    packages = packages_of(session, [order.id])[order.id]
    codes = dict(session.execute(select(Warehouse.id, Warehouse.code)).all())
    views = [
        package_view(p, len(packages), locale) | {"warehouse": codes.get(p.warehouse_id)} for p in packages
    ]
    confirmations = session.execute(
        select(
            ShipmentConfirmation.package_id,
            ShipmentConfirmation.system,
            ShipmentConfirmation.status,
            ShipmentConfirmation.detail,
        ).where(ShipmentConfirmation.package_id.in_([p.id for p in packages]))
    ).all()
    for view in views:
        view["confirmations"] = {
            s: {"status": st, "detail": d} for pid, s, st, d in confirmations if pid == view["id"]
        }
    return {
        "order_number": order.order_number,
        "status": order.status,
        "shipment_state": shipment_state(order, packages),
        "partially_shipped": shipment_state(order, packages) == "partially_shipped",
        "packages": views,
    }


def waiting_by_courier(session: Session, warehouse_id: int) -> list[dict[str, Any]]:
    """Packed parcels of a warehouse not handed over yet, per courier (the dock's courier choice)."""
    rows = session.execute(
        select(Package.courier_code, func.count(Package.id))
        .join(Order, Order.id == Package.order_id)
        .where(
            Package.warehouse_id == warehouse_id,
            Package.status == PackageStatus.PACKED,
            Package.tracking_number.is_not(None),
            Package.waybill_status == WaybillState.ISSUED,
            Order.status.in_(("packed",)),
        )
        .group_by(Package.courier_code)
    ).all()
    waiting = {code or "": int(n) for code, n in rows}
    legacy = session.execute(  # packed before packages existed: adopted as one package at the scan
        select(Order.courier_code, func.count(Order.id))
        .where(
            Order.warehouse_id == warehouse_id, Order.status == "packed", Order.tracking_number.is_not(None)
        )
        .where(~select(Package.id).where(Package.order_id == Order.id).exists())
        .group_by(Order.courier_code)
    ).all()
    for code, n in legacy:
        waiting[code or ""] = waiting.get(code or "", 0) + int(n)
    codes = sorted(set(waiting) | {"ZTO"} - {""})
    return [{"code": c, "name": COURIER_NAMES.get(c, c), "waiting": waiting.get(c, 0)} for c in codes]


def batches(
    session: Session, warehouse_id: int | None, status: str | None, limit: int = 50
) -> list[HandoverBatch]:
    query = select(HandoverBatch).order_by(HandoverBatch.id.desc()).limit(limit)
    if warehouse_id is not None:
        query = query.where(HandoverBatch.warehouse_id == warehouse_id)
    if status:
        query = query.where(HandoverBatch.status == status)
    return list(session.scalars(query))


def batch_parcels(session: Session, batch_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Package, Order.order_number)
        .join(HandoverParcel, HandoverParcel.package_id == Package.id)
        .join(Order, Order.id == Package.order_id)
        .where(HandoverParcel.batch_id == batch_id)
        .order_by(HandoverParcel.id)
    ).all()
    return [
        {"tracking_number": p.tracking_number, "order_number": n, "package_no": p.seq, "weight_g": p.weight_g}
        for p, n in rows
    ]


def batch_interceptions(session: Session, batch_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Interception, Order.order_number)
        .join(Order, Order.id == Interception.order_id)
        .where(Interception.batch_id == batch_id)
        .order_by(Interception.id)
    ).all()
    return [
        {
            "at": row.at.isoformat(),
            "order_number": number,
            "tracking_number": row.tracking_number,
            "order_status": row.order_status,
            "holds": [k for k in row.hold_kinds.split(",") if k],
            "stage": row.stage,
            "stopped_by": row.stopped_by,
            "label_void": row.label_void,
        }
        for row, number in rows
    ]


# --- metrics -------------------------------------------------------------------------------------------------
def dock_interception_events(
    session: Session, start: datetime, end: datetime, warehouse_ids: list[int]
) -> Any:
    """(warehouse id, when, order id) of parcels stopped at a dock in [start, end): the shape of a
    `server.metrics.counters.DailyCount` source, so metrics can append `DailyCount("interceptions", "dock",
    dock_interception_events)` and count distinct orders per warehouse-local day."""
    return session.execute(
        select(Interception.warehouse_id, Interception.at, Interception.order_id).where(
            Interception.at >= start, Interception.at < end, Interception.warehouse_id.in_(warehouse_ids)
        )
    )


def interceptions_per_day(session: Session, warehouse: str, start: date, end: date) -> dict[date, int]:
    """Orders stopped at `warehouse`'s docks per warehouse-local day, `start`..`end` inclusive, every day
    present (0 when none); an order stopped twice the same day (two scans, two batches) counts once."""
    if end < start:
        raise InvalidInput("INVALID_INPUT", field="end", reason="before start")
    row = session.execute(select(Warehouse.id, Warehouse.timezone).where(Warehouse.code == warehouse)).first()
    if row is None:
        raise InvalidInput(UNKNOWN_WAREHOUSE, warehouse=warehouse)
    tz = ZoneInfo(row.timezone or "Asia/Shanghai")
    lower, _ = day_bounds(start, tz)
    _, upper = day_bounds(end, tz)
    days: dict[date, set[int]] = {start + timedelta(days=n): set() for n in range((end - start).days + 1)}
    for _, at, order_id in dock_interception_events(session, lower, upper, [row.id]):
        day = local_day(at, tz)
        if day in days:
            days[day].add(order_id)
    return {day: len(orders) for day, orders in days.items()}


# --- customer service ----------------------------------------------------------------------------------------
def tracked_packages(session: Session, order_id: int) -> list[Package]:
    """The packages a customer can follow: with a tracking number whose label was not voided."""
    return [
        p
        for p in packages_of(session, [order_id])[order_id]
        if p.tracking_number and p.waybill_status != WaybillState.VOIDED
    ]


def parcels_view(session: Session, order: Order, locale: str) -> dict[str, Any]:
    """The CS answer's shipment part: every package with its tracking number and state."""
    view = order_packages(session, order, locale)
    keep = ("package_no", "package_count", "warehouse", "state", "state_label", "tracking_number", "courier")
    parcels = [
        {k: p[k] for k in keep} | {"courier_name": p["courier_name"], "handed_over_at": p["handed_over_at"]}
        for p in view["packages"]
    ]
    return {"packages": parcels, "shipment_state": view["shipment_state"]}
