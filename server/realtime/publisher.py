"""Domain events → Socket.IO emits, after commit; also the emit-only publisher RQ workers use.

Safe for workers to import: it builds no Flask app. Emitting never raises into the caller — the
transaction is already committed, and clients re-fetch over REST after a reconnect anyway."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from server import clock
from server.events import DomainEvent
from server.ports import Publisher
from server.realtime.rooms import rooms_for_event

log = logging.getLogger("packline.realtime")

DEFAULT_CHANNEL = "packline-socketio"


class Emitter(Protocol):
    def emit(self, event: str, *args: Any, **kwargs: Any) -> Any: ...


def message(event: DomainEvent, now: Callable[[], Any] = clock.now) -> dict[str, Any]:
    """The payload on the wire: the event's envelope (with `v`) plus the sender's clock for offset checks."""
    body = event.envelope()
    body.setdefault("server_time", now().isoformat())
    return body


class SocketIOPublisher:
    """Publishes through a Flask-SocketIO server (or any emitter); optionally also to another publisher,
    so a recording publisher in tests or the demo keeps recording."""

    def __init__(self, emitter: Emitter, *, also: Publisher | None = None) -> None:
        self._emitter = emitter
        self._also = also

    def publish(self, events: Iterable[DomainEvent]) -> None:
        batch = list(events)
        for event in batch:
            rooms = rooms_for_event(event)
            try:
                self._emitter.emit(event.name, message(event), to=rooms)
            except Exception:  # a dead Redis must not turn a committed request into an error
                log.warning("could not emit %s to %s", event.name, rooms, exc_info=True)
        if self._also is not None:
            self._also.publish(batch)


class EmitOnlyPublisher(SocketIOPublisher):
    """For RQ workers and scripts: writes to the Redis message queue the web processes listen on."""

    def __init__(
        self, redis_url: str, *, channel: str = DEFAULT_CHANNEL, also: Publisher | None = None
    ) -> None:
        from flask_socketio import SocketIO

        # async_mode explicit: left alone, Flask-SocketIO would pick eventlet if it were installed.
        super().__init__(
            SocketIO(message_queue=redis_url, channel=channel, async_mode="threading"), also=also
        )


class LocalPublisher:
    """Embedded mode (no Redis): jobs run in a thread of the web process, so they emit through that
    process's Socket.IO server, once it registered itself; before that (a CLI job) events have no listener."""

    def publish(self, events: Iterable[DomainEvent]) -> None:
        if _local_emitters:
            SocketIOPublisher(_local_emitters[-1]).publish(events)


_local_emitters: list[Emitter] = []


def register_local_emitter(emitter: Emitter) -> None:
    """Called by the embedded web process's realtime setup (one Socket.IO server per process)."""
    _local_emitters[:] = [emitter]


def emit_only_publisher(settings: Any) -> Publisher:
    """What a worker publishes through: the Redis message queue the web processes listen on, or — in the
    embedded mode — the Socket.IO server of the process the in-process job queue runs in."""
    if settings.redis_url:
        return EmitOnlyPublisher(settings.redis_url, channel=settings.socketio_channel)
    return LocalPublisher()
