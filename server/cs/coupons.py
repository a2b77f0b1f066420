"""Delay compensation coupons: one click at the desk, one coupon per order, amount by how late it is."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.cs import messages
from server.cs.models import DelayCoupon
from server.cs.promises import promise_of
from server.errors import Rejected
from server.metrics.rules import PromiseState
from server.orders.models import Order


@dataclass(frozen=True)
class CouponRule:
    min_late_hours: int
    amount: Decimal

    @property
    def name(self) -> str:
        return f"late>={self.min_late_hours}h"


@dataclass(frozen=True)
class CouponResult:
    coupon: DelayCoupon
    created: bool


def parse_rules(specs: tuple[str, ...] | list[str]) -> list[CouponRule]:
    """ "0:5", "24:10" → late < 24 h gets ¥5, ≥ 24 h gets ¥10 (PACKLINE_DELAY_COUPON_RULES=0:5,24:10)."""
    rules: list[CouponRule] = []
    for spec in specs:
        hours, sep, amount = spec.partition(":")
        try:
            rule = CouponRule(int(hours), Decimal(amount).quantize(Decimal("0.01")))
        except (ValueError, InvalidOperation):
            raise ValueError(f"delay coupon rule {spec!r} is not HOURS:AMOUNT") from None
        if not sep or rule.min_late_hours < 0 or rule.amount <= 0:
            raise ValueError(f"delay coupon rule {spec!r} is not HOURS:AMOUNT with a positive amount")
        rules.append(rule)
    if not rules or min(r.min_late_hours for r in rules) != 0:
        raise ValueError("delay coupon rules need one rule starting at 0 hours")
    return sorted(rules, key=lambda r: r.min_late_hours)


def issue_delay_coupon(
    session: Session, order: Order, *, rules: list[CouponRule], actor: str, now: datetime
) -> CouponResult:
    """Idempotent: a repeat (or a concurrent double click) returns the order's one coupon unchanged."""
    existing = _coupon_of(session, order.id)
    if existing is not None:
        return CouponResult(existing, False)
    promise = promise_of(order, now)
    if promise.state is not PromiseState.LATE or promise.late_by is None:
        ship_by = order.ship_by.astimezone(ZoneInfo(order.warehouse.timezone)) if order.ship_by else None
        raise Rejected(
            messages.ORDER_NOT_LATE,
            order_number=order.order_number,
            state=promise.state.value,
            ship_by=ship_by.strftime("%Y-%m-%d %H:%M") if ship_by else "-",
        )
    late_hours = promise.late_by.total_seconds() / 3600
    rule = [r for r in rules if r.min_late_hours <= late_hours][-1]
    coupon = DelayCoupon(
        order_id=order.id,
        code=f"DC{secrets.token_hex(5).upper()}",
        amount=rule.amount,
        currency="CNY",
        rule=rule.name,
        late_minutes=int(promise.late_by.total_seconds() // 60),
        issued_by=actor,
        issued_at=now,
    )
    nested = session.begin_nested()
    try:
        session.add(coupon)
        session.flush()
    except IntegrityError:
        nested.rollback()  # someone issued it a moment ago: theirs is the order's coupon
        existing = _coupon_of(session, order.id)
        if existing is None:
            raise
        return CouponResult(existing, False)
    nested.commit()
    return CouponResult(coupon, True)


def _coupon_of(session: Session, order_id: int) -> DelayCoupon | None:
    return session.scalars(select(DelayCoupon).where(DelayCoupon.order_id == order_id)).first()
