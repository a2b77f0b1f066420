"""What a label knows about an order: the courier's waybill request and the printed label's content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.catalog.models import Product, Warehouse
from server.integrations.ports import Party, WaybillRequest
from server.labels.content import LabelContent
from server.labels.models import WaybillRecord
from server.orders.models import AddressVersion, Order, OrderLine
from server.orders.states import GiftStatus

COURIER_NAMES = {
    "ZTO": "中通快递",
    "YTO": "圆通速递",
    "STO": "申通快递",
    "YUNDA": "韵达快递",
    "SF": "顺丰速运",
    "EMS": "EMS",
    "POSTB": "邮政快递包裹",
    "JTSD": "极兔速递",
}
# The gift goes in the parcel when it is packed, or will be (pending); "to reship" travels separately.
GIFT_IN_PARCEL = frozenset({GiftStatus.PENDING, GiftStatus.PACKED})
SKU_SUMMARY_MAX = 120


def current_address_version(order: Order) -> int:
    address = order.current_address
    return address.version if address is not None else 0


def shipped_lines(order: Order) -> list[OrderLine]:
    """Lines that go in the parcel: a refunded line stays on the shelf."""
    return [line for line in order.lines if line.refund_state != "refunded"] or list(order.lines)


def waybill_request(session: Session, order: Order, label_version: int) -> WaybillRequest:
    address = order.current_address
    if address is None:  # ingest always stores one; a hand-made order without one cannot ship
        raise ValueError(f"order {order.order_number} has no address")
    warehouse = order.warehouse
    lines = shipped_lines(order)
    weights = dict(
        session.execute(
            select(Product.sku, func.coalesce(Product.weight_g, 0)).where(
                Product.sku.in_([line.sku for line in lines])
            )
        ).all()
    )
    return WaybillRequest(
        order_number=order.order_number,
        sender=sender_party(warehouse),
        receiver=receiver_party(address),
        items=tuple((line.name, line.qty) for line in lines),
        weight_g=sum(int(weights.get(line.sku, 0)) * line.qty for line in lines),
        remark=f"Packline {order.order_number} L{label_version}",
    )


def sender_party(warehouse: Warehouse) -> Party:
    """The warehouse as the waybill's sender (the courier account knows its region)."""
    return Party(
        name=warehouse.sender_name or warehouse.name,
        mobile=warehouse.sender_phone or "",
        province="",
        city="",
        district="",
        address=warehouse.sender_address or "",
    )


def receiver_party(address: AddressVersion) -> Party:
    return Party(
        name=address.name,
        mobile=address.phone,
        province=address.province,
        city=address.city,
        district=address.district,
        address=address.detail,
    )


def sku_summary(order: Order) -> str:
    text = "；".join(f"{line.name} ×{line.qty}" for line in shipped_lines(order))
    return text if len(text) <= SKU_SUMMARY_MAX else text[: SKU_SUMMARY_MAX - 1] + "…"


def gift_inside(order: Order) -> bool:
    return order.gift is not None and order.gift.status in GIFT_IN_PARCEL


def gift_lines(order: Order) -> list[str]:
    if order.gift is None:
        return []
    return [f"{line.name} ×{line.qty}" for line in order.gift.lines]


def label_content(order: Order, record: WaybillRecord, printed_at: datetime) -> LabelContent:
    """The label of `record` (an issued waybill) with the raw recipient; the renderer masks it."""
    address = order.current_address
    assert address is not None and record.tracking_number
    warehouse = order.warehouse
    recipient_address = "".join(
        part for part in (address.province, address.city, address.district, address.detail) if part
    )
    return LabelContent(
        tracking_number=record.tracking_number,
        courier_code=record.courier_code,
        courier_name=COURIER_NAMES.get(record.courier_code, record.courier_code),
        routing_code=record.routing_code or "",
        consolidation=record.consolidation or None,
        recipient_name=address.name,
        recipient_phone=address.phone,
        recipient_address=recipient_address,
        sender_name=warehouse.sender_name or warehouse.name,
        sender_phone=warehouse.sender_phone or "",
        sender_address=warehouse.sender_address or "",
        order_number=order.order_number,
        printed_at=printed_at,
        gift_inside=gift_inside(order),
        sku_summary=sku_summary(order),
        time_zone=warehouse.timezone,
        label_version=record.label_version,
    )
