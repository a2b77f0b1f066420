"""Runs Packline in one process: the Flask app (and Socket.IO when the realtime adapter is present)."""

from __future__ import annotations

import logging

from server.app import create_app
from server.config import Settings
from server.runtime import Runtime

log = logging.getLogger("packline.serve")


def serve(settings: Settings, runtime: Runtime | None = None) -> None:
    app = create_app(settings, runtime=runtime)
    socketio = app.extensions.get("socketio")
    log.info("Packline serving on http://%s:%s (PDA: /pda, lead screen: /lead)", settings.host, settings.port)
    if socketio is not None:
        socketio.run(
            app, host=settings.host, port=settings.port, allow_unsafe_werkzeug=True, use_reloader=False
        )
    else:
        app.run(host=settings.host, port=settings.port, threaded=True, use_reloader=False)
