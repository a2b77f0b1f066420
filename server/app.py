"""Composition root: wires settings, database, publisher, job queue and every adapter into one Flask app."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from server import models  # noqa: F401 - every table registered before anything queries
from server.api import (
    alerts_routes,
    auth_routes,
    cs_routes,
    handover_routes,
    imports_routes,
    labels_routes,
    live_routes,
    meta_routes,
    metrics_routes,
    orders_routes,
    pack_routes,
    shipping_routes,
    stations_routes,
    webhooks_routes,
)
from server.api.errors import PacklineApi, register_error_handlers
from server.api.security import init_security
from server.config import Settings
from server.ports import JobQueue, Publisher
from server.runtime import Runtime

log = logging.getLogger("packline")

API_BLUEPRINTS = [auth_routes.blp, orders_routes.blp, live_routes.blp, stations_routes.blp, pack_routes.blp]
API_BLUEPRINTS += [alerts_routes.blp, webhooks_routes.blp, imports_routes.blp]
API_BLUEPRINTS += [cs_routes.blp, metrics_routes.blp]
API_BLUEPRINTS += [labels_routes.blp, labels_routes.stations_blp]
API_BLUEPRINTS += [shipping_routes.blp, handover_routes.blp]

API_DESCRIPTION = """Packline's REST API for PDAs, lead screens, customer service and integrations.

* Authenticate with `POST /api/v1/auth/login` and send `Authorization: Bearer <token>`.
* Every error is `{code, message, details}`; `code` is stable, `message` follows `Accept-Language`
  (`zh-CN` default, `en`).
* Real-time events (Socket.IO, same bearer token in the handshake: `auth={"token": ...}`) are described
  in `docs/realtime.md`: `order_updated`, `pack_progress`, `alert_raised`, `alert_acknowledged`,
  `countdown_snapshot`, `threshold_crossed`, each a JSON object with a schema version `v`, sent to rooms
  `warehouse:{code}`, `station:{warehouse}:{station}`, `role:{role}` and `all`. Delivery is at-most-once:
  after every (re)connect, re-fetch `GET /api/v1/live/{warehouse}`.
"""


def create_app(
    settings: Settings | None = None,
    *,
    publisher: Publisher | None = None,
    jobs: JobQueue | None = None,
    runtime: Runtime | None = None,
) -> Flask:
    settings = settings or (runtime.settings if runtime else Settings.from_env())
    if settings.log_json:
        from server.observability import configure_logging

        configure_logging(json_logs=True)
    own_jobs = runtime is None and jobs is None
    if own_jobs:
        from workers.context import make_job_queue

        # RQ on Redis in production; in the embedded mode the same job functions run in-process.
        jobs = make_job_queue(settings)
    rt = runtime or Runtime.create(settings, publisher=publisher, jobs=jobs)
    app = Flask("packline", static_folder=None)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_AS_ASCII=False,
        API_TITLE="Packline",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": API_DESCRIPTION},
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            },
        },
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["packline"] = rt
    api = PacklineApi(app)
    for blp in API_BLUEPRINTS:
        api.register_blueprint(blp)
    app.register_blueprint(meta_routes.blp)
    register_error_handlers(app)
    init_security(app)
    _register_optional_adapters(app, rt)
    if own_jobs and settings.embedded:
        from workers import context as job_context

        job_context.configure(rt)  # in-process jobs share this runtime (and its Socket.IO publisher)
    return app


def _register_optional_adapters(app: Flask, rt: Runtime) -> None:
    from pda_web import blueprint as pda_blueprint
    from server.realtime.setup import init_realtime

    app.register_blueprint(pda_blueprint.create_blueprint())
    # Socket.IO server (Redis message queue when PACKLINE_REDIS_URL is set); the runtime's default
    # recording publisher becomes one that emits after commit. Background ticks start in server.serve.
    init_realtime(app, rt)


def packline_runtime(app: Flask) -> Runtime:
    rt: Any = app.extensions["packline"]
    return rt  # type: ignore[no-any-return]
