"""The CS desk's two entry points — a lookup from the search box and a chat-bot reply — each timed and
recorded in cs_lookups for the KPI."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from server.cs import messages as t
from server.cs.answer import build_answer, gift_line
from server.cs.keys import code_key, parse_chat, parse_query
from server.cs.lookup import find_order_ids, load_order, load_order_and_coupon, load_summaries
from server.cs.models import CsLookup
from server.cs.reply import Shipment, not_found_reply, order_reply
from server.orders.messages import STATUS_LABELS, label
from server.privacy import mask_name
from server.shipping.queries import parcels_view, tracked_packages


@dataclass(frozen=True)
class Asker:
    actor: str
    warehouse_ids: tuple[int, ...] | None  # None = every warehouse
    reveal: bool  # full phone and address (admin, lead) or masked (cs)


@dataclass(frozen=True)
class DeskResult:
    found: bool
    kind: str
    kind_label: str
    latency_ms: float
    answer: dict[str, Any] | None = None
    matches: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ChatResult:
    reply: str
    found: bool
    locale: str
    order_number: str | None
    latency_ms: float


def desk_lookup(
    session: Session, text: str, kind: str | None, *, asker: Asker, now: datetime, locale: str
) -> DeskResult:
    """One order → its answer card; several (phone + name) → a list to choose from; none → found=False."""
    started = time.perf_counter()
    key = parse_query(text, kind)
    matched_kind, ids = (
        ("none", []) if key is None else find_order_ids(session, key, warehouse_ids=asker.warehouse_ids)
    )
    answer = None
    matches: list[dict[str, Any]] = []
    if len(ids) == 1:
        order, coupon = load_order_and_coupon(session, ids[0])
        answer = build_answer(order, coupon, now=now, locale=locale, reveal=asker.reveal)
        answer.update(parcels_view(session, order, locale))
    elif ids:
        matches = [_summary(o, locale, asker.reveal) for o in load_summaries(session, ids)]
    latency = (time.perf_counter() - started) * 1000
    _record(session, asker.actor, "desk", matched_kind, len(ids), latency, now)
    return DeskResult(
        bool(ids),
        matched_kind,
        t.pick(t.KEY_KINDS.get(matched_kind, t.KEY_KINDS["none"]), locale),
        round(latency, 2),
        answer,
        matches,
    )


def chat_reply(
    session: Session, message: str, *, actor: str, now: datetime, locale: str | None = None
) -> ChatResult:
    """Never an error: an unknown order or a message without a number gets a polite reply."""
    started = time.perf_counter()
    code, detected = parse_chat(message)
    reply_locale = locale or detected
    kind, ids = ("none", []) if code is None else find_order_ids(session, code_key(code), warehouse_ids=None)
    if ids:
        order = load_order(session, ids[0])
        parcels = [Shipment(p.tracking_number, p.courier_code) for p in tracked_packages(session, order.id)]
        text = order_reply(order, now=now, locale=reply_locale, shipments=parcels)
        number = order.order_number
    else:
        text, number = not_found_reply(code, reply_locale), None
    latency = (time.perf_counter() - started) * 1000
    _record(session, actor, "chat", kind, len(ids), latency, now)
    return ChatResult(text, bool(ids), reply_locale, number, round(latency, 2))


def _summary(order: Any, locale: str, reveal: bool) -> dict[str, Any]:
    return {
        "order_number": order.order_number,
        "status": order.status,
        "status_label": label(STATUS_LABELS, order.status, locale),
        "customer_name": order.customer_name if reveal else mask_name(order.customer_name),
        "shop": order.shop.name,
        "warehouse": order.warehouse.code,
        "paid_at": order.paid_at,
        "ship_by": order.ship_by,
        "tracking_number": order.tracking_number,
        "gift_line": gift_line(order.gift, locale) if order.gift else None,
    }


def _record(
    session: Session, actor: str, via: str, kind: str, matches: int, latency: float, now: datetime
) -> None:
    session.add(
        CsLookup(
            at=now,
            user=actor[:64],
            via=via,
            key_kind=kind,
            found=matches > 0,
            matches=matches,
            latency_ms=round(latency, 3),
        )
    )  # written by the caller's commit: bookkeeping is not part of the latency it records
