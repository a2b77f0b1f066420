"""Finding orders for the CS desk: one indexed probe per key kind, then one load of everything the answer
shows. No probe scans: order_number, gift_number and tracking_number have unique/plain indexes, the platform
id uses the (source, external_id) unique index with the (tiny) list of channels as its leading column, and
phone last 4 uses ix_orders_phone_last4 (about a hundred rows per value at 1M orders) before the name."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from server.catalog.models import Channel
from server.cs.keys import EXTERNAL, GIFT, ORDER, PHONE_NAME, TRACKING, LookupKey
from server.cs.models import DelayCoupon
from server.orders.models import GiftOrder, Order

MAX_MATCHES = 20


def find_order_ids(
    session: Session, key: LookupKey, *, warehouse_ids: tuple[int, ...] | None
) -> tuple[str, list[int]]:
    """The kind that matched (or the last tried) and the matching order ids, newest first."""
    kind = key.kinds[0]
    for kind in key.kinds:
        query = _probe(session, kind, key)
        if warehouse_ids is not None:
            query = query.where(Order.warehouse_id.in_(warehouse_ids))
        ids = list(session.scalars(query.limit(MAX_MATCHES)))
        if ids:
            return kind, ids
    return kind, []


def load_order(session: Session, order_id: int) -> Order:
    """The order with everything the answer card shows, in a fixed handful of indexed queries."""
    return session.scalars(
        select(Order)
        .where(Order.id == order_id)
        .options(
            selectinload(Order.lines),
            selectinload(Order.addresses),
            selectinload(Order.holds),
            selectinload(Order.trail),
            selectinload(Order.gift).selectinload(GiftOrder.lines),
        )
    ).one()


def load_summaries(session: Session, ids: Sequence[int]) -> list[Order]:
    orders = session.scalars(
        select(Order).where(Order.id.in_(ids)).options(selectinload(Order.gift).selectinload(GiftOrder.lines))
    ).all()
    rank = {order_id: n for n, order_id in enumerate(ids)}
    return sorted(orders, key=lambda o: rank[o.id])


def coupon_of(session: Session, order_id: int) -> DelayCoupon | None:
    return session.scalars(select(DelayCoupon).where(DelayCoupon.order_id == order_id)).first()


def _probe(session: Session, kind: str, key: LookupKey) -> Select[tuple[int]]:
    ids = select(Order.id)
    if kind == ORDER:
        return ids.where(Order.order_number.in_(key.codes))
    if kind == GIFT:
        return ids.join(GiftOrder, GiftOrder.order_id == Order.id).where(GiftOrder.gift_number.in_(key.codes))
    if kind == TRACKING:
        return ids.where(Order.tracking_number.in_(key.codes)).order_by(Order.id.desc())
    if kind == EXTERNAL:
        # external_id alone has no index; the leading column of uq(source, external_id) is a short list.
        channels = list(session.scalars(select(Channel.code)))
        return ids.where(Order.source.in_(channels), Order.external_id.in_(key.codes)).order_by(
            Order.id.desc()
        )
    if kind == PHONE_NAME and key.last4 and key.name:
        name = key.name.lower()
        return ids.where(
            Order.phone_last4 == key.last4,
            or_(
                func.lower(Order.customer_name) == name,
                func.lower(Order.customer_name).startswith(name, autoescape=True),
            ),
        ).order_by(Order.paid_at.desc().nulls_last(), Order.id.desc())
    return ids.where(Order.id.is_(None))
