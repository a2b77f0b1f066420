"""Open alerts for the lead screen: not resolved, of the warehouse or of no warehouse; the ones nobody
acknowledged yet first, then newest first. Same payload as the `alert_raised` event plus the ack state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.alerts.events import alert_snapshot
from server.alerts.models import Alert


def open_alerts(session: Session, warehouse_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
    alerts = session.scalars(
        select(Alert)
        .where(
            Alert.resolved_at.is_(None),
            (Alert.warehouse_id == warehouse_id) | Alert.warehouse_id.is_(None),
        )
        .order_by(Alert.acknowledged_at.is_not(None), Alert.raised_at.desc(), Alert.id.desc())
        .limit(limit)
    )
    return [
        {
            **alert_snapshot(a),
            "acknowledged_at": a.acknowledged_at.isoformat() if a.acknowledged_at else None,
            "acknowledged_by": a.acknowledged_by,
        }
        for a in alerts
    ]
