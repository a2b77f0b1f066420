"""Seeded order generator: platform-neutral order specs, rendered as native TOP trades or PDD orders."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from simulators.catalog import BY_SKU, PRODUCTS, PROMOTIONS, Product, Promotion
from simulators.people import Buyer, mask_detail, mask_mobile, mask_name, random_buyer
from simulators.timefmt import CHINA, china_wall_clock

CENT = Decimal("0.01")
BUYER_MESSAGES = ("", "", "", "请尽快发货，谢谢", "不要放快递柜", "送人的，别放价格单", "周末在家")


@dataclass(frozen=True)
class OrderLine:
    product: Product
    qty: int

    @property
    def amount(self) -> Decimal:
        return self.product.price * self.qty


@dataclass(frozen=True)
class OrderSpec:
    serial: int  # random 18-digit number the platform ids derive from
    buyer: Buyer
    lines: tuple[OrderLine, ...]
    promotion: Promotion | None
    created: datetime
    paid: datetime | None
    buyer_message: str
    risky: bool = False

    @property
    def goods_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def discount(self) -> Decimal:
        return self.promotion.discount if self.promotion else Decimal("0.00")

    @property
    def payment(self) -> Decimal:
        return self.goods_total - self.discount

    @property
    def modified(self) -> datetime:
        return (self.paid or self.created) + timedelta(seconds=1)

    def line_payments(self) -> list[Decimal]:
        """The discount spread over the lines by amount; the last line takes the rounding rest."""
        shares = [
            (line.amount - self.discount * line.amount / self.goods_total).quantize(CENT, ROUND_HALF_UP)
            for line in self.lines[:-1]
        ]
        return [*shares, self.payment - sum(shares, Decimal("0.00"))]


def generate_orders(count: int, seed: int, since: datetime, until: datetime) -> list[OrderSpec]:
    """``count`` orders paid between ``since`` and ``until``; the same seed gives the same orders."""
    rng = random.Random(seed)
    span = max((until - since).total_seconds(), 1.0)
    moments = sorted(since + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    return [_one_order(rng, moment) for moment in moments]


def _one_order(rng: random.Random, moment: datetime) -> OrderSpec:
    products = rng.sample(PRODUCTS, k=rng.choice((1, 1, 1, 2, 2, 3)))
    lines = tuple(OrderLine(product, rng.choice((1, 1, 1, 2, 3))) for product in products)
    total = sum((line.amount for line in lines), Decimal("0.00"))
    paid = None if rng.random() < 0.06 else moment
    return OrderSpec(
        serial=rng.randrange(10**17, 10**18),
        buyer=random_buyer(rng),
        lines=lines,
        promotion=_pick_promotion(rng, total),
        created=moment - timedelta(seconds=rng.randrange(5, 900)),
        paid=paid,
        buyer_message=rng.choice(BUYER_MESSAGES),
        risky=rng.random() < 0.03,
    )


def _pick_promotion(rng: random.Random, total: Decimal) -> Promotion | None:
    eligible = [promo for promo in PROMOTIONS if total >= promo.threshold]
    if not eligible or rng.random() < 0.55:
        return None
    return rng.choice(eligible)


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def taobao_trade(spec: OrderSpec) -> dict[str, object]:
    """A TOP trade as ``taobao.trade.fullinfo.get`` would hold it (lists unwrapped; the sim wraps them)."""
    tid = 4 * 10**18 + spec.serial
    status = "WAIT_BUYER_PAY" if spec.paid is None else "WAIT_SELLER_SEND_GOODS"
    if spec.paid is not None and spec.risky:
        status = "PAID_FORBID_CONSIGN"
    lines = []
    for index, (line, payment) in enumerate(zip(spec.lines, spec.line_payments(), strict=True)):
        oid = tid if len(spec.lines) == 1 else tid + index + 1
        lines.append(
            {
                "oid": oid,
                "oid_str": str(oid),
                "status": status,
                "refund_status": "NO_REFUND",
                "num_iid": 600000000000 + int(line.product.barcode[-6:]),
                "sku_id": str(5000000000000 + int(line.product.barcode[-6:])),
                "outer_sku_id": line.product.sku,
                "title": line.product.name,
                "sku_properties_name": line.product.name.split(" ", 1)[-1],
                "num": line.qty,
                "price": _money(line.product.price),
                "total_fee": _money(line.amount),
                "payment": _money(payment),
                "divide_order_fee": _money(payment),
            }
        )
    address = spec.buyer.address
    trade: dict[str, object] = {
        "tid": tid,
        "tid_str": str(tid),
        "status": status,
        "type": "guarantee_trade",
        "created": china_wall_clock(spec.created),
        "modified": china_wall_clock(spec.modified),
        "payment": _money(spec.payment),
        "total_fee": _money(spec.goods_total),
        "discount_fee": _money(spec.discount),
        "post_fee": "0.00",
        "buyer_nick": mask_name(spec.buyer.nick),
        "buyer_message": spec.buyer_message,
        "seller_memo": "",
        "seller_flag": 0,
        "receiver_name": mask_name(spec.buyer.name),
        "receiver_state": address.province,
        "receiver_city": address.city,
        "receiver_district": address.district,
        "receiver_town": "",
        "receiver_address": mask_detail(address.detail),
        "receiver_zip": address.zip,
        "receiver_mobile": mask_mobile(spec.buyer.mobile),
        "receiver_phone": "",
        "oaid": f"1{spec.serial:x}",
        "orders": lines,
        "promotion_details": _taobao_promotions(spec),
    }
    if spec.paid is not None:
        trade["pay_time"] = china_wall_clock(spec.paid)
        trade["est_con_time"] = "付款后2天内"
    return trade


def _taobao_promotions(spec: OrderSpec) -> list[dict[str, object]]:
    promo = spec.promotion
    if promo is None:
        return []
    detail: dict[str, object] = {
        "id": 4 * 10**18 + spec.serial,
        "promotion_name": promo.name,
        "discount_fee": _money(promo.discount),
    }
    if promo.gift_sku:
        detail["gift_item_name"] = BY_SKU[promo.gift_sku].name
        detail["gift_item_num"] = "1"
    return [detail]


def pdd_order(spec: OrderSpec) -> dict[str, object]:
    """A PDD order as ``pdd.order.number.list.increment.get`` lists it (phone plain while awaiting shipment).

    Money is a decimal string as in the reference example. PDD has no promotion-name field; the
    promotion travels in the seller ``remark``, as sellers do.
    """
    address = spec.buyer.address
    paid = spec.paid
    return {
        "order_sn": f"{spec.created.astimezone(CHINA):%y%m%d}-{spec.serial % 10**15:015d}",
        "order_status": 1,
        "refund_status": 1,
        "confirm_status": 0 if paid is None else 1,
        "group_status": 1,
        "risk_control_status": 1 if spec.risky else 0,
        "is_lucky_flag": 1,
        "trade_type": 0,
        "created_time": china_wall_clock(spec.created),
        "confirm_time": "" if paid is None else china_wall_clock(paid),
        "pay_time": "" if paid is None else china_wall_clock(paid),
        "updated_at": china_wall_clock(spec.modified),
        "last_ship_time": china_wall_clock((paid or spec.created) + timedelta(hours=48)),
        "receiver_name": spec.buyer.name,
        "receiver_phone": spec.buyer.mobile,
        "province": address.province,
        "city": address.city or address.district,
        "town": address.district,
        "receiver_address": address.detail,
        "address": f"{address.province}{address.city}{address.district}{address.detail}",
        "goods_amount": _money(spec.goods_total),
        "discount_amount": _money(spec.discount),
        "seller_discount": _money(spec.discount),
        "pay_amount": _money(spec.payment),
        "postage": "0.00",
        "tracking_number": "",
        "logistics_id": 0,
        "buyer_memo": spec.buyer_message,
        "remark": spec.promotion.name if spec.promotion else "",
        "item_list": [
            {
                "goods_id": 300000000 + int(line.product.barcode[-6:]),
                "sku_id": 1200000000 + int(line.product.barcode[-6:]),
                "outer_id": line.product.sku,
                "goods_name": line.product.name,
                "goods_spec": line.product.name.split(" ", 1)[-1],
                "goods_count": line.qty,
                "goods_price": _money(line.product.price),
            }
            for line in spec.lines
        ],
    }
