"""An order's ship promise as the desk shows it: state, time left or how late, in words."""

from __future__ import annotations

from datetime import datetime, timedelta

from server.clock import ensure_aware
from server.cs.messages import PROMISE, SPAN, pick
from server.metrics.rules import EXIT_STATUSES, Promise, PromiseState, classify, tracked_at
from server.orders.models import Order


def promise_of(order: Order, now: datetime) -> Promise:
    exits = [t.at for t in order.trail if t.subject == "order" and t.to_status in EXIT_STATUSES]
    return classify(
        status=order.status,
        ship_by=_aware(order.ship_by),
        tracked=_aware(
            tracked_at(order.tracking_number, order.tracking_assigned_at, order.printed_at, order.shipped_at)
        ),
        exited_at=_aware(min(exits)) if exits else None,
        now=now,
    )


def span_text(span: timedelta, locale: str) -> str:
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return pick(SPAN["dh"], locale).format(d=days, h=hours)
    if hours:
        return pick(SPAN["hm"], locale).format(h=hours, m=mins)
    return pick(SPAN["m"], locale).format(m=mins)


def promise_text(promise: Promise, locale: str) -> str:
    if promise.ship_by is None:
        return pick(PROMISE["no_promise"], locale)
    if promise.state is PromiseState.ON_TIME:
        return pick(PROMISE["on_time"], locale)
    if promise.state is PromiseState.PENDING and promise.left is not None:
        return pick(PROMISE["pending"], locale).format(span=span_text(promise.left, locale))
    if promise.state is PromiseState.LATE and promise.late_by is not None:
        template = PROMISE["late_tracked"] if promise.tracked_at is not None else PROMISE["late"]
        return pick(template, locale).format(span=span_text(promise.late_by, locale))
    return pick(PROMISE["not_due"], locale)


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else ensure_aware(value)
