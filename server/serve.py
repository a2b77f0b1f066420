"""Runs Packline in one process: the Flask app with its Socket.IO server and countdown ticker.

PACKLINE_SOCKETIO_ASYNC_MODE=threading (default): Werkzeug's threaded server, one thread per WebSocket —
the embedded/demo mode. =gevent: the realtime tier; the standard library is monkey-patched before
anything else is imported (sockets to Redis and PostgreSQL must yield) and gevent's WSGI server runs.
Several such processes share rooms through PACKLINE_REDIS_URL.

`python -m server.serve [--host H] [--port P]` is the realtime tier's own entry: it patches before
importing anything at all (`packline serve` has already imported redis and ssl when it gets here)."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from server.config import Settings

if TYPE_CHECKING:
    from flask import Flask

    from server.runtime import Runtime

log = logging.getLogger("packline.serve")


def serve(settings: Settings, runtime: Runtime | None = None) -> None:
    if settings.socketio_async_mode == "gevent":
        from gevent import monkey

        if not monkey.is_module_patched("socket"):
            monkey.patch_all()
    # Imported only now, after patching, so every module binds the cooperative socket and threading.
    from server.app import create_app
    from server.realtime.setup import start_background_tasks

    app = create_app(settings, runtime=runtime)
    start_background_tasks(app)
    scheduler = None
    if settings.embedded and settings.periodic_jobs:
        from workers.embedded_scheduler import start_embedded_jobs

        # The embedded `packline cron`: platform windows, watchdogs, digests, the KPI rollup on a thread.
        scheduler = start_embedded_jobs(app.extensions["packline"])
    try:
        _run(app, settings)
    finally:
        if scheduler is not None:
            scheduler.stop()


def _run(app: Flask, settings: Settings) -> None:
    socketio = app.extensions.get("socketio")
    log.info(
        "Packline serving on http://%s:%s (PDA: /pda, lead screen: /lead; socket.io %s, %s)",
        settings.host,
        settings.port,
        settings.socketio_async_mode,
        "Redis message queue" if settings.redis_url else "single process",
    )
    if socketio is not None:
        socketio.run(
            app, host=settings.host, port=settings.port, allow_unsafe_werkzeug=True, use_reloader=False
        )
    else:
        app.run(host=settings.host, port=settings.port, threaded=True, use_reloader=False)


def main(argv: list[str] | None = None) -> int:
    if os.environ.get("PACKLINE_SOCKETIO_ASYNC_MODE") == "gevent":
        from gevent import monkey

        monkey.patch_all()
    import argparse

    from server.config import SettingsError

    parser = argparse.ArgumentParser(
        prog="python -m server.serve", description="Packline web + Socket.IO process"
    )
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
        settings = settings.with_(host=args.host or settings.host, port=args.port or settings.port)
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    serve(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
