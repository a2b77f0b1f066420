"""Shipment confirmations per package — the platform (tracking number upload), the WMS (delivery order
confirm, `PARTDELIVERED` until the order's last package) and the ERP (one outbound bill per package,
referenced `packline <order>-P<n>`). What is still to send is read here, what was sent is recorded here;
the HTTP calls run in `workers/jobs/shipping.py`, outside any transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server import clock
from server.catalog.models import Warehouse
from server.errors import NotFound
from server.integrations import mappings
from server.integrations.models import StatusPush
from server.integrations.ports import OutstockBill, OutstockLine, WmsPackage
from server.orders.models import Order
from server.shipping.common import get_package
from server.shipping.models import Package, PackageStatus, ShipmentConfirmation

SYSTEMS = ("platform", "wms", "erp")
# Channels whose platform Packline has a connector for (PACKLINE_*_BASE_URL); others have nothing to tell.
PLATFORM_OF_CHANNEL = {"taobao": "taobao", "tmall": "taobao", "pdd": "pdd"}


class ConfirmStatus:
    CONFIRMED = "confirmed"
    REJECTED = "rejected"  # the system said no to this package (never retried; visible on the package)
    SKIPPED = "skipped"  # nothing to tell (a channel without a platform connector)


@dataclass(frozen=True)
class ConfirmPlan:
    package_id: int
    order_id: int
    order_number: str
    package_no: int
    package_ref: str
    channel: str
    platform: str | None
    shop_code: str
    external_id: str
    warehouse_code: str
    tracking_number: str
    courier_code: str
    weight_g: int | None
    wms_status: str  # DELIVERED when this package completed the order, else PARTDELIVERED
    bill_date: str
    lines: tuple[OutstockLine, ...]
    todo: tuple[str, ...]

    @property
    def out_biz_code(self) -> str:
        return f"{self.order_number}-P{self.package_no}-shipped"

    @property
    def erp_reference(self) -> str:
        return mappings.kingdee_reference(f"{self.order_number}-P{self.package_no}")

    def wms_package(self) -> WmsPackage:
        return WmsPackage(self.courier_code, self.tracking_number, self.weight_g)

    def outstock_bill(self) -> OutstockBill:
        return OutstockBill(
            reference=self.erp_reference,
            customer_number=mappings.kingdee_customer(self.shop_code),
            stock_number=mappings.kingdee_stock(self.warehouse_code),
            bill_date=self.bill_date,
            lines=self.lines,
        )


def plan_confirmation(
    session: Session, package_id: int, tz: ZoneInfo, default_courier: str
) -> ConfirmPlan | None:
    """What is still to confirm for a handed-over package; None when it is not (or no longer) one."""
    try:
        package = get_package(session, package_id)
    except NotFound:  # the order was deleted meanwhile
        return None
    if (
        package.status != PackageStatus.HANDED_OVER
        or package.handed_over_at is None
        or not package.tracking_number
    ):
        return None
    order = session.get(Order, package.order_id)
    assert order is not None
    done = set(
        session.scalars(
            select(ShipmentConfirmation.system).where(ShipmentConfirmation.package_id == package.id)
        )
    )
    warehouse = session.get(Warehouse, package.warehouse_id)
    return ConfirmPlan(
        package_id=package.id,
        order_id=order.id,
        order_number=order.order_number,
        package_no=package.seq,
        package_ref=package.waybill_ref,
        channel=order.source,
        platform=PLATFORM_OF_CHANNEL.get(order.source),
        shop_code=order.shop.code,
        external_id=order.external_id,
        warehouse_code=warehouse.code if warehouse else "",
        tracking_number=package.tracking_number,
        courier_code=package.courier_code or order.courier_code or default_courier,
        weight_g=package.weight_g,
        wms_status="DELIVERED" if package.completes_order else "PARTDELIVERED",
        bill_date=clock.local_day(package.handed_over_at, tz).isoformat(),
        lines=tuple(OutstockLine(line.sku, line.qty) for line in package.lines),
        todo=tuple(system for system in SYSTEMS if system not in done),
    )


def record_confirmation(
    session: Session,
    plan: ConfirmPlan,
    system: str,
    status: str,
    *,
    reference: str | None,
    detail: str | None,
    now: datetime,
) -> bool:
    """Remember the answer; a concurrent duplicate job makes this a no-op (False)."""
    nested = session.begin_nested()
    try:
        row = ShipmentConfirmation(
            package_id=plan.package_id,
            system=system,
            status=status,
            reference=reference,
            detail=(detail or "")[:500] or None,
            at=now,
        )
        session.add(row)
        session.flush()
    except IntegrityError:
        nested.rollback()
        return False
    nested.commit()
    if system in ("wms", "erp"):
        _mark_order_pushed(session, plan.order_id, system, now)
    return True


def _mark_order_pushed(session: Session, order_id: int, system: str, now: datetime) -> None:
    """Once every package of a shipped order reached `system`, record the order's "shipped" push there, so
    the order-level `push_status(order, "shipped")` does not send a second outbound bill / confirm."""
    order = session.get(Order, order_id)
    if order is None or order.status != "shipped":
        return
    total = session.scalar(select(func.count(Package.id)).where(Package.order_id == order_id)) or 0
    confirmed = session.scalar(
        select(func.count(ShipmentConfirmation.id))
        .join(Package, Package.id == ShipmentConfirmation.package_id)
        .where(
            Package.order_id == order_id,
            ShipmentConfirmation.system == system,
            ShipmentConfirmation.status == ConfirmStatus.CONFIRMED,
        )
    )
    if not total or confirmed != total:
        return
    nested = session.begin_nested()
    try:
        session.add(
            StatusPush(
                order_id=order_id, status="shipped", system=system, reference="per-package", pushed_at=now
            )
        )
        session.flush()
    except IntegrityError:
        nested.rollback()
        return
    nested.commit()
