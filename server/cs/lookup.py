"""Finding orders for the CS desk: one indexed probe, then one load of everything the answer shows — two
round trips for a found order. No probe scans: order_number, gift_number and tracking_number have
unique/plain indexes, the platform id uses the (source, external_id) unique index once per channel (the
channels table is tiny), and phone last 4 uses ix_orders_phone_last4 (about a hundred rows per value at
1M orders) before the name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, joinedload, selectinload

from server.catalog.models import Channel
from server.cs.keys import CODE_KINDS, GIFT, ORDER, PHONE_NAME, TRACKING, LookupKey
from server.cs.models import DelayCoupon
from server.orders.models import GiftOrder, Order
from server.shipping.models import Package

MAX_MATCHES = 20


def find_order_ids(
    session: Session, key: LookupKey, *, warehouse_ids: tuple[int, ...] | None
) -> tuple[str, list[int]]:
    """The kind that matched (or the first tried) and the matching order ids, newest first.

    A gift number is probed first when the code ends in GIFT; order number, tracking number and platform id
    are probed together in one query (a UNION ALL of three index probes), the kind decided by precedence."""
    if key.kinds == (PHONE_NAME,):
        return PHONE_NAME, _ids(session, _phone_name(key), warehouse_ids)
    if GIFT in key.kinds:
        ids = _ids(session, _gift(key), warehouse_ids)
        if ids:
            return GIFT, ids
    code_kinds = [k for k in key.kinds if k in CODE_KINDS]
    if not code_kinds:
        return key.kinds[0], []
    # One round trip for the three kinds: a UNION ALL of three index probes, ranked by precedence. The
    # platform id joins the (tiny) channels table so that uq(source, external_id) is probed per channel.
    probes = []
    for rank, kind in enumerate(CODE_KINDS):
        if kind not in code_kinds:
            continue
        probe = select(Order.id, literal(rank).label("rank"))
        if kind == ORDER:
            probe = probe.where(Order.order_number.in_(key.codes))
        elif kind == TRACKING:
            probe = probe.where(Order.tracking_number.in_(key.codes))
        else:
            probe = probe.join(Channel, Channel.code == Order.source).where(Order.external_id.in_(key.codes))
        if warehouse_ids is not None:
            probe = probe.where(Order.warehouse_id.in_(warehouse_ids))
        probes.append(probe)
    found = union_all(*probes).subquery()
    rows: Any = session.execute(
        select(found.c.id, found.c.rank).order_by(found.c.rank, found.c.id.desc()).limit(MAX_MATCHES)
    ).all()
    if rows:
        best = rows[0][1]
        return CODE_KINDS[best], [order_id for order_id, rank in rows if rank == best]
    if TRACKING in code_kinds:  # package 2… of a split shipment has its own number (server.shipping)
        ids = _ids(session, _package(key), warehouse_ids)
        if ids:
            return TRACKING, ids
    return (key.kinds[0] if key.kinds[0] != GIFT else code_kinds[0]), []


def load_order(session: Session, order_id: int) -> Order:
    """The order with everything the answer card shows."""
    return load_order_and_coupon(session, order_id)[0]


def load_order_and_coupon(session: Session, order_id: int) -> tuple[Order, DelayCoupon | None]:
    """One round trip: the order joined with its lines, addresses, holds, trail, gift and coupon. The
    joined rows multiply (lines × addresses × holds × trail), which for one order is a few dozen."""
    row = (
        session.execute(
            select(Order, DelayCoupon)
            .outerjoin(DelayCoupon, DelayCoupon.order_id == Order.id)
            .where(Order.id == order_id)
            .options(
                joinedload(Order.lines),
                joinedload(Order.addresses),
                joinedload(Order.holds),
                joinedload(Order.trail),
                joinedload(Order.gift).joinedload(GiftOrder.lines),
            )
        )
        .unique()
        .one()
    )
    return row[0], row[1]


def load_summaries(session: Session, ids: Sequence[int]) -> list[Order]:
    orders = session.scalars(
        select(Order).where(Order.id.in_(ids)).options(selectinload(Order.gift).selectinload(GiftOrder.lines))
    ).all()
    rank = {order_id: n for n, order_id in enumerate(ids)}
    return sorted(orders, key=lambda o: rank[o.id])


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
