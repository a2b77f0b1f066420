"""The "查订单" chat reply a WeCom/DingTalk bot posts: one line per section, customer-safe (no address,
no holds). A split shipment (several packages, `server.shipping`) is worded "您的包裹已分N批发出" with each
package's tracking number; the desk passes the packages in, `shipments_of` is the one-parcel fallback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from server.cs import messages as t
from server.cs.answer import courier_label, gift_line, order_tz
from server.cs.promises import promise_of, promise_text
from server.orders.messages import STATUS_LABELS, label
from server.orders.models import Order


@dataclass(frozen=True)
class Shipment:
    tracking_number: str
    courier_code: str | None


@dataclass(frozen=True)
class ReplyContext:
    order: Order
    now: datetime
    locale: str
    shipments: list[Shipment]


def shipments_of(order: Order) -> list[Shipment]:
    """Today an order ships as one parcel; a split-shipment issue returns one entry per parcel here."""
    if not order.tracking_number:
        return []
    return [Shipment(order.tracking_number, order.courier_code)]


def _line(key: str, ctx: ReplyContext, **params: object) -> str:
    return t.pick(t.CHAT[key], ctx.locale).format(**params)


def _header(ctx: ReplyContext) -> list[str]:
    return [_line("order", ctx, order_number=ctx.order.order_number)]


def _status(ctx: ReplyContext) -> list[str]:
    return [_line("status", ctx, status=label(STATUS_LABELS, ctx.order.status, ctx.locale))]


def _ship_by(ctx: ReplyContext) -> list[str]:
    if ctx.order.ship_by is None:
        return []
    local = ctx.order.ship_by.astimezone(order_tz(ctx.order)).strftime("%Y-%m-%d %H:%M")
    promise = promise_text(promise_of(ctx.order, ctx.now), ctx.locale)
    return [_line("ship_by", ctx, ship_by=local, promise=promise)]


def _shipments(ctx: ReplyContext) -> list[str]:
    if not ctx.shipments:
        return (
            []
            if ctx.order.status in ("pending_payment", "refunded", "cancelled")
            else [_line("no_tracking", ctx)]
        )
    lines = [
        _line(
            "tracking", ctx, courier=courier_label(s.courier_code, ctx.locale), tracking=s.tracking_number
        ).replace("  ", " ")
        for s in ctx.shipments
    ]
    if len(lines) > 1:
        return [_line("split", ctx, count=len(lines)), *(f"  {n}. {line}" for n, line in enumerate(lines, 1))]
    return lines


def _gift(ctx: ReplyContext) -> list[str]:
    line = gift_line(ctx.order.gift, ctx.locale)
    return [line] if line else []


def _payment(ctx: ReplyContext) -> list[str]:
    return [_line("payment_link", ctx)] if ctx.order.status == "pending_payment" else []


SECTIONS: list[Callable[[ReplyContext], list[str]]] = [
    _header,
    _status,
    _ship_by,
    _shipments,
    _gift,
    _payment,
]


def order_reply(order: Order, *, now: datetime, locale: str, shipments: list[Shipment] | None = None) -> str:
    ctx = ReplyContext(order, now, locale, shipments or shipments_of(order))
    return "\n".join(line for section in SECTIONS for line in section(ctx))


def not_found_reply(key: str | None, locale: str) -> str:
    if not key:
        return t.pick(t.CHAT["no_key"], locale)
    return t.pick(t.CHAT["not_found"], locale).format(key=key)
