"""Scans inside an open pack: items (case barcodes count several units), the gift slip, and completion
by scanning the order's own number or tracking number again."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from server.catalog.models import Product, ProductBarcode
from server.labels.gate import scan_label
from server.orders.numbers import GIFT_SUFFIX
from server.scanning import messages as m
from server.scanning.card import match_barcode
from server.scanning.closing import complete
from server.scanning.desk import Call, Outcome
from server.scanning.gate import gate
from server.scanning.models import PackItem, PackSession, PackStatus
from server.scanning.opening import find_order, touch
from server.scanning.rules import Matched, Result


def classify(call: Call) -> tuple[str | None, str | None, int]:
    """What the code is for the open pack's order, from the loaded card: (matched, sku, units)."""
    assert call.card is not None and call.scanned is not None
    order, code = call.card.order, call.scanned.code
    if code == order.order_number.upper():
        return Matched.ORDER, None, 0
    if order.tracking_number and code == order.tracking_number.upper():
        return Matched.TRACKING, None, 0
    if order.gift is not None and code == order.gift.gift_number.upper():
        return Matched.GIFT, None, 0
    hit = match_barcode(call.session, call.card, call.scanned.candidates)
    if hit is not None:
        return Matched.ITEM, hit[0], hit[1]
    return None, None, 0


def scan_in_pack(call: Call) -> Outcome:
    if not touch(call):
        return Outcome.rejected(m.NO_OPEN_PACK)
    matched, sku, units = classify(call)
    if matched == Matched.TRACKING:
        # Scanning the (re)printed label is what lifts an address-change hold: it proves the box now
        # carries the label with the new address. Must run before the hold gate below.
        _confirm_label(call)
    rejection = gate(call.card, matched)  # type: ignore[arg-type]
    if rejection is not None:
        return _with_sku(rejection, sku, units)
    if matched in (Matched.ORDER, Matched.TRACKING):
        return complete(call, matched)
    if matched == Matched.GIFT:
        return _accept_gift(call)
    if matched == Matched.ITEM and sku is not None:
        return _accept_item(call, sku, units)
    return _not_for_this_order(call)


def _confirm_label(call: Call) -> None:
    assert call.card is not None and call.scanned is not None
    station = call.station.code if call.station else call.station_code
    result = scan_label(
        call.session, call.card.order, call.scanned.code, station, call.actor.audit_name, call.now
    )
    if result.released:
        call.events.extend(result.events)
        call.card = call.load_order(call.card.order.id, call.pack)


def _with_sku(outcome: Outcome, sku: str | None, units: int) -> Outcome:
    outcome.sku, outcome.qty = sku, units
    return outcome


def _accept_item(call: Call, sku: str, units: int) -> Outcome:
    assert call.card is not None and call.pack is not None
    line = call.card.lines.get(sku)
    if line is None:  # a barcode of the gift's product, not of the order
        gift = call.card.gift
        return Outcome.rejected(
            m.ITEM_NOT_IN_ORDER,
            message_code=m.GIFT_ITEM_SCANNED,
            matched=Matched.ITEM,
            sku=sku,
            qty=units,
            details={
                "sku": sku,
                "name": sku,
                "is_gift": True,
                "gift_number": gift.gift_number if gift else "",
            },
        )
    details = {"sku": sku, "name": line.name, "qty": units, "required": line.required}
    done = call.session.execute(
        update(PackItem)
        .where(
            PackItem.pack_id == call.pack.id,
            PackItem.sku == sku,
            PackItem.scanned + units <= PackItem.required,
        )
        .values(scanned=PackItem.scanned + units)
        .execution_options(synchronize_session=False),  # synced by hand (_sync_item)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return Outcome.rejected(
            m.OVER_SCAN,
            matched=Matched.ITEM,
            sku=sku,
            qty=units,
            details={**details, "scanned": line.scanned},
        )
    line.scanned += units
    _sync_item(call.pack, sku, line.scanned)
    return Outcome.ok(
        m.ITEM_ACCEPTED,
        matched=Matched.ITEM,
        sku=sku,
        qty=units,
        details={**details, "scanned": line.scanned},
    )


def _accept_gift(call: Call) -> Outcome:
    assert call.card is not None and call.pack is not None
    gift = call.card.gift
    assert gift is not None
    details = {"gift_number": gift.gift_number}
    if not call.card.gift_pending:
        return Outcome(Result.DUPLICATE, m.GIFT_ALREADY_SCANNED, matched=Matched.GIFT, details=details)
    done = call.session.execute(
        update(PackSession)
        .where(
            PackSession.id == call.pack.id,
            PackSession.status == PackStatus.OPEN,
            PackSession.gift_scanned.is_(False),
        )
        .values(gift_scanned=True)
        .execution_options(synchronize_session=False),  # synced by hand below
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return Outcome(Result.DUPLICATE, m.GIFT_ALREADY_SCANNED, matched=Matched.GIFT, details=details)
    set_committed_value(call.pack, "gift_scanned", True)
    call.card.gift_scanned = True
    return Outcome.ok(m.GIFT_ACCEPTED, matched=Matched.GIFT, details=details)


def _not_for_this_order(call: Call) -> Outcome:
    """The code is nothing of this order's: say what it is, so the packer knows what went wrong."""
    assert call.card is not None and call.scanned is not None
    code, order_number = call.scanned.code or "", call.card.order.order_number
    product = call.session.execute(
        select(ProductBarcode.sku, Product.name)
        .join(Product, Product.sku == ProductBarcode.sku)
        .where(ProductBarcode.barcode.in_(call.scanned.candidates))
        .limit(1)
    ).first()
    if product is not None:
        return Outcome.rejected(
            m.ITEM_NOT_IN_ORDER,
            matched=Matched.ITEM,
            sku=product.sku,
            details={"sku": product.sku, "name": product.name},
        )
    if code.endswith(GIFT_SUFFIX) and len(code) > len(GIFT_SUFFIX):
        gift = call.card.gift
        return Outcome.rejected(
            m.GIFT_MISMATCH,
            matched=Matched.GIFT,
            details={
                "scanned": code,
                "order_number": order_number,
                "gift_number": gift.gift_number if gift else None,
            },
        )
    other = find_order(call.session, call.scanned)
    if other is not None:
        return Outcome.rejected(
            m.WRONG_ORDER, matched=other[1], details={"order_number": order_number, "scanned": code}
        )
    return Outcome.rejected(m.UNKNOWN_CODE, matched=Matched.UNKNOWN, details={"code": code})


def _sync_item(pack: PackSession, sku: str, scanned: int) -> None:
    for item in pack.items:
        if item.sku == sku:
            set_committed_value(item, "scanned", scanned)
