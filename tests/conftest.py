"""Fixtures: a real PostgreSQL database of this run's own and a SQLite file, both migrated to the models;
each test runs inside a SAVEPOINT that is rolled back, so tests see each other's nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from server import models
from server.app import create_app
from server.config import Settings
from server.db import make_engine
from server.ports import RecordingJobQueue, RecordingPublisher
from server.runtime import Runtime
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS
from tests.support import create_pg_database, drop_pg_database, seed_reference_data


def _prepare(engine: Engine) -> None:
    models.Base.metadata.create_all(engine)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    try:
        url = create_pg_database()
    except Exception as exc:  # a missing database must fail loudly, never skip
        pytest.fail(f"PostgreSQL is required for the tests (run `make services`): {exc}")
    yield url
    drop_pg_database(url)


@pytest.fixture(scope="session")
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    _prepare(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = Path(tmp_path_factory.mktemp("sqlite")) / "packline.db"
    engine = make_engine(f"sqlite:///{path}")
    _prepare(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
def any_engine(request: pytest.FixtureRequest) -> Engine:
    """For tests that must hold on both databases."""
    return request.getfixturevalue("pg_engine" if request.param == "postgresql" else "sqlite_engine")  # type: ignore[no-any-return]


@pytest.fixture
def engine(pg_engine: Engine) -> Engine:
    return pg_engine


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def session_factory(connection: Connection):  # type: ignore[no-untyped-def]
    def factory() -> Session:
        return Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)

    return factory


@pytest.fixture
def session(session_factory) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    s = session_factory()
    yield s
    s.close()


@pytest.fixture
def settings(engine: Engine) -> Settings:
    return Settings(
        database_url=str(engine.url.render_as_string(hide_password=False)), login_rate_limit_per_minute=1000
    )


@pytest.fixture
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture
def jobs() -> RecordingJobQueue:
    return RecordingJobQueue()


@pytest.fixture
def runtime(settings: Settings, engine: Engine, session_factory, publisher, jobs) -> Runtime:  # type: ignore[no-untyped-def]
    return Runtime(
        settings=settings, engine=engine, session_factory=session_factory, publisher=publisher, jobs=jobs
    )


@pytest.fixture
def app(runtime: Runtime) -> Flask:
    return create_app(runtime=runtime)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless Chromium per run, shared by the browser tests and the fault tests that look at a page
    (Playwright's sync API allows one running instance per thread)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests (run `make system-deps`): {CHROMIUM}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
