"""Raise, acknowledge and resolve alerts. A condition that is still open is never raised twice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.alerts import messages
from server.alerts.events import alert_acknowledged, alert_raised, alert_resolved
from server.alerts.models import Alert
from server.catalog.models import Warehouse
from server.config import enforcement_on
from server.errors import InvalidInput, NotFound
from server.events import DomainEvent
from server.orders.messages import UNKNOWN_WAREHOUSE
from server.orders.models import Order


@dataclass(frozen=True)
class RaiseResult:
    alert: Alert | None  # None only with PACKLINE_ENFORCEMENT=off
    created: bool
    events: list[DomainEvent]


@dataclass(frozen=True)
class AlertResult:
    alert: Alert | None
    changed: bool
    events: list[DomainEvent]


def raise_alert(
    session: Session,
    *,
    kind: str,
    severity: str,
    warehouse_code: str | None,
    order_id: int | None,
    dedupe_key: str,
    params: Mapping[str, Any],
    now: datetime,
    station: str | None = None,
) -> RaiseResult:
    """Raise an alert unless one with `dedupe_key` is still open (then that one comes back, created=False).

    Safe under concurrency on both databases: the partial unique index decides, the insert runs in a
    savepoint so losing the race leaves the caller's transaction usable. An alert about an order with
    no warehouse given lands in the order's warehouse.
    """
    if kind not in messages.KINDS:
        raise InvalidInput(messages.UNKNOWN_ALERT_KIND, kind=kind)
    if severity not in messages.SEVERITIES:
        raise InvalidInput(messages.UNKNOWN_SEVERITY, severity=severity)
    if not enforcement_on():  # benchmark baseline: nobody is told
        return RaiseResult(None, False, [])
    existing = open_alert(session, dedupe_key)
    if existing is not None:
        return RaiseResult(existing, False, [])
    values = _jsonable(dict(params))
    order_number = None
    warehouse_id = None
    if order_id is not None:
        row = session.execute(select(Order.order_number, Order.warehouse_id).where(Order.id == order_id)).first()
        if row is None:
            raise NotFound("order", order_id=order_id)
        order_number, warehouse_id = row
        values["order_number"] = order_number  # the order itself names it, whatever the caller passed
    if warehouse_code is not None:
        warehouse_id = session.scalar(select(Warehouse.id).where(Warehouse.code == warehouse_code))
        if warehouse_id is None:
            raise InvalidInput(UNKNOWN_WAREHOUSE, warehouse=warehouse_code)
    title, message = messages.render(kind, values, "zh-CN", station=station)
    alert = Alert(
        kind=kind,
        severity=severity,
        warehouse_id=warehouse_id,
        order_id=order_id,
        order_number=order_number,
        station=station,
        dedupe_key=dedupe_key,
        params=values,
        title=title[:100],
        message=message[:500],
        raised_at=now,
    )
    nested = session.begin_nested()
    try:
        session.add(alert)
        session.flush()
    except IntegrityError:
        nested.rollback()
        existing = open_alert(session, dedupe_key)
        if existing is None:
            raise
        return RaiseResult(existing, False, [])
    nested.commit()
    session.refresh(alert, ["warehouse"])
    return RaiseResult(alert, True, alert_raised(alert))


def open_alert(session: Session, dedupe_key: str) -> Alert | None:
    return session.scalars(select(Alert).where(Alert.dedupe_key == dedupe_key, Alert.resolved_at.is_(None))).first()


def get_alert(session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound("alert", message_code=messages.ALERT_NOT_FOUND, alert_id=alert_id)
    return alert


def acknowledge_alert(session: Session, alert_id: int, *, actor: str, now: datetime) -> AlertResult:
    """Someone has seen it. Idempotent: a second acknowledgement changes nothing and emits nothing."""
    alert = get_alert(session, alert_id)
    done = session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.acknowledged_at.is_(None))
        .values(acknowledged_at=now, acknowledged_by=actor)
    )
    session.refresh(alert)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return AlertResult(alert, False, [])
    return AlertResult(alert, True, alert_acknowledged(alert, actor, now))


def resolve_alert(
    session: Session, alert_id: int, *, actor: str, now: datetime, reason: str | None = None
) -> AlertResult:
    """The condition is gone. Idempotent like acknowledging; a resolved key may be raised again."""
    alert = get_alert(session, alert_id)
    done = session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by=actor, resolve_reason=reason)
    )
    session.refresh(alert)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return AlertResult(alert, False, [])
    return AlertResult(alert, True, alert_resolved(alert, actor, now))


def resolve_by_key(
    session: Session, dedupe_key: str, *, now: datetime, actor: str = "system:alerts", reason: str | None = None
) -> AlertResult:
    """Resolve the open alert of a condition, if there is one (e.g. the sync works again)."""
    alert = open_alert(session, dedupe_key)
    if alert is None:
        return AlertResult(None, False, [])
    return resolve_alert(session, alert.id, actor=actor, now=now, reason=reason)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
