"""Finding orders for the CS desk: one indexed probe per key kind, then one load of everything the answer
shows. No probe scans: order_number, gift_number and tracking_number have unique/plain indexes, the platform
id uses the (source, external_id) unique index with the (tiny) list of channels as its leading column, and
phone last 4 uses ix_orders_phone_last4 (about a hundred rows per value at 1M orders) before the name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from server.catalog.models import Channel
from server.cs.keys import CODE_KINDS, EXTERNAL, GIFT, ORDER, PHONE_NAME, TRACKING, LookupKey
from server.cs.models import DelayCoupon
from server.orders.models import GiftOrder, Order
from server.shipping.models import Package

MAX_MATCHES = 20


def find_order_ids(
    session: Session, key: LookupKey, *, warehouse_ids: tuple[int, ...] | None
) -> tuple[str, list[int]]:
    """The kind that matched (or the first tried) and the matching order ids, newest first.

    A gift number is probed first when the code ends in GIFT; order number, tracking number and platform id
    are probed together in one query (a BitmapOr of their three indexes), the kind decided by precedence."""
    if key.kinds == (PHONE_NAME,):
        return PHONE_NAME, _ids(session, _phone_name(key), warehouse_ids)
    if GIFT in key.kinds:
        ids = _ids(session, _gift(key), warehouse_ids)
        if ids:
            return GIFT, ids
    code_kinds = [k for k in key.kinds if k in CODE_KINDS]
    if not code_kinds:
        return key.kinds[0], []
    conditions: list[ColumnElement[bool]] = []
    if ORDER in code_kinds:
        conditions.append(Order.order_number.in_(key.codes))
    if TRACKING in code_kinds:
        conditions.append(Order.tracking_number.in_(key.codes))
    if EXTERNAL in code_kinds:
        # external_id alone has no index; the leading column of uq(source, external_id) is a short list.
        channels = list(session.scalars(select(Channel.code)))
        conditions.append(and_(Order.source.in_(channels), Order.external_id.in_(key.codes)))
    query = select(Order.id, Order.order_number, Order.tracking_number, Order.external_id).where(
        or_(*conditions)
    )
    if warehouse_ids is not None:
        query = query.where(Order.warehouse_id.in_(warehouse_ids))
    rows = session.execute(query.order_by(Order.id.desc()).limit(MAX_MATCHES)).all()
    codes = set(key.codes)
    for kind, column in ((ORDER, 1), (TRACKING, 2), (EXTERNAL, 3)):
        ids = [row[0] for row in rows if kind in code_kinds and row[column] in codes]
        if ids:
            return kind, ids
    if TRACKING in code_kinds:  # package 2… of a split shipment has its own number (server.shipping)
        ids = _ids(session, _package(key), warehouse_ids)
        if ids:
            return TRACKING, ids
    return (key.kinds[0] if key.kinds[0] != GIFT else code_kinds[0]), []


def load_order(session: Session, order_id: int) -> Order:
    """The order with everything the answer card shows, in a fixed handful of indexed queries."""
    return (
        session.scalars(
            select(Order)
            .where(Order.id == order_id)
            .options(
                selectinload(Order.lines),
                selectinload(Order.addresses),
                selectinload(Order.holds),
                selectinload(Order.trail),
                joinedload(Order.gift).joinedload(GiftOrder.lines),
            )
        )
        .unique()
        .one()
    )


def load_summaries(session: Session, ids: Sequence[int]) -> list[Order]:
    orders = session.scalars(
        select(Order).where(Order.id.in_(ids)).options(selectinload(Order.gift).selectinload(GiftOrder.lines))
    ).all()
    rank = {order_id: n for n, order_id in enumerate(ids)}
    return sorted(orders, key=lambda o: rank[o.id])


def coupon_of(session: Session, order_id: int) -> DelayCoupon | None:
    return session.scalars(select(DelayCoupon).where(DelayCoupon.order_id == order_id)).first()


def _ids(session: Session, query: Select[Any], warehouse_ids: tuple[int, ...] | None) -> list[int]:
    if warehouse_ids is not None:
        query = query.where(Order.warehouse_id.in_(warehouse_ids))
    return list(session.scalars(query.limit(MAX_MATCHES)))


def _gift(key: LookupKey) -> Select[Any]:
    return (
        select(Order.id)
        .join(GiftOrder, GiftOrder.order_id == Order.id)
        .where(GiftOrder.gift_number.in_(key.codes))
    )


def _package(key: LookupKey) -> Select[Any]:
    return (
        select(Order.id)
        .join(Package, Package.order_id == Order.id)
        .where(Package.tracking_number.in_(key.codes))
    )


def _phone_name(key: LookupKey) -> Select[Any]:
    name = (key.name or "").lower()
    return (
        select(Order.id)
        .where(
            Order.phone_last4 == key.last4,
            or_(
                func.lower(Order.customer_name) == name,
                func.lower(Order.customer_name).startswith(name, autoescape=True),
            ),
        )
        .order_by(Order.paid_at.desc().nulls_last(), Order.id.desc())
    )
