"""Holds: place and release the reasons that block work on an order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.config import enforcement_on
from server.errors import Conflict, InvalidInput, NotFound
from server.events import DomainEvent
from server.orders import messages
from server.orders.events import order_updated
from server.orders.models import Hold, Order
from server.orders.states import HoldKind

HOLD_KINDS = frozenset(k.value for k in HoldKind)


@dataclass(frozen=True)
class HoldResult:
    hold: Hold
    changed: bool
    events: list[DomainEvent]


def place_hold(
    session: Session,
    order: Order,
    kind: str,
    *,
    reason: str | None,
    actor: str,
    source_system: str,
    now: datetime,
) -> HoldResult:
    """Idempotent: an open hold of the same kind is returned unchanged."""
    if kind not in HOLD_KINDS:
        raise InvalidInput("INVALID_INPUT", field="kind", allowed=sorted(HOLD_KINDS))
    if not enforcement_on():  # benchmark baseline: a hold that is never stored blocks nothing
        return HoldResult(Hold(order_id=order.id, kind=kind, reason=reason, placed_by=actor, placed_at=now), False, [])
    existing = _open_hold(session, order.id, kind)
    if existing is not None:
        return HoldResult(existing, False, [])
    hold = Hold(
        order_id=order.id,
        kind=kind,
        reason=reason,
        placed_by=actor,
        source_system=source_system,
        placed_at=now,
    )
    nested = session.begin_nested()
    try:
        session.add(hold)
        session.flush()
    except Exception:
        # A concurrent writer placed the same hold first (unique open-hold index): keep theirs.
        nested.rollback()
        existing = _open_hold(session, order.id, kind)
        if existing is None:
            raise
        return HoldResult(existing, False, [])
    nested.commit()
    _bump_version(session, order, now)
    session.refresh(order, ["holds"])
    return HoldResult(hold, True, [order_updated(order, "hold_placed", hold_kind=kind)])


def release_hold(
    session: Session, order: Order, hold_id: int, *, actor: str, reason: str | None, now: datetime
) -> HoldResult:
    hold = session.get(Hold, hold_id)
    if hold is None or hold.order_id != order.id:
        raise NotFound("hold", hold_id=hold_id)
    done = session.execute(
        update(Hold)
        .where(Hold.id == hold_id, Hold.released_at.is_(None))
        .values(released_at=now, released_by=actor, release_reason=reason)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(messages.HOLD_NOT_OPEN, hold_id=hold_id)
    session.refresh(hold)
    _bump_version(session, order, now)
    session.refresh(order, ["holds"])
    return HoldResult(hold, True, [order_updated(order, "hold_released", hold_kind=hold.kind)])


def release_holds_of_kind(
    session: Session, order: Order, kind: str, *, actor: str, reason: str | None, now: datetime
) -> list[DomainEvent]:
    hold = _open_hold(session, order.id, kind)
    if hold is None:
        return []
    return release_hold(session, order, hold.id, actor=actor, reason=reason, now=now).events


def _open_hold(session: Session, order_id: int, kind: str) -> Hold | None:
    return session.scalars(
        select(Hold).where(Hold.order_id == order_id, Hold.kind == kind, Hold.released_at.is_(None))
    ).first()


def _bump_version(session: Session, order: Order, now: datetime) -> None:
    session.execute(
        update(Order).where(Order.id == order.id).values(version=Order.version + 1, updated_at=now)
    )
    session.refresh(order, ["version", "updated_at"])
