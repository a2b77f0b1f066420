"""Domain events of alerts and the payload screens and PDAs receive for them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server.alerts.messages import render
from server.alerts.models import Alert
from server.events import DomainEvent


def alert_snapshot(alert: Alert) -> dict[str, Any]:
    title, message = render(alert.kind, alert.params or {}, "zh-CN", station=alert.station)
    title_en, message_en = render(alert.kind, alert.params or {}, "en", station=alert.station)
    return {
        "id": alert.id,
        "kind": alert.kind,
        "severity": alert.severity,
        "warehouse": alert.warehouse_code,
        "order_number": alert.order_number,
        "station": alert.station,
        "title": title,
        "title_en": title_en,
        "message": message,
        "message_en": message_en,
        "raised_at": alert.raised_at.isoformat(),
    }


def _aimed(alert: Alert, name: str, payload: dict[str, Any]) -> list[DomainEvent]:
    """A station alert is for the lead screen too: one event for the warehouse, one for the station
    (a station event reaches that station only). Clients that hear both dedupe by alert id."""
    events = [DomainEvent(name=name, payload=payload, warehouse=alert.warehouse_code)]
    if alert.station and alert.warehouse_code:
        events.append(DomainEvent(name=name, payload=payload, warehouse=alert.warehouse_code, station=alert.station))
    return events


def alert_raised(alert: Alert) -> list[DomainEvent]:
    return _aimed(alert, "alert_raised", {"alert": alert_snapshot(alert)})


def alert_acknowledged(alert: Alert, by: str, at: datetime) -> list[DomainEvent]:
    return _aimed(alert, "alert_acknowledged", {"alert_id": alert.id, "by": by, "at": at.isoformat()})


def alert_resolved(alert: Alert, by: str, at: datetime) -> list[DomainEvent]:
    return _aimed(alert, "alert_resolved", {"alert_id": alert.id, "by": by, "at": at.isoformat()})
