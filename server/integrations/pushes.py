"""Pushing Packline's packed/shipped to the WMS and the ERP, idempotently: each system that accepted a
status is recorded in `status_pushes`, and both calls are themselves safe to repeat (WMS `outBizCode`,
ERP look-up by FNote reference). The HTTP calls run outside any transaction; see `workers/jobs/sync.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server import clock
from server.integrations import mappings
from server.integrations.models import StatusPush
from server.integrations.ports import ErpPort, OutstockBill, OutstockLine, WmsPackage, WmsPort
from server.orders.models import Order, StatusTransition

# Which systems hear which status. The ERP gets its outbound bill only when goods actually leave.
TARGETS: dict[str, tuple[str, ...]] = {"packed": ("wms",), "shipped": ("wms", "erp")}


@dataclass(frozen=True)
class PushPlan:
    order_id: int
    order_number: str
    status: str
    warehouse_code: str
    shop_code: str
    tracking_number: str | None
    courier_code: str | None
    lines: tuple[OutstockLine, ...]
    bill_date: str
    todo: tuple[str, ...]


def plan_push(session: Session, order_number: str, status: str, tz: ZoneInfo) -> PushPlan | None:
    """What is still to push, or None when there is nothing to do: the status is not pushed anywhere, or
    the order never reached it (e.g. a job for "shipped" of an order intercepted at packed)."""
    targets = TARGETS.get(status)
    order = session.scalars(select(Order).where(Order.order_number == order_number)).first()
    if not targets or order is None:
        return None
    reached = session.scalar(
        select(StatusTransition.at).where(
            StatusTransition.order_id == order.id,
            StatusTransition.subject == "order",
            StatusTransition.to_status == status,
        )
    )
    if reached is None:
        return None
    done = set(
        session.scalars(
            select(StatusPush.system).where(StatusPush.order_id == order.id, StatusPush.status == status)
        )
    )
    lines = [OutstockLine(line.sku, line.qty) for line in order.lines if line.refund_state != "refunded"]
    if order.gift is not None:
        lines.extend(OutstockLine(g.sku, g.qty) for g in order.gift.lines)
    return PushPlan(
        order_id=order.id,
        order_number=order.order_number,
        status=status,
        warehouse_code=order.warehouse.code,
        shop_code=order.shop.code,
        tracking_number=order.tracking_number,
        courier_code=order.courier_code,
        lines=tuple(lines),
        bill_date=clock.local_day(reached, tz).isoformat(),
        todo=tuple(system for system in targets if system not in done),
    )


def push_to_wms(wms: WmsPort, plan: PushPlan) -> str:
    out_biz_code = f"{plan.order_number}-{plan.status}"
    packages = [WmsPackage(plan.courier_code or "", plan.tracking_number)] if plan.tracking_number else []
    wms.confirm(plan.order_number, mappings.PACKLINE_TO_WMS_CONFIRM[plan.status], out_biz_code, packages)
    return out_biz_code


def push_to_erp(erp: ErpPort, plan: PushPlan) -> str:
    bill = erp.save_outstock(
        OutstockBill(
            reference=mappings.kingdee_reference(plan.order_number),
            customer_number=mappings.kingdee_customer(plan.shop_code),
            stock_number=mappings.kingdee_stock(plan.warehouse_code),
            bill_date=plan.bill_date,
            lines=plan.lines,
        )
    )
    return bill.bill_no


def record_push(session: Session, plan: PushPlan, system: str, reference: str, now: datetime) -> bool:
    """Remember that `system` has the status; a concurrent duplicate push makes this a no-op."""
    nested = session.begin_nested()
    try:
        session.add(
            StatusPush(
                order_id=plan.order_id, status=plan.status, system=system, reference=reference, pushed_at=now
            )
        )
        session.flush()
    except IntegrityError:
        nested.rollback()
        return False
    nested.commit()
    return True
