"""Gift binding: promotion rules that give a gift create the order's gift sub-order at ingest."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import PromotionRule
from server.orders.models import GiftLine, GiftOrder, Order
from server.orders.numbers import gift_number
from server.orders.states import GiftStatus


def matching_rules(
    session: Session, promotions: list[str], paid_amount: Decimal, channel: str, at: datetime
) -> list[PromotionRule]:
    if not promotions:
        return []
    wanted = {p.strip() for p in promotions if p.strip()}
    rules = session.scalars(select(PromotionRule).where(PromotionRule.active.is_(True))).all()
    return [
        r
        for r in rules
        if (r.code in wanted or r.name in wanted)
        and paid_amount >= r.min_amount
        and (r.channel_code is None or r.channel_code == channel)
        and (r.starts_at is None or r.starts_at <= at)
        and (r.ends_at is None or at < r.ends_at)
    ]


def bind_gift(session: Session, order: Order, rules: list[PromotionRule], now: datetime) -> GiftOrder | None:
    """Create the gift sub-order once; an order that already has one keeps it unchanged."""
    if not rules or order.gift is not None:
        return None
    gift = GiftOrder(
        order_id=order.id,
        gift_number=gift_number(order.order_number),
        promotion_code=",".join(r.code for r in rules),
        status=GiftStatus.PENDING,
        created_at=now,
    )
    for rule in rules:
        gift.lines.append(GiftLine(sku=rule.gift_sku, name=rule.gift_product.name, qty=rule.gift_qty))
    order.gift = gift
    session.flush()
    return gift
