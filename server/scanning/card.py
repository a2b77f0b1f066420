"""The order card a packer sees: loaded once per call with a fixed number of queries, then matched against."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from server.catalog.models import ProductBarcode
from server.clock import ensure_aware
from server.orders.models import GiftOrder, Order
from server.orders.states import GiftStatus
from server.privacy import mask_name, mask_phone
from server.scanning.models import PackSession


@dataclass
class CardLine:
    sku: str
    name: str
    required: int
    scanned: int = 0
    barcodes: list[str] = field(default_factory=list)


@dataclass
class OrderCard:
    order: Order
    lines: dict[str, CardLine]
    barcodes: dict[str, tuple[str, int]]  # barcode -> (sku, units) for the order's and the gift's SKUs
    gift_scanned: bool = False

    @property
    def gift(self) -> GiftOrder | None:
        return self.order.gift

    @property
    def gift_pending(self) -> bool:
        """The gift still has to be proven in the parcel (scanned or overridden) before completion."""
        gift = self.gift
        return gift is not None and gift.status == GiftStatus.PENDING and not self.gift_scanned

    @property
    def required_units(self) -> int:
        return sum(line.required for line in self.lines.values())

    @property
    def scanned_units(self) -> int:
        return sum(min(line.scanned, line.required) for line in self.lines.values())

    @property
    def remaining_items(self) -> int:
        return self.required_units - self.scanned_units

    @property
    def hold_kinds(self) -> list[str]:
        return sorted({h.kind for h in self.order.open_holds})

    def gift_skus(self) -> set[str]:
        return {line.sku for line in self.gift.lines} if self.gift else set()

    def as_dict(self, now: datetime) -> dict[str, Any]:
        order = self.order
        ship_by = ensure_aware(order.ship_by) if order.ship_by else None
        return {
            "order_number": order.order_number,
            "status": order.status,
            "tracking_number": order.tracking_number,
            "ship_by": ship_by.isoformat() if ship_by else None,
            "seconds_left": int((ship_by - now).total_seconds()) if ship_by else None,
            "holds": self.hold_kinds,
            "lines": [
                {
                    "sku": ln.sku,
                    "name": ln.name,
                    "required": ln.required,
                    "scanned": ln.scanned,
                    "barcodes": ln.barcodes,
                }
                for ln in self.lines.values()
            ],
            "gift": self._gift_dict(),
            "address": self._address_dict(),
        }

    def _gift_dict(self) -> dict[str, Any] | None:
        gift = self.gift
        if gift is None:
            return None
        return {
            "gift_number": gift.gift_number,
            "status": gift.status,
            "scanned": self.gift_scanned or gift.status == GiftStatus.PACKED,
            "lines": [{"sku": gl.sku, "name": gl.name, "qty": gl.qty} for gl in gift.lines],
        }

    def _address_dict(self) -> dict[str, Any] | None:
        address = self.order.current_address
        if address is None:
            return None
        return {
            "name": mask_name(address.name),
            "phone": mask_phone(address.phone),
            "province": address.province,
            "city": address.city,
            "district": address.district,
            "detail": address.detail,
            "version": address.version,
            "changed": len(self.order.addresses) > 1,
        }


def load_card(session: Session, order_id: int, pack: PackSession | None) -> OrderCard:
    """Order, lines, holds, address versions, gift and barcodes in six queries whatever the order's size."""
    order = session.scalars(
        select(Order)
        .where(Order.id == order_id)
        .options(
            selectinload(Order.lines),
            selectinload(Order.holds),
            selectinload(Order.addresses),
            joinedload(Order.gift).selectinload(GiftOrder.lines),
        )
        .execution_options(populate_existing=True)
    ).one()
    return build_card(session, order, pack)


def build_card(session: Session, order: Order, pack: PackSession | None) -> OrderCard:
    lines: dict[str, CardLine] = {}
    for line in order.lines:
        if line.sku in lines:
            lines[line.sku].required += line.qty
        else:
            lines[line.sku] = CardLine(line.sku, line.name, line.qty)
    if pack is not None:
        for item in pack.items:
            if item.sku in lines:
                lines[item.sku].scanned = item.scanned
    skus = set(lines) | ({gl.sku for gl in order.gift.lines} if order.gift else set())
    barcodes: dict[str, tuple[str, int]] = {}
    rows = session.execute(
        select(ProductBarcode.barcode, ProductBarcode.sku, ProductBarcode.qty)
        .where(ProductBarcode.sku.in_(skus))
        .order_by(ProductBarcode.qty, ProductBarcode.barcode)
    )
    for barcode, sku, qty in rows:
        barcodes[barcode.upper()] = (sku, qty)
        if sku in lines:
            lines[sku].barcodes.append(barcode)
    return OrderCard(order, lines, barcodes, gift_scanned=bool(pack and pack.gift_scanned))
