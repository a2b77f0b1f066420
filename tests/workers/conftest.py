"""Fixtures for the worker tests: a Redis database of this run's own, a PostgreSQL database whose data the
forked RQ work horses can see (committed, not rolled back), the simulators on loopback, and a worker
runtime wired to all three. Every fixture is opt-in, so other worker test modules pay only for theirs."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from redis import Redis
from rq import Worker
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import models
from server.config import Settings
from server.db import make_engine
from server.ports import RecordingPublisher
from server.runtime import Runtime
from simulators import courier, kingdee, pdd, taobao, wms
from simulators.base import SimulatorHandle
from tests.support import create_pg_database, drop_pg_database, seed_reference_data
from workers import context, queues

REDIS_HOST = os.environ.get("PACKLINE_TEST_REDIS_HOST", "127.0.0.1")
REDIS_DBS = range(7, 16)
LOCK = "packline:test-run-lock"
# Tables the worker tests write; TRUNCATE … CASCADE also empties what hangs off orders.
DATA_TABLES = (
    "orders",
    "order_number_sequences",
    "sync_cursors",
    "external_statuses",
    "consistency_checks",
    "status_pushes",
    "alerts",
)


@pytest.fixture(scope="session")
def redis_db() -> Iterator[int]:
    """A Redis db number from 7–15 nobody else is using, claimed with a lock key (parallel runs differ)."""
    token = f"{os.getpid()}-{uuid.uuid4().hex[:6]}"
    for number in REDIS_DBS:
        conn = Redis(host=REDIS_HOST, db=number)
        if conn.set(LOCK, token, nx=True, ex=3600):
            conn.flushdb()
            conn.set(LOCK, token, ex=3600)
            yield number
            conn.flushdb()
            conn.close()
            return
        conn.close()
    pytest.fail("no free Redis database in 7–15 for the worker tests")


@pytest.fixture
def rq_redis(redis_db: int) -> Iterator[Redis]:
    """The run's Redis db, emptied before each test (the lock key survives)."""
    conn = Redis(host=REDIS_HOST, db=redis_db)
    token = conn.get(LOCK)
    conn.flushdb()
    conn.set(LOCK, token or b"held", ex=3600)
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def worker_db_url() -> Iterator[str]:
    url = create_pg_database("packline_workers")
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    engine.dispose()
    yield url
    drop_pg_database(url)


@pytest.fixture(scope="session")
def worker_engine(worker_db_url: str) -> Iterator[Engine]:
    engine = make_engine(worker_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clean_db(worker_engine: Engine) -> Engine:
    """Committed data, visible across processes; emptied (reference data kept) before each test."""
    with worker_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE"))
    return worker_engine


@pytest.fixture(scope="session")
def sim_handles() -> Iterator[dict[str, SimulatorHandle]]:
    handles = {
        "taobao": taobao.start(timeout_seconds=1.0),
        "pdd": pdd.start(timeout_seconds=1.0),
        "kingdee": kingdee.start(timeout_seconds=1.0),
        "wms": wms.start(timeout_seconds=1.0),
        "courier": courier.start(timeout_seconds=1.0),
    }
    yield handles
    for handle in handles.values():
        handle.stop()


@pytest.fixture
def sims(sim_handles: dict[str, SimulatorHandle]) -> dict[str, SimulatorHandle]:
    """Simulators with empty books, no faults, real time; PDD lets windows come as close as 5 s to now."""
    for handle in sim_handles.values():
        app = handle.app
        with app.lock:
            app.journal.clear()
            app.faults.clear()
            app.reset_state()
            app.clock.reset()
    sim_handles["pdd"].app.settings["recent_lag_seconds"] = 5
    return sim_handles


def sim_settings(
    db_url: str, redis_url: str | None, handles: dict[str, SimulatorHandle], **overrides: object
) -> Settings:
    values: dict[str, object] = {
        "database_url": db_url,
        "redis_url": redis_url,
        "taobao_base_url": handles["taobao"].url,
        "taobao_app_key": "12345678",
        "taobao_app_secret": "topsecret",
        "taobao_session": "sess",
        "pdd_base_url": handles["pdd"].url,
        "pdd_client_id": "pddclient",
        "pdd_client_secret": "pddsecret",
        "pdd_access_token": "pddtoken",
        "kingdee_base_url": handles["kingdee"].url,
        "kingdee_acct_id": "packline-dc",
        "kingdee_username": "packline",
        "kingdee_password": "packline123",
        "wms_base_url": handles["wms"].url,
        "wms_app_key": "wmskey",
        "wms_app_secret": "wmssecret",
        "wms_customer_id": "PACKLINE",
        "courier_base_url": handles["courier"].url,
        "zto_app_key": "ztokey",
        "zto_app_secret": "ztosecret",
        "sync_shops": ("taobao:tmall-01@HZ01", "pdd:pdd-01@SH01"),
        "sync_lag_seconds": 10,
        "sync_page_size": 10,
        "sync_initial_lookback_minutes": 150,
        "sync_page_attempts": 4,
        "sync_backoff_ms": 50,
        "http_connect_timeout_ms": 1000,
        "http_read_timeout_ms": 500,
        "job_max_retries": 2,
        "job_retry_base_seconds": 0,  # RQ requeues at once: a burst worker sees the retries
        "consistency_settle_minutes": 0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


_warm: list[bool] = []


@pytest.fixture
def configure_workers(
    clean_db: Engine, rq_redis: Redis, redis_db: int, sims: dict[str, SimulatorHandle]
) -> Iterator[Callable[..., Runtime]]:
    """`configure_workers(**settings_overrides)` → the runtime jobs will use (RQ on the run's Redis)."""

    def configure(**overrides: object) -> Runtime:
        settings = sim_settings(
            str(clean_db.url.render_as_string(hide_password=False)),
            f"redis://{REDIS_HOST}:6379/{redis_db}",
            sims,
            **overrides,
        )
        context.reset()
        rt = Runtime.create(
            settings, engine=clean_db, publisher=RecordingPublisher(), jobs=context.make_job_queue(settings)
        )
        context.configure(rt)
        if not _warm:  # once per engine: the compiled loaders stay with the parent process
            context.warm_up(rt)
            _warm.append(True)
        return rt

    yield configure
    context.reset()


@pytest.fixture
def run_worker(rq_redis: Redis) -> Callable[..., bool]:
    """A real RQ worker in burst mode: forks a work horse per job, returns when the queues are empty."""

    def run(*names: str) -> bool:
        worker = Worker(list(names or queues.ALL), connection=rq_redis)
        return worker.work(burst=True, logging_level="WARNING")

    return run
