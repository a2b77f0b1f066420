"""From a completed pack to packages: called by packing's completion (same transaction, same savepoint).
The boxes of the pack become packages of the order's warehouse; lines shipped from another warehouse
become one package per warehouse, to be packed there. Package 1 carries the order's own label."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.catalog.models import Product
from server.events import DomainEvent
from server.orders.models import Order
from server.orders.states import GiftStatus
from server.scanning.models import PackItem, PackSession
from server.shipping.boxes import BoxContent, Snapshot, closed_boxes, split_boxes
from server.shipping.models import Package, PackageEvent, PackageLine, PackageStatus, WaybillState
from server.shipping.sources import remote_lines


def package_ref(order_number: str, seq: int, label_version: int) -> str:
    """The courier's package reference (idempotency key) of a further package."""
    return f"{order_number}-P{seq}-L{label_version}"


def packages_from_pack(
    session: Session, order: Order, pack: PackSession, *, actor: str, now: datetime
) -> list[DomainEvent]:
    """Create the order's packages once (a second call for the same order changes nothing)."""
    if session.scalar(select(func.count(Package.id)).where(Package.order_id == order.id)):
        return []
    final = dict(
        session.execute(select(PackItem.sku, PackItem.scanned).where(PackItem.pack_id == pack.id)).all()
    )
    remote = remote_lines(session, order)
    elsewhere: dict[str, int] = {}
    for lines in remote.values():
        for line in lines:
            elsewhere[line.sku] = elsewhere.get(line.sku, 0) + line.qty
    local = {sku: max(0, int(n) - elsewhere.get(sku, 0)) for sku, n in final.items()}
    snapshots = [
        Snapshot({sku: max(0, int(n) - elsewhere.get(sku, 0)) for sku, n in box.counts.items()}, box.gift)
        for box in closed_boxes(session, pack.id)
    ]
    gift_packed = order.gift is not None and order.gift.status == GiftStatus.PACKED
    names = {line.sku: line.name for line in order.lines}
    created = [
        _package(session, order, n, order.warehouse_id, PackageStatus.PACKED, box, names, pack.id, now)
        for n, box in enumerate(split_boxes(snapshots, local, gift_packed), 1)
    ]
    for warehouse_id, lines in sorted(remote.items()):
        box = BoxContent({line.sku: line.qty for line in lines})
        seq = len(created) + 1
        created.append(
            _package(session, order, seq, warehouse_id, PackageStatus.TO_PACK, box, names, None, now)
        )
    session.flush()
    for package in created:
        _expect_weight(session, package)
        session.add(
            PackageEvent(
                package_id=package.id, kind="created", actor=actor, detail={"pack_id": pack.id}, at=now
            )
        )
    session.flush()
    # The packing transition already told every screen the order is packed; packages need no event of their own.
    return []


def _package(
    session: Session,
    order: Order,
    seq: int,
    warehouse_id: int,
    status: str,
    box: BoxContent,
    names: dict[str, str],
    pack_id: int | None,
    now: datetime,
) -> Package:
    first = seq == 1
    version = max(order.label_version, 1) if first else 1
    package = Package(
        order_id=order.id,
        seq=seq,
        warehouse_id=warehouse_id,
        status=status,
        pack_id=pack_id,
        contains_gift=box.gift,
        courier_code=order.courier_code,
        tracking_number=order.tracking_number if first else None,
        label_version=version,
        routing_code=order.routing_code if first else None,
        waybill_ref=f"{order.order_number}-L{version}"
        if first
        else package_ref(order.order_number, seq, version),
        waybill_status=WaybillState.ISSUED if first and order.tracking_number else WaybillState.PENDING,
        created_at=now,
        updated_at=now,
    )
    for sku, qty in box.units.items():
        package.lines.append(PackageLine(sku=sku, name=names.get(sku, sku)[:200], qty=qty))
    if box.gift and order.gift is not None:
        for gl in order.gift.lines:
            package.lines.append(PackageLine(sku=gl.sku, name=gl.name[:200], qty=gl.qty, is_gift=True))
    session.add(package)
    return package


def goods_weight(session: Session, lines: Iterable[PackageLine]) -> int:
    lines = list(lines)
    weights = dict(
        session.execute(
            select(Product.sku, func.coalesce(Product.weight_g, 0)).where(
                Product.sku.in_({ln.sku for ln in lines})
            )
        ).all()
    )
    return sum(int(weights.get(ln.sku, 0)) * ln.qty for ln in lines)


def _expect_weight(session: Session, package: Package) -> None:
    package.expected_weight_g = goods_weight(session, package.lines)


def sync_first_package(package: Package, order: Order, now: datetime) -> None:
    """Package 1 follows the order's label: a label replaced after packing (address change) moves it on."""
    if package.seq != 1 or not order.tracking_number or package.tracking_number == order.tracking_number:
        return
    version = max(order.label_version, 1)
    package.tracking_number = order.tracking_number
    package.courier_code = order.courier_code
    package.routing_code = order.routing_code
    package.label_version = version
    package.waybill_ref = f"{order.order_number}-L{version}"
    package.waybill_status = WaybillState.ISSUED
    package.updated_at = now


def adopt_packages(session: Session, order: Order, now: datetime) -> Package | None:
    """An order packed before packages existed (older data, an import): one package with its order label,
    so the dock hands it over (or stops it, when it was refunded since) like any other."""
    was_packed = order.status == "packed" or (order.status in ("refunded", "cancelled") and order.packed_at)
    if not was_packed or session.scalar(select(func.count(Package.id)).where(Package.order_id == order.id)):
        return None
    box = BoxContent({})
    for line in order.lines:
        if line.refund_state != "refunded":
            box.units[line.sku] = box.units.get(line.sku, 0) + line.qty
    box.gift = order.gift is not None and order.gift.status == GiftStatus.PACKED
    package = _package(
        session,
        order,
        1,
        order.warehouse_id,
        PackageStatus.PACKED,
        box,
        {ln.sku: ln.name for ln in order.lines},
        None,
        now,
    )
    session.flush()
    _expect_weight(session, package)
    session.add(PackageEvent(package_id=package.id, kind="adopted", actor="system:dock", detail=None, at=now))
    session.flush()
    return package
