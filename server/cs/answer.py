"""The answer card: everything an agent needs with a customer on the phone, in words, masked per role.
Pure: takes a loaded order (see `lookup.load_order`), its coupon, `now`, the locale and whether to reveal."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.clock import ensure_aware
from server.cs import messages as t
from server.cs.models import DelayCoupon
from server.cs.promises import promise_of, promise_text
from server.metrics.rules import PromiseState
from server.orders.messages import GIFT_LABELS, HOLD_LABELS, STATUS_LABELS, label
from server.orders.models import GiftOrder, Order, StatusTransition
from server.privacy import mask_address, mask_name, mask_phone


def order_tz(order: Order) -> ZoneInfo:
    try:
        return ZoneInfo(order.warehouse.timezone or "Asia/Shanghai")
    except (ValueError, KeyError):
        return ZoneInfo("Asia/Shanghai")


def gift_line(gift: GiftOrder | None, locale: str) -> str | None:
    """ "赠品: 保温水杯 (已打包)" / "Gift: 保温水杯 (packed)"."""
    if gift is None:
        return None
    names = "、".join(f"{g.name} ×{g.qty}" if g.qty > 1 else g.name for g in gift.lines) or gift.gift_number
    return t.pick(t.GIFT_LINE, locale).format(names=names, state=label(GIFT_LABELS, gift.status, locale))


def courier_label(code: str | None, locale: str) -> str:
    if not code:
        return ""
    return t.pick(t.COURIERS.get(code.upper(), (code, code)), locale)


def build_answer(
    order: Order, coupon: DelayCoupon | None, *, now: datetime, locale: str, reveal: bool
) -> dict[str, Any]:
    promise = promise_of(order, now)
    last = order.trail[-1] if order.trail else None
    return {
        "order_number": order.order_number,
        "external_id": order.external_id,
        "channel": order.source,
        "shop": order.shop.name,
        "brand": order.shop.brand,
        "warehouse": order.warehouse.code,
        "warehouse_name": order.warehouse.name,
        "timezone": order.warehouse.timezone or "Asia/Shanghai",
        "status": order.status,
        "status_label": label(STATUS_LABELS, order.status, locale),
        "last_operator": _step(last, locale) if last else None,
        "paid_at": order.paid_at,
        "paid_amount": str(order.paid_amount),
        "promise": {
            "ship_by": order.ship_by,
            "promised_ship_hours": order.promised_ship_hours,
            "state": promise.state.value,
            "minutes_left": _minutes(promise.left),
            "minutes_late": _minutes(promise.late_by),
            "text": promise_text(promise, locale),
        },
        "tracking": (
            {
                "number": order.tracking_number,
                "courier": order.courier_code,
                "courier_label": courier_label(order.courier_code, locale),
            }
            if order.tracking_number
            else None
        ),
        "gift": _gift(order.gift, locale),
        "gift_line": gift_line(order.gift, locale) or t.pick(t.NO_GIFT, locale),
        "holds": [
            {
                "kind": h.kind,
                "label": label(HOLD_LABELS, h.kind, locale),
                "reason": h.reason,
                "placed_by": h.placed_by,
                "placed_at": h.placed_at,
            }
            for h in order.open_holds
        ],
        "customer": _customer(order, reveal),
        "address": _address(order, reveal, locale),
        "lines": [
            {"sku": ln.sku, "name": ln.name, "qty": ln.qty, "refund_state": ln.refund_state}
            for ln in order.lines
        ],
        "trail": [_step(step, locale) for step in reversed(order.trail)],
        "coupon": coupon_view(coupon, locale),
        "coupon_eligible": coupon is None and promise.state is PromiseState.LATE,
    }


def _minutes(span: Any) -> int | None:
    return None if span is None else int(span.total_seconds() // 60)


def _gift(gift: GiftOrder | None, locale: str) -> dict[str, Any] | None:
    if gift is None:
        return None
    return {
        "gift_number": gift.gift_number,
        "status": gift.status,
        "status_label": label(GIFT_LABELS, gift.status, locale),
        "status_reason": gift.status_reason,
        "items": [{"sku": g.sku, "name": g.name, "qty": g.qty} for g in gift.lines],
        "packed_at": gift.packed_at,
    }


def _step(step: StatusTransition, locale: str) -> dict[str, Any]:
    table = GIFT_LABELS if step.subject == "gift" else STATUS_LABELS
    return {
        "at": ensure_aware(step.at),
        "subject": step.subject,
        "subject_label": t.pick(t.TRAIL_SUBJECT.get(step.subject, (step.subject, step.subject)), locale),
        "from_status": step.from_status,
        "to_status": step.to_status,
        "from_label": label(table, step.from_status, locale)
        if step.from_status
        else t.pick(t.TRAIL_CREATED, locale),
        "to_label": label(table, step.to_status, locale),
        "actor": step.actor,
        "source_system": step.source_system,
        "reason": step.reason,
    }


def _customer(order: Order, reveal: bool) -> dict[str, Any]:
    phone = order.customer_phone or ""
    if reveal:
        return {"name": order.customer_name, "phone": phone}
    return {"name": mask_name(order.customer_name), "phone": mask_phone(phone)}


def _address(order: Order, reveal: bool, locale: str) -> dict[str, Any] | None:
    address = order.current_address
    if address is None:
        return None
    full = f"{address.province}{address.city}{address.district}{address.detail}"
    if reveal:
        return {"name": address.name, "phone": address.phone, "text": full, "masked": False, "note": None}
    return {
        "name": mask_name(address.name),
        "phone": mask_phone(address.phone),
        "text": mask_address(full),
        "masked": True,
        "note": t.pick(t.ADDRESS_MASKED, locale),
    }


def coupon_view(coupon: DelayCoupon | None, locale: str) -> dict[str, Any] | None:
    if coupon is None:
        return None
    hours = coupon.rule.removeprefix("late>=").removesuffix("h")
    return {
        "code": coupon.code,
        "amount": str(coupon.amount),
        "currency": coupon.currency,
        "rule": coupon.rule,
        "rule_text": t.pick(t.COUPON_RULE, locale).format(hours=hours),
        "late_minutes": coupon.late_minutes,
        "issued_by": coupon.issued_by,
        "issued_at": ensure_aware(coupon.issued_at),
    }
