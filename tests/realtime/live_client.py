"""A python-socketio client that records what it hears, for tests and the fan-out benchmark."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import socketio


class LiveClient:
    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        station: str | None = None,
        reconnection: bool = False,
        on_connect: Callable[[LiveClient], None] | None = None,
    ) -> None:
        self.url = url
        self.events: list[tuple[str, Any, float]] = []
        self.refused: list[Any] = []
        self.connects = 0
        self._cond = threading.Condition()
        self.sio = socketio.Client(
            reconnection=reconnection, reconnection_delay=0.2, reconnection_delay_max=1
        )

        @self.sio.on("*")
        def _any(event: str, data: Any = None) -> None:
            with self._cond:
                self.events.append((event, data, time.time()))
                self._cond.notify_all()

        @self.sio.event
        def connect() -> None:
            with self._cond:
                self.connects += 1
                self._cond.notify_all()
            if on_connect is not None:
                threading.Thread(target=on_connect, args=(self,), daemon=True).start()

        @self.sio.event
        def connect_error(data: Any = None) -> None:
            # The server refuses with message=<code> and data={code, message, details}.
            if isinstance(data, dict) and isinstance(data.get("data"), dict):
                data = data["data"]
            with self._cond:
                self.refused.append(data)
                self._cond.notify_all()

        auth: dict[str, Any] = {}
        if token:
            auth["token"] = token
        if station:
            auth["station"] = station
        self.auth = auth

    def connect(self, timeout: float = 10) -> LiveClient:
        self.sio.connect(self.url, auth=self.auth or None, transports=["websocket"], wait_timeout=timeout)
        return self

    def hello(self) -> dict[str, Any]:
        return self.sio.call("hello", {}, timeout=5)  # type: ignore[no-any-return]

    def received(self, name: str) -> list[Any]:
        with self._cond:
            return [data for event, data, _ in self.events if event == name]

    def wait_for(
        self, name: str, predicate: Callable[[Any], bool] = lambda _d: True, timeout: float = 10
    ) -> Any:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event, data, _ in self.events:
                    if event == name and predicate(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {name} within {timeout}s; heard {[e for e, _, _ in self.events]}")
                self._cond.wait(left)

    def wait_until(self, condition: Callable[[], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("condition not met")
                self._cond.wait(min(left, 0.2))

    def close(self) -> None:
        self.sio.disconnect()
