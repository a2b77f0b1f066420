"""Room names and who joins which: the one place that maps tokens and domain events to Socket.IO rooms.

A client joins rooms only from its token in the connect handler (a reconnect is a new session with no
rooms); an event goes to the rooms its warehouse/station/explicit rooms name."""

from __future__ import annotations

from collections.abc import Iterable

from server.events import DomainEvent

ALL = "all"  # principals without a warehouse (admin, cs, integrations); events that belong to no warehouse


def warehouse_room(code: str) -> str:
    return f"warehouse:{code}"


def station_room(warehouse: str, station: str) -> str:
    return f"station:{warehouse}:{station}"


def role_room(role: str) -> str:
    return f"role:{role}"


def rooms_for_client(
    *, role: str, warehouse: str | None, station: str | None, every_warehouse: Iterable[str]
) -> list[str]:
    """A warehouse-bound token hears its warehouse (and its station); one without a warehouse hears them all."""
    rooms = [role_room(role)]
    if warehouse:
        rooms.append(warehouse_room(warehouse))
        if station:
            rooms.append(station_room(warehouse, station))
    else:
        rooms.append(ALL)
        rooms.extend(warehouse_room(code) for code in every_warehouse)
    return rooms


def rooms_for_event(event: DomainEvent) -> list[str]:
    """Station events go to that station only (the lead hears the order's status change instead)."""
    rooms = list(event.rooms)
    if event.station and event.warehouse:
        rooms.append(station_room(event.warehouse, event.station))
    elif event.warehouse:
        rooms.append(warehouse_room(event.warehouse))
    if not rooms:
        rooms.append(ALL)
    return sorted(set(rooms))
