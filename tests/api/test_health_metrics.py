"""Operations endpoints: /readyz (database, migrations at head, Redis degrades only), /healthz, and the
Prometheus figures a pack scan leaves in /metrics."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from server import clock, models
from server.app import create_app
from server.config import Settings
from server.db import make_engine
from server.migrate import upgrade
from server.outbox.parking import forget, park, take_oldest
from server.runtime import Runtime
from tests.support import auth, create_pg_database, drop_pg_database, make_order, user_token

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture(scope="module")
def migrated_engine() -> Iterator[Engine]:
    url = create_pg_database("packline_ready")
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()
    drop_pg_database(url)


def _app(engine: Engine, **settings: object) -> tuple[Flask, Runtime]:
    rt = Runtime.create(
        Settings(database_url=engine.url.render_as_string(hide_password=False)), engine=engine
    )
    app = create_app(runtime=rt)
    # Set after create_app: the Socket.IO server would otherwise try the (dead) Redis message queue.
    rt.settings = rt.settings.with_(**settings)
    return app, rt


def test_healthz_needs_nothing(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_ok_when_migrations_at_head(migrated_engine: Engine) -> None:
    app, _ = _app(migrated_engine)
    r = app.test_client().get("/readyz")
    assert r.status_code == 200, r.json
    assert r.json == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "at head", "parked_jobs": "0", "redis": "embedded"},
    }


def test_readyz_degraded_not_failed_when_only_redis_is_down(migrated_engine: Engine) -> None:
    app, _ = _app(migrated_engine, redis_url=DEAD_REDIS)
    r = app.test_client().get("/readyz")
    assert r.status_code == 200, r.json
    assert r.json["status"] == "degraded"
    assert r.json["checks"]["redis"].startswith("degraded:")
    assert r.json["checks"]["migrations"] == "at head"


def test_readyz_counts_jobs_parked_while_redis_was_down(migrated_engine: Engine) -> None:
    app, rt = _app(migrated_engine, redis_url=DEAD_REDIS)
    with rt.work() as work:
        park(work.session, func_path="workers.jobs.labels.print_label", args=[1], queue="labels",
             job_id=None, request_id=None, now=clock.now())
    try:
        assert app.test_client().get("/readyz").json["checks"]["parked_jobs"] == "1"
    finally:
        with rt.work() as work:
            forget(work.session, [job.id for job in take_oldest(work.session, 10)])


def test_readyz_fails_when_the_schema_is_behind() -> None:
    url = create_pg_database("packline_behind")
    engine = make_engine(url)
    try:
        models.Base.metadata.create_all(engine)  # tables, but no alembic revision: never migrated
        app, _ = _app(engine)
        r = app.test_client().get("/readyz")
        assert r.status_code == 503
        assert r.json["status"] == "unavailable"
        assert r.json["checks"]["database"] == "ok" and r.json["checks"]["migrations"] == "behind"
    finally:
        engine.dispose()
        drop_pg_database(url)


def test_readyz_fails_when_the_database_is_down() -> None:
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    app, _ = _app(engine)
    r = app.test_client().get("/readyz")
    assert r.status_code == 503
    assert r.json["status"] == "unavailable" and r.json["checks"]["database"].startswith("error:")
    assert "migrations" not in r.json["checks"]


def _sample(text: str, metric: str, code: str) -> float:
    match = re.search(rf'^{metric}{{code="{code}"}} (\S+)$', text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_metrics_show_scan_latency_and_rejections_by_code(client: FlaskClient, session: Session) -> None:
    order = make_order(session, "printed")
    headers = {**auth(user_token(session, "packer.hz1")), "X-Request-Id": "pda7-req-000001"}
    before = client.get("/metrics").get_data(as_text=True)

    def scan(code: str) -> dict[str, object]:
        body = {"station": "PK01", "code": code, "client_scan_id": uuid.uuid4().hex}
        r = client.post("/api/v1/pack/scan", json=body, headers=headers)
        assert r.status_code == 200 and r.headers["X-Request-Id"] == "pda7-req-000001"
        return r.json  # type: ignore[no-any-return]

    opened = scan(order.order_number)
    assert opened["code"] == "ORDER_OPENED"
    rejected = scan("0000000000000")  # not a line of this order
    assert rejected["result"] == "rejected"
    after = client.get("/metrics").get_data(as_text=True)
    assert after.startswith("#") and "packline_http_request_seconds_bucket" in after

    count = "packline_scan_seconds_count"
    assert _sample(after, count, "ORDER_OPENED") == _sample(before, count, "ORDER_OPENED") + 1
    assert re.search(r'^packline_scan_seconds_bucket\{code="ORDER_OPENED",le="0.05"\} ', after, re.MULTILINE)
    code = str(rejected["code"])
    rejections = "packline_scan_rejections_total"
    assert _sample(after, rejections, code) == _sample(before, rejections, code) + 1
    assert _sample(after, count, code) == _sample(before, count, code) + 1
