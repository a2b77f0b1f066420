"""Consistency between Packline and the ERP/WMS: store what each system says about recent orders, raise a
`status_mismatch` alert per disagreeing order (once while open), and keep the day's ratio for metrics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server import clock
from server.alerts.services import raise_alert
from server.catalog.models import Warehouse
from server.events import DomainEvent
from server.integrations import mappings
from server.integrations.models import ConsistencyCheck, ExternalStatus
from server.integrations.ports import ErpOrderStatus
from server.orders.models import Order

# Orders worth comparing: everything from payment on, including recent interceptions and shipments.
CHECKED = ("paid", "picking", "printed", "packed", "shipped", "refunded", "cancelled")


@dataclass(frozen=True)
class OrderRef:
    order_id: int
    order_number: str
    external_id: str


@dataclass
class ConsistencyResult:
    compared: int = 0
    consistent: int = 0
    mismatches: list[tuple[str, str, str, str]] = field(default_factory=list)  # number, system, ours, theirs
    events: list[DomainEvent] = field(default_factory=list)


def orders_to_check(
    session: Session, warehouse_code: str, now: datetime, *, lookback: timedelta, settle: timedelta
) -> list[OrderRef]:
    """Recently changed orders, leaving out those changed within `settle` (their push may be in flight)."""
    rows = session.execute(
        select(Order.id, Order.order_number, Order.external_id)
        .join(Warehouse, Warehouse.id == Order.warehouse_id)
        .where(
            Warehouse.code == warehouse_code,
            Order.status.in_(CHECKED),
            Order.updated_at >= now - lookback,
            Order.updated_at <= now - settle,
        )
        .order_by(Order.id)
    )
    return [OrderRef(*row) for row in rows]


def record_consistency(
    session: Session,
    warehouse_code: str,
    refs: list[OrderRef],
    *,
    erp: Mapping[str, ErpOrderStatus] | None,
    wms: Mapping[str, str] | None,
    now: datetime,
    tz: ZoneInfo,
) -> ConsistencyResult:
    """`erp` by platform order id, `wms` by order number; None = that system is not connected.
    An order counts as compared when at least one system knows it, as consistent when none disagrees."""
    result = ConsistencyResult()
    orders = {o.id: o for o in session.scalars(select(Order).where(Order.id.in_([r.order_id for r in refs])))}
    stored = {
        (row.order_id, row.system): row
        for row in session.scalars(select(ExternalStatus).where(ExternalStatus.order_id.in_(list(orders))))
    }
    for order in orders.values():
        verdicts: list[tuple[str, str, bool]] = []
        if erp is not None and order.external_id in erp:
            seen = erp[order.external_id]
            theirs = f"{seen.document_status}/{seen.close_status}/{seen.cancel_status}"
            verdicts.append(("erp", theirs, mappings.erp_agrees(order.status, seen.cancel_status)))
        if wms is not None and order.order_number in wms:
            agrees = mappings.wms_agrees(order.status, wms[order.order_number])
            if agrees is not None:
                verdicts.append(("wms", wms[order.order_number], agrees))
        for system, theirs, agrees in verdicts:
            _store(session, stored, order.id, system, theirs, agrees, now)
        if not verdicts:
            continue
        result.compared += 1
        disagreeing = [(system, theirs) for system, theirs, agrees in verdicts if not agrees]
        if not disagreeing:
            result.consistent += 1
            continue
        system, theirs = disagreeing[0]
        result.mismatches.append((order.order_number, system, order.status, theirs))
        raised = raise_alert(
            session,
            kind="status_mismatch",
            severity="warning",
            warehouse_code=warehouse_code,
            order_id=order.id,
            dedupe_key=f"status_mismatch:{order.order_number}",
            params={
                "order_number": order.order_number,
                "ours": order.status,
                "system": system,
                "theirs": theirs,
            },
            now=now,
        )
        result.events.extend(raised.events)
    _store_ratio(session, warehouse_code, result, now, tz)
    return result


def _store(
    session: Session,
    stored: dict[tuple[int, str], ExternalStatus],
    order_id: int,
    system: str,
    status: str,
    agrees: bool,
    now: datetime,
) -> None:
    row = stored.get((order_id, system))
    if row is None:
        row = ExternalStatus(order_id=order_id, system=system, status=status, agrees=agrees, checked_at=now)
        session.add(row)
        stored[(order_id, system)] = row
    else:
        row.status, row.agrees, row.checked_at = status, agrees, now


def _store_ratio(
    session: Session, warehouse_code: str, result: ConsistencyResult, now: datetime, tz: ZoneInfo
) -> None:
    """One row per warehouse-local day, holding the day's latest run (a rate, not a running sum)."""
    day = clock.local_day(now, tz)
    values = {"compared": result.compared, "consistent": result.consistent, "checked_at": now}
    row = session.scalars(
        select(ConsistencyCheck).where(
            ConsistencyCheck.day == day, ConsistencyCheck.warehouse_code == warehouse_code
        )
    ).first()
    if row is not None:
        for key, value in values.items():
            setattr(row, key, value)
        session.flush()
        return
    nested = session.begin_nested()
    try:
        session.add(ConsistencyCheck(day=day, warehouse_code=warehouse_code, **values))
        session.flush()
        nested.commit()
    except IntegrityError:
        nested.rollback()  # a concurrent run of the same day wrote first; its figures are as fresh
