"""Where an order's lines ship from. A line without a `LineSource` row ships from the order's warehouse;
lines assigned to another warehouse are packed there as their own package (one package per warehouse)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Warehouse
from server.errors import InvalidInput, NotFound
from server.orders.messages import UNKNOWN_WAREHOUSE
from server.orders.models import Order, OrderLine
from server.shipping.models import LineSource


def assign_line_warehouse(
    session: Session, order: Order, line_no: int, warehouse_code: str, *, actor: str, now: datetime
) -> LineSource | None:
    """Ship line `line_no` from `warehouse_code` (the order's own warehouse removes the assignment)."""
    line = next((ln for ln in order.lines if ln.line_no == line_no), None)
    if line is None:
        raise NotFound("order line", order_number=order.order_number, line_no=line_no)
    warehouse = session.scalars(select(Warehouse).where(Warehouse.code == warehouse_code)).first()
    if warehouse is None:
        raise InvalidInput(UNKNOWN_WAREHOUSE, warehouse=warehouse_code)
    existing = session.scalars(select(LineSource).where(LineSource.order_line_id == line.id)).first()
    if warehouse.id == order.warehouse_id:
        if existing is not None:
            session.delete(existing)
            session.flush()
        return None
    if existing is None:
        existing = LineSource(
            order_line_id=line.id, warehouse_id=warehouse.id, assigned_by=actor, assigned_at=now
        )
        session.add(existing)
    else:
        existing.warehouse_id, existing.assigned_by, existing.assigned_at = warehouse.id, actor, now
    session.flush()
    return existing


def remote_lines(session: Session, order: Order) -> dict[int, list[OrderLine]]:
    """Lines shipped from other warehouses, by warehouse id (empty for the usual one-warehouse order)."""
    rows = session.execute(
        select(LineSource.order_line_id, LineSource.warehouse_id)
        .join(OrderLine, OrderLine.id == LineSource.order_line_id)
        .where(OrderLine.order_id == order.id)
    ).all()
    where = {line_id: warehouse_id for line_id, warehouse_id in rows if warehouse_id != order.warehouse_id}
    grouped: dict[int, list[OrderLine]] = defaultdict(list)
    for line in order.lines:
        if line.id in where:
            grouped[where[line.id]].append(line)
    return dict(grouped)


def remote_units(session: Session, order: Order) -> dict[str, int]:
    """Units per SKU the order's own warehouse does not pack (they come from another warehouse)."""
    units: dict[str, int] = defaultdict(int)
    for lines in remote_lines(session, order).values():
        for line in lines:
            units[line.sku] += line.qty
    return dict(units)
