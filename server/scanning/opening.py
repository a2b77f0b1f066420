"""Opening a pack: find the order a code names, check it can be packed, and take its lock.

The lock is the open pack itself: partial unique indexes allow one open pack per order and per station,
and an idle pack is taken over only by a conditional UPDATE, so two stations can never both win."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from server.accounts.models import User
from server.catalog.models import Station
from server.clock import ensure_aware
from server.orders.models import Order
from server.orders.numbers import GIFT_SUFFIX
from server.scanning import messages as m
from server.scanning.codes import ScannedCode
from server.scanning.desk import Call, Outcome
from server.scanning.gate import gate
from server.scanning.models import PackItem, PackSession, PackStatus
from server.scanning.rules import Matched, lock_expired
from server.shipping.sources import remote_units


def find_order(session: Session, scanned: ScannedCode) -> tuple[int, str] | None:
    """(order id, what matched) for an order number, tracking number or gift code, in one query."""
    code = scanned.code or ""
    numbers = list(scanned.candidates)
    numbers += [
        c[: -len(GIFT_SUFFIX)] for c in scanned.candidates if c.upper().endswith(GIFT_SUFFIX) and len(c) > 4
    ]
    rows = session.execute(
        select(Order.id, Order.order_number, Order.tracking_number).where(
            or_(Order.order_number.in_(numbers), Order.tracking_number.in_(scanned.candidates))
        )
    ).all()
    for order_id, number, _ in rows:
        if number.upper() == code:
            return order_id, Matched.ORDER
    for order_id, _, tracking in rows:
        if tracking and tracking.upper() == code:
            return order_id, Matched.TRACKING
    for order_id, number, _ in rows:
        if number.upper() + GIFT_SUFFIX == code:
            return order_id, Matched.GIFT
    return None


def open_pack(call: Call, order_id: int, matched: str, lock_seconds: int) -> Outcome:
    assert call.station is not None
    card = call.load_order(order_id)
    order = card.order
    if order.warehouse_id != call.station.warehouse_id:
        call.card = None  # another warehouse's order card is not this packer's to see
        return Outcome.rejected(
            m.WRONG_WAREHOUSE, matched=matched, details={"warehouse": order.warehouse.code}
        )
    rejection = gate(card, matched)
    if rejection is not None:
        return rejection
    details: dict[str, Any] = {"order_number": order.order_number}
    holder = _open_pack_of(call.session, order_id)
    if holder is not None:
        idle = (call.now - ensure_aware(holder.last_activity_at)).total_seconds()
        if not lock_expired(idle, lock_seconds) or not _take_over(call, holder):
            return _locked(call, holder, matched, lock_seconds)
        details["took_over"] = {"pack_id": holder.id, "packer": holder.packer_name, "idle_seconds": int(idle)}
    pack = _new_pack(call, card.order)
    nested = call.session.begin_nested()
    try:
        call.session.add(pack)
        call.session.flush()
    except IntegrityError:
        # Another station (or another PDA at this one) opened a pack in the same instant.
        nested.rollback()
        return _lost_race(call, order_id, matched, lock_seconds)
    nested.commit()
    call.pack = pack
    return Outcome.ok(m.ORDER_OPENED, matched=matched, details=details)


def _open_pack_of(session: Session, order_id: int) -> PackSession | None:
    return session.scalars(
        select(PackSession).where(PackSession.order_id == order_id, PackSession.status == PackStatus.OPEN)
    ).first()


def _take_over(call: Call, holder: PackSession) -> bool:
    """Abandon an idle pack, unless it saw activity since we looked (then the lock still holds)."""
    done = call.session.execute(
        update(PackSession)
        .where(
            PackSession.id == holder.id,
            PackSession.status == PackStatus.OPEN,
            PackSession.last_activity_at == holder.last_activity_at,
        )
        .values(
            status=PackStatus.ABANDONED,
            closed_at=call.now,
            closed_by=call.actor.audit_name,
            close_reason=f"lock expired; taken over at {call.station_code}",
        )
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(holder, "status", PackStatus.ABANDONED)
    return True


def _locked(call: Call, holder: PackSession, matched: str, lock_seconds: int) -> Outcome:
    station = call.session.get(Station, holder.station_id)
    idle = int((call.now - ensure_aware(holder.last_activity_at)).total_seconds())
    return Outcome.rejected(
        m.ORDER_LOCKED,
        matched=matched,
        details={
            "order_number": call.card.order.order_number if call.card else None,
            "packer": holder.packer_name,
            "packer_username": holder.packer,
            "station": station.code if station else None,
            "station_name": station.name if station else None,
            "since": ensure_aware(holder.opened_at).isoformat(),
            "expires_in_seconds": max(0, lock_seconds - idle),
        },
    )


def _lost_race(call: Call, order_id: int, matched: str, lock_seconds: int) -> Outcome:
    holder = _open_pack_of(call.session, order_id)
    if holder is not None:
        return _locked(call, holder, matched, lock_seconds)
    assert call.station is not None
    busy = call.session.scalars(
        select(PackSession).where(
            PackSession.station_id == call.station.id, PackSession.status == PackStatus.OPEN
        )
    ).first()
    scanned = call.card.order.order_number if call.card else ""
    if busy is None:  # pragma: no cover - the index said one of the two exists
        return Outcome.rejected(m.ORDER_LOCKED, matched=matched, details={"order_number": scanned})
    call.pack = busy
    current = call.load_order(busy.order_id, busy)
    return Outcome.rejected(
        m.WRONG_ORDER,
        matched=matched,
        details={"order_number": current.order.order_number, "scanned": scanned},
    )


def _new_pack(call: Call, order: Order) -> PackSession:
    assert call.station is not None and call.card is not None
    pack = PackSession(
        station_id=call.station.id,
        warehouse_id=call.station.warehouse_id,
        order_id=order.id,
        packer_user_id=call.actor.user_id,
        packer=call.actor.username,
        packer_name=_display_name(call),
        device_id=call.device_id,
        status=PackStatus.OPEN,
        gift_scanned=False,
        opened_at=call.now,
        last_activity_at=call.now,
    )
    # Units another warehouse ships (server.shipping.sources) count as done here: this station packs the rest.
    elsewhere = remote_units(call.session, order)
    for line in call.card.lines.values():
        line.scanned = min(elsewhere.get(line.sku, 0), line.required)
        pack.items.append(
            PackItem(sku=line.sku, name=line.name[:200], required=line.required, scanned=line.scanned)
        )
    return pack


def _display_name(call: Call) -> str:
    if call.actor.user_id is None:
        return call.actor.username
    name = call.session.scalar(select(User.display_name).where(User.id == call.actor.user_id))
    return name or call.actor.username


def touch(call: Call) -> bool:
    """The lock's heartbeat; False when the pack was closed meanwhile (released, taken over)."""
    assert call.pack is not None
    done = call.session.execute(
        update(PackSession)
        .where(PackSession.id == call.pack.id, PackSession.status == PackStatus.OPEN)
        .values(last_activity_at=call.now)
        .execution_options(synchronize_session=False),  # synced by hand below
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        call.pack, call.card = None, None
        return False
    set_committed_value(call.pack, "last_activity_at", call.now)
    return True
