"""Alembic environment: the URL comes from the caller's connection or PACKLINE_DATABASE_URL."""

from __future__ import annotations

from alembic import context

from server import models
from server.config import Settings
from server.db import make_engine

target_metadata = models.Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables instead
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
