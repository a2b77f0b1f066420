"""Connect auth and rooms of the default namespace, and the `hello` clock/rooms query.

Same bearer tokens as the REST API: `auth={"token": ...}` in the handshake, `?token=` or an
Authorization header. Rooms come from the token alone; a PDA's station is accepted only when it belongs
to the token's warehouse. Anything else refuses the connection with {code, message}."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from flask import request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room
from sqlalchemy import select

from server import clock, i18n
from server.accounts.services import Principal, authenticate
from server.catalog.models import Station
from server.errors import Unauthorized
from server.live.countdown import all_warehouses
from server.observability import SOCKETIO_CLIENTS
from server.realtime.rooms import rooms_for_client
from server.runtime import Runtime

log = logging.getLogger("packline.realtime")

STATION_NOT_IN_WAREHOUSE = i18n.define(
    "STATION_NOT_IN_WAREHOUSE",
    "打包台 {station} 不属于您的仓库",
    "Station {station} does not belong to your warehouse",
)


@dataclass(frozen=True)
class Client:
    principal: Principal
    station: str | None
    rooms: tuple[str, ...]


def register_handlers(
    socketio: SocketIO, rt: Runtime, *, on_accept: Callable[[], Any] | None = None
) -> dict[str, Client]:
    """Registers the handlers; returns the live sid → Client map (per process). `on_accept` runs after
    every accepted connection (the realtime tier starts its ticker lazily that way)."""
    clients: dict[str, Client] = {}

    @socketio.on("connect")
    def on_connect(auth: Any = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        locale = i18n.pick_locale(auth.get("locale") or request.headers.get("Accept-Language"))
        token = _token(auth)
        if not token:
            _refuse("UNAUTHORIZED", locale)
        station = str(auth.get("station") or request.args.get("station") or "").strip() or None
        with rt.read() as session:
            try:
                principal = authenticate(session, token, now=clock.now())
            except Unauthorized as exc:
                _refuse(exc.code, locale)
            if station and not _station_of(session, principal, station):
                _refuse(STATION_NOT_IN_WAREHOUSE, locale, station=station)
            every = [] if principal.warehouse_code else [w.code for w in all_warehouses(session)]
        rooms = rooms_for_client(
            role=principal.role, warehouse=principal.warehouse_code, station=station, every_warehouse=every
        )
        for room in rooms:
            join_room(room)
        clients[request.sid] = Client(principal, station, tuple(rooms))  # type: ignore[attr-defined]
        SOCKETIO_CLIENTS.inc()
        if on_accept is not None:
            on_accept()

    @socketio.on("disconnect")
    def on_disconnect(*_args: Any) -> None:
        if clients.pop(request.sid, None) is not None:  # type: ignore[attr-defined]
            SOCKETIO_CLIENTS.dec()

    @socketio.on("hello")
    def on_hello(_data: Any = None) -> dict[str, Any]:
        """Acknowledged with the server clock (clients compute their offset) and what this socket hears."""
        client = clients.get(request.sid)  # type: ignore[attr-defined]
        # Countdown snapshots reach every client this often (through Redis in production): a client that
        # hears nothing for a few periods knows the live feed is broken although its socket is up.
        body: dict[str, Any] = {
            "v": 1,
            "server_time": clock.now().isoformat(),
            "heartbeat_seconds": rt.settings.countdown_interval_seconds,
        }
        if client is not None:
            body.update(
                name=client.principal.name,
                role=client.principal.role,
                warehouse=client.principal.warehouse_code,
                station=client.station,
                rooms=list(client.rooms),
            )
        return body

    return clients


def _token(auth: dict[str, Any]) -> str | None:
    token = auth.get("token") or request.args.get("token")
    if not token:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            token = header[7:]
    if not token:
        return None
    return str(token).strip() or None


def _station_of(session: Any, principal: Principal, station: str) -> bool:
    if principal.warehouse_id is None:
        return False
    found = session.scalar(
        select(Station.id).where(Station.warehouse_id == principal.warehouse_id, Station.code == station)
    )
    return found is not None


def _refuse(code: str, locale: str, **details: Any) -> NoReturn:
    # Socket.IO clients see `message` = the code and `data` = {code, message, details}.
    raise ConnectionRefusedError(
        code, {"code": code, "message": i18n.translate(code, locale, details), "details": details}
    )
