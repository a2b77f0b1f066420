"""Wires the Socket.IO tier into a Flask app: server, handlers, publisher, countdown ticker.

Called from the composition root (server.app). The ticker starts from `start_background_tasks` (server.serve)
or, in a gevent process, on the first accepted connection (gunicorn + wsgi.py) — never at import or in
create_app, so tests and pre-fork masters run no stray tickers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from server.ports import RecordingPublisher
from server.realtime.countdown import CountdownTicker, LocalSlotLock, RedisSlotLock
from server.realtime.namespaces import Client, register_handlers
from server.realtime.publisher import SocketIOPublisher, register_local_emitter
from server.runtime import Runtime

log = logging.getLogger("packline.realtime")

EXTENSION = "packline.realtime"


@dataclass
class RealtimeTier:
    socketio: SocketIO
    clients: dict[str, Client]
    ticker: CountdownTicker


def init_realtime(app: Flask, rt: Runtime) -> RealtimeTier:
    settings = rt.settings
    options: dict[str, Any] = {
        # Explicit, always: left to itself Flask-SocketIO picks eventlet when it is installed.
        "async_mode": settings.socketio_async_mode,
        "manage_session": False,
        "channel": settings.socketio_channel,
    }
    if settings.redis_url:
        options["message_queue"] = settings.redis_url
    socketio = SocketIO(app, **options)
    emitter = SocketIOPublisher(socketio)
    if not settings.redis_url:
        register_local_emitter(socketio)  # embedded: in-process jobs emit through this server
    if isinstance(rt.publisher, RecordingPublisher):
        # The default publisher records into the void; keep it recording (tests read it) and emit as well.
        rt.publisher = SocketIOPublisher(socketio, also=rt.publisher)
    lock = (
        RedisSlotLock(settings.redis_url, settings.socketio_channel)
        if settings.redis_url
        else LocalSlotLock()
    )
    ticker = CountdownTicker(rt, emitter, lock, sleep=socketio.sleep, spawn=socketio.start_background_task)
    # Under gunicorn (wsgi.py) nobody calls start_background_tasks: a gevent process starts its ticker when
    # its first client is accepted — after the fork, and only in processes that serve sockets.
    lazy_start = ticker.start if settings.socketio_async_mode == "gevent" else None
    clients = register_handlers(socketio, rt, on_accept=lazy_start)
    tier = RealtimeTier(socketio, clients, ticker)
    app.extensions[EXTENSION] = tier
    return tier


def start_background_tasks(app: Flask) -> None:
    """Start the countdown ticker of this process (idempotent); every web process of the tier may run one."""
    tier: RealtimeTier | None = app.extensions.get(EXTENSION)
    if tier is not None and tier.ticker.start():
        log.info("realtime background tasks started (%s)", tier.socketio.async_mode)
