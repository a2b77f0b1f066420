"""Alembic: one head; an empty SQLite and an empty PostgreSQL upgrade to it; no drift from the models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from server import models
from server.db import make_engine
from server.migrate import at_head, heads, upgrade
from tests.support import create_pg_database, drop_pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    url = create_pg_database("packline_migr")
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop_pg_database(url)


def test_single_head() -> None:
    assert len(heads()) == 1


def test_upgrade_empty_database_to_head_without_drift(empty_engine: Engine) -> None:
    assert not at_head(empty_engine)
    upgrade(empty_engine)
    assert at_head(empty_engine)
    tables = set(inspect(empty_engine).get_table_names())
    assert set(models.Base.metadata.tables) <= tables
    with empty_engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), models.Base.metadata
        )
    assert diff == [], f"models and migrations differ: {diff}"


def test_upgrade_is_repeatable(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    upgrade(empty_engine)
    assert at_head(empty_engine)
