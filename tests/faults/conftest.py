"""Fault tests (marker `faults`, part of `make test`). Each starts the Redis or PostgreSQL it breaks (see
own_services.py); the tests that leave PostgreSQL alone get a database of their own on the machine's
server, cloned from one prepared template (schema, Alembic stamp, reference data) to save seconds."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.faults.packline_procs import prepare_schema
from tests.support import PG_ADMIN_URL, create_pg_database, drop_pg_database


@pytest.fixture(scope="session")
def packline_template() -> Iterator[str]:
    url = create_pg_database("packline_fault_template")
    try:
        prepare_schema(url)
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture
def packline_db(packline_template: str) -> Iterator[str]:
    """A fresh, prepared Packline database on the machine's PostgreSQL."""
    template = packline_template.rsplit("/", 1)[1]
    name = f"packline_fault_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    drop_pg_database(url)
