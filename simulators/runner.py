"""Start and stop every simulator together, optionally seeded with orders and with new orders flowing in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from simulators import courier, crm, kingdee, pdd, robots, taobao, wms
from simulators.base import SimulatorHandle
from simulators.clock import SimClock
from simulators.platform import PlatformSimulator

STARTERS: dict[str, Callable[..., SimulatorHandle]] = {
    "taobao": taobao.start,
    "pdd": pdd.start,
    "kingdee": kingdee.start,
    "wms": wms.start,
    "courier": courier.start,
    "crm": crm.start,
    "robots": robots.start,
}

_running: dict[str, SimulatorHandle] = {}
_flow: dict[str, Any] = {}


def start_all(
    base_port: int | None = None,
    *,
    clock: SimClock | None = None,
    initial_orders: int = 0,
    seed: int = 1,
    options: dict[str, dict[str, Any]] | None = None,
) -> dict[str, str]:
    """Start every simulator (ports ``base_port``, ``+1``, … or ephemeral) sharing one clock.

    ``initial_orders`` seeds each platform with that many orders paid in the last two hours.
    ``options`` passes constructor keywords per simulator name. Returns ``{name: url}``.
    """
    if _running:
        raise RuntimeError("simulators already running; call stop_all() first")
    shared_clock = clock or SimClock()
    # A courier restarted against a persistent Packline database must not reissue old numbers.
    # Serials start at (seconds % 10^8) × 100: fine unless a run issued over 100 waybills a second.
    courier_defaults = {"first_serial": int(shared_clock.timestamp()) % 10**8 * 100 + 1}
    try:
        for offset, (name, start) in enumerate(STARTERS.items()):
            kwargs = {**(courier_defaults if name == "courier" else {}), **(options or {}).get(name, {})}
            port = 0 if base_port is None else base_port + offset
            _running[name] = start(port, clock=shared_clock, **kwargs)
    except BaseException:
        stop_all()
        raise
    if initial_orders:
        now = shared_clock.now()
        for index, platform in enumerate(platforms()):
            with platform.lock:
                platform.generate(initial_orders, seed + index, now - timedelta(hours=2), now)
    return urls()


def urls() -> dict[str, str]:
    return {name: handle.url for name, handle in _running.items()}


def handles() -> dict[str, SimulatorHandle]:
    return dict(_running)


def platforms() -> list[PlatformSimulator]:
    return [h.app for h in _running.values() if isinstance(h.app, PlatformSimulator)]


def start_flow(interval: float = 5.0, seed: int = 1000, per_tick: int = 2) -> None:
    """Keep new platform orders coming (the demo's live feed) every ``interval`` seconds."""
    if _flow:
        return
    stop = threading.Event()

    def run() -> None:
        tick = 0
        while not stop.wait(interval):
            tick += 1
            for index, platform in enumerate(platforms()):
                now = platform.clock.now()
                with platform.lock:
                    platform.generate(
                        per_tick, seed + tick * 100 + index, now - timedelta(seconds=interval), now
                    )

    thread = threading.Thread(target=run, name="sim-order-flow", daemon=True)
    _flow.update(stop=stop, thread=thread)
    thread.start()


def stop_flow() -> None:
    if _flow:
        _flow["stop"].set()
        _flow["thread"].join(timeout=5)
        _flow.clear()


def stop_all() -> None:
    stop_flow()
    while _running:
        _, handle = _running.popitem()
        handle.stop()
