"""Read side of packing: the stations of a warehouse and every scan event of an order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Station
from server.errors import Forbidden, NotFound
from server.orders.models import Order
from server.scanning import messages
from server.scanning.models import ScanEvent


def stations(session: Session, warehouse_id: int | None) -> list[dict[str, Any]]:
    query = select(Station).order_by(Station.warehouse_id, Station.code)
    if warehouse_id is not None:
        query = query.where(Station.warehouse_id == warehouse_id)
    return [
        {
            "code": s.code,
            "name": s.name,
            "kind": s.kind,
            "warehouse": s.warehouse.code,
            "printer": (
                {"format": s.printer_format, "size": s.printer_size, "dpi": s.printer_dpi}
                if s.printer_format
                else None
            ),
        }
        for s in session.scalars(query)
    ]


@dataclass(frozen=True)
class OrderScans:
    order_number: str
    events: list[dict[str, Any]]


def scans_of_order(
    session: Session, order_number: str, warehouse_scope: tuple[int, ...] | None
) -> OrderScans:
    order = session.scalars(select(Order).where(Order.order_number == order_number)).first()
    if order is None:
        raise NotFound("order", order_number=order_number)
    if warehouse_scope is not None and order.warehouse_id not in warehouse_scope:
        raise Forbidden(messages.WRONG_WAREHOUSE, warehouse=order.warehouse.code)
    rows = session.execute(
        select(ScanEvent, Station.code)
        .outerjoin(Station, Station.id == ScanEvent.station_id)
        .where(ScanEvent.order_id == order.id)
        .order_by(ScanEvent.id)
    ).all()
    return OrderScans(order.order_number, [_event(ev, station) for ev, station in rows])


def _event(ev: ScanEvent, station: str | None) -> dict[str, Any]:
    return {
        "id": ev.id,
        "client_scan_id": ev.client_scan_id,
        "kind": ev.kind,
        "raw": ev.raw,
        "raw_length": ev.raw_length,
        "normalized": ev.normalized,
        "matched": ev.matched,
        "sku": ev.sku,
        "qty": ev.qty,
        "result": ev.result,
        "code": ev.code,
        "message": (ev.answer or {}).get("message"),
        "user": ev.actor,
        "device_id": ev.device_id,
        "station": station or ev.station_code,
        "pack_id": ev.pack_id,
        "at": ev.created_at,
        "undone_at": ev.undone_at,
    }
