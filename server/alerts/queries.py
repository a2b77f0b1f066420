"""Read side of alerts: filtered, warehouse-scoped, newest first with keyset paging."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from server.alerts.models import Alert
from server.catalog.models import Warehouse
from server.errors import InvalidInput

STATUSES = ("open", "acknowledged", "resolved")


@dataclass(frozen=True)
class AlertFilter:
    statuses: tuple[str, ...] = ("open", "acknowledged")
    warehouse: str | None = None
    # The caller's scope; None = every warehouse. Global alerts (no warehouse) are visible to everyone.
    warehouse_ids: tuple[int, ...] | None = None
    kind: str | None = None
    station: str | None = None
    order_number: str | None = None


@dataclass(frozen=True)
class AlertPage:
    items: list[Alert]
    next_cursor: int | None


def list_alerts(session: Session, flt: AlertFilter, *, limit: int = 100, before_id: int | None = None) -> AlertPage:
    query = select(Alert).order_by(Alert.id.desc())
    conditions = [_status_condition(flt.statuses)]
    if flt.warehouse_ids is not None:
        conditions.append(or_(Alert.warehouse_id.in_(flt.warehouse_ids), Alert.warehouse_id.is_(None)))
    if flt.warehouse:
        wid = select(Warehouse.id).where(Warehouse.code == flt.warehouse).scalar_subquery()
        conditions.append(Alert.warehouse_id == wid)
    if flt.kind:
        conditions.append(Alert.kind == flt.kind)
    if flt.station:
        conditions.append(Alert.station == flt.station)
    if flt.order_number:
        conditions.append(Alert.order_number == flt.order_number)
    if before_id is not None:
        conditions.append(Alert.id < before_id)
    rows = list(session.scalars(query.where(*conditions).limit(limit + 1)))
    items = rows[:limit]
    return AlertPage(items, items[-1].id if len(rows) > limit and items else None)


def _status_condition(statuses: tuple[str, ...]) -> ColumnElement[bool]:
    unknown = set(statuses) - set(STATUSES)
    if unknown or not statuses:
        raise InvalidInput("INVALID_INPUT", field="status", allowed=list(STATUSES))
    parts = []
    if "open" in statuses:
        parts.append(and_(Alert.resolved_at.is_(None), Alert.acknowledged_at.is_(None)))
    if "acknowledged" in statuses:
        parts.append(and_(Alert.resolved_at.is_(None), Alert.acknowledged_at.is_not(None)))
    if "resolved" in statuses:
        parts.append(Alert.resolved_at.is_not(None))
    return or_(*parts)
