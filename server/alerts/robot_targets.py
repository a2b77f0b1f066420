"""Robot targets per warehouse (seedable): add or update one by (warehouse, name), list them without credentials."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.alerts.messages import SEVERITIES
from server.alerts.models import RobotTarget
from server.catalog.models import Warehouse
from server.errors import InvalidInput
from server.integrations.robots import KINDS
from server.orders.messages import UNKNOWN_WAREHOUSE


def upsert_robot_target(
    session: Session,
    *,
    warehouse_code: str,
    kind: str,
    name: str,
    now: datetime,
    url: str | None = None,
    key: str | None = None,
    secret: str | None = None,
    locale: str = "zh-CN",
    min_severity: str = "warning",
    active: bool = True,
) -> tuple[RobotTarget, bool]:
    """(target, created). Idempotent: seeding the same target twice changes nothing the second time."""
    if kind not in KINDS:
        raise InvalidInput("INVALID_INPUT", field="kind", allowed=list(KINDS))
    if min_severity not in SEVERITIES:
        raise InvalidInput("INVALID_INPUT", field="min_severity", allowed=list(SEVERITIES))
    if not (url or key):
        raise InvalidInput("INVALID_INPUT", field="url", reason="give the webhook URL or its token/key")
    warehouse_id = session.scalar(select(Warehouse.id).where(Warehouse.code == warehouse_code))
    if warehouse_id is None:
        raise InvalidInput(UNKNOWN_WAREHOUSE, warehouse=warehouse_code)
    target = session.scalars(
        select(RobotTarget).where(RobotTarget.warehouse_id == warehouse_id, RobotTarget.name == name)
    ).first()
    created = target is None
    if target is None:
        target = RobotTarget(warehouse_id=warehouse_id, name=name, created_at=now)
        session.add(target)
    values: dict[str, Any] = {
        "kind": kind, "url": url, "key": key, "secret": secret, "locale": locale,
        "min_severity": min_severity, "active": active,
    }
    for field, value in values.items():
        setattr(target, field, value)
    session.flush()
    return target, created


def describe_targets(session: Session) -> list[dict[str, Any]]:
    """For screens and the CLI: never the URL, key or secret, only whether they are set."""
    rows = session.scalars(select(RobotTarget).order_by(RobotTarget.warehouse_id, RobotTarget.name))
    return [
        {
            "warehouse": t.warehouse.code, "name": t.name, "kind": t.kind, "active": t.active,
            "locale": t.locale, "min_severity": t.min_severity, "signed": bool(t.secret),
            "configured_by": "url" if t.url else "key", "last_outcome": t.last_outcome,
            "next_send_at": t.next_send_at.isoformat() if t.next_send_at else None,
        }
        for t in rows
    ]
