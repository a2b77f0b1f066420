"""The order card a packer sees: loaded once per call in two queries whatever the order's size (the first
usually joined onto the station's own query), then matched against."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.orm import Session, aliased, joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from server.catalog.models import ProductBarcode
from server.clock import ensure_aware
from server.orders.models import AddressVersion, GiftOrder, Hold, Order, OrderLine
from server.orders.states import GiftStatus
from server.privacy import mask_name, mask_phone
from server.scanning.models import PackSession

CurrentAddress = aliased(AddressVersion, name="current_address")


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
    # barcode -> (sku, units) for the order's SKUs (and the gift's, once looked up)
    barcodes: dict[str, tuple[str, int]]
    gift_scanned: bool = False
    # The current address as shown, taken when the card is loaded: a refresh of the order later in the
    # call (completion) expires the row, and reading it again would cost a query for the same values.
    address: dict[str, Any] | None = None
    hold_kinds: list[str] = field(default_factory=list)  # kinds of the open holds, sorted
    gift_barcodes_loaded: bool = False

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
            "address": self.address,
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


def address_view(address: AddressVersion | None, versions: int) -> dict[str, Any] | None:
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
        "changed": versions > 1,
    }


def card_columns() -> tuple[Any, ...]:
    """The order side of a card query: the order (gift and gift lines joined in), its current address,
    how many address versions it has, and the kind of each open hold (one row per open hold)."""
    return (Order, CurrentAddress, _address_count(), Hold.kind)


def join_card(query: Select[Any]) -> Select[Any]:
    """Join the card's columns onto `query`, whose FROM already reaches `Order` (see `card_columns`)."""
    latest = (
        select(func.max(AddressVersion.version))
        .where(AddressVersion.order_id == CurrentAddress.order_id)
        .scalar_subquery()
    )
    return (
        query.outerjoin(
            CurrentAddress, and_(CurrentAddress.order_id == Order.id, CurrentAddress.version == latest)
        )
        .outerjoin(Hold, and_(Hold.order_id == Order.id, Hold.released_at.is_(None)))
        # The shop is not on the card, and the order's warehouse is the station's (already loaded, so
        # reading it costs no query); joining both would only widen every row.
        .options(
            joinedload(Order.gift).joinedload(GiftOrder.lines),
            lazyload(Order.shop),
            lazyload(Order.warehouse),
        )
        # A card is reloaded after a change in the same call (a hold released, a failed completion).
        .execution_options(populate_existing=True)
    )


def load_card(session: Session, order_id: int, pack: PackSession | None) -> OrderCard:
    """The card of an order in two queries whatever its size (see `card_columns` and `build_card`)."""
    rows = session.execute(_ORDER_CARD, {"order_id": order_id}).unique().all()
    return build_card(session, rows, pack)


def build_card(session: Session, rows: Sequence[Sequence[Any]], pack: PackSession | None) -> OrderCard:
    """A card from the rows of a card query (their last four columns, see `card_columns`), plus one
    query for the order's lines with their barcodes (the gift's barcodes are looked up when needed)."""
    order, address, address_count = rows[0][-4], rows[0][-3], rows[0][-2]
    holds = sorted({row[-1] for row in rows if row[-1] is not None})
    lines: dict[str, CardLine] = {}
    barcodes: dict[str, tuple[str, int]] = {}
    order_lines: dict[int, OrderLine] = {}
    seen: set[str] = set()  # a SKU on several lines repeats its barcodes in the rows: take them once
    for line, barcode, units in session.execute(_LINES_WITH_BARCODES, {"order_id": order.id}):
        if line.id not in order_lines:
            order_lines[line.id] = line
            if line.sku in lines:
                lines[line.sku].required += line.qty
            else:
                lines[line.sku] = CardLine(line.sku, line.name, line.qty)
        if barcode is not None and barcode not in seen:
            seen.add(barcode)
            barcodes[barcode.upper()] = (line.sku, units)
            lines[line.sku].barcodes.append(barcode)
    # Completion and the pack's items read `order.lines`: hand them the rows just loaded.
    set_committed_value(order, "lines", list(order_lines.values()))
    if pack is not None:
        for item in pack.items:
            if item.sku in lines:
                lines[item.sku].scanned = item.scanned
    return OrderCard(
        order,
        lines,
        barcodes,
        gift_scanned=bool(pack and pack.gift_scanned),
        address=address_view(address, address_count or 0),
        hold_kinds=holds,
    )


def match_barcode(session: Session, card: OrderCard, candidates: Sequence[str]) -> tuple[str, int] | None:
    """(sku, units) of the first candidate that is a barcode of the order's or its gift's products.

    The gift's barcodes are fetched only when they could change the answer: when the first candidate
    is not one of the order's barcodes (one query, for orders with a gift)."""
    gift = card.gift
    first_hit = bool(candidates) and candidates[0].upper() in card.barcodes
    if gift is not None and gift.lines and not card.gift_barcodes_loaded and not first_hit:
        rows = session.execute(
            select(ProductBarcode.barcode, ProductBarcode.sku, ProductBarcode.qty).where(
                ProductBarcode.sku.in_({gl.sku for gl in gift.lines})
            )
        )
        for barcode, sku, units in rows:
            card.barcodes.setdefault(barcode.upper(), (sku, units))
        card.gift_barcodes_loaded = True
    for candidate in candidates:
        hit = card.barcodes.get(candidate.upper())
        if hit is not None:
            return hit
    return None


def _address_count() -> Any:
    return (
        select(func.count(AddressVersion.id))
        .where(AddressVersion.order_id == Order.id)
        .correlate(Order)
        .scalar_subquery()
        .label("address_count")
    )


# Built once (see server.scanning.desk._STATION_QUERY for why).
_ORDER_CARD = join_card(select(*card_columns()).select_from(Order).where(Order.id == bindparam("order_id")))
# The order's lines (by line number), each with its product's barcodes (by units, then barcode).
_LINES_WITH_BARCODES = (
    select(OrderLine, ProductBarcode.barcode, ProductBarcode.qty)
    .outerjoin(ProductBarcode, ProductBarcode.sku == OrderLine.sku)
    .where(OrderLine.order_id == bindparam("order_id"))
    .order_by(OrderLine.line_no, ProductBarcode.qty, ProductBarcode.barcode)
    .execution_options(populate_existing=True)
)
