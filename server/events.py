"""Domain events: what happened, returned by domain functions and published by adapters after commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EVENT_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class DomainEvent:
    """`name` is the Socket.IO event name (order_updated, pack_progress, alert_raised, ...).

    `warehouse` and `station` say who may hear it; the realtime adapter maps them to rooms.
    """

    name: str
    payload: dict[str, Any]
    warehouse: str | None = None
    station: str | None = None
    rooms: tuple[str, ...] = field(default=())

    def envelope(self) -> dict[str, Any]:
        return {"v": EVENT_SCHEMA_VERSION, **self.payload}
