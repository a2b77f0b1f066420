"""The embedded mode: no Redis, SQLite, the same sync jobs run by the in-process queue after commit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from server import models
from server.db import make_engine
from server.demo_seed import seed_reference
from server.ports import RecordingPublisher
from server.runtime import Runtime
from simulators.catalog import ALL_PRODUCTS
from tests.workers import harness as h
from tests.workers.conftest import sim_settings
from workers import context
from workers.inprocess import InProcessJobQueue
from workers.jobs import sync as jobs


@pytest.fixture
def embedded(tmp_path, sims) -> Iterator[Runtime]:
    url = f"sqlite:///{tmp_path / 'embedded.db'}"
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    with Session(engine) as session:
        seed_reference(session, list(ALL_PRODUCTS))  # no users: their password hashing is slow
        session.commit()
    settings = sim_settings(url, None, sims, sync_initial_lookback_minutes=28)
    queue = context.make_job_queue(settings)
    assert isinstance(queue, InProcessJobQueue)
    rt = Runtime.create(settings, engine=engine, publisher=RecordingPublisher(), jobs=queue)
    context.configure(rt)
    yield rt
    queue.stop()
    context.reset()
    engine.dispose()


def test_embedded_sync_runs_in_process_on_sqlite(embedded, sims):
    tmall = h.seed_orders(sims["taobao"], 8, seed=41, oldest_min=10)
    pdd = h.seed_orders(sims["pdd"], 8, seed=42, oldest_min=10)
    with embedded.work() as work:  # as a web request would: the job goes out after commit
        work.enqueue(jobs.__name__ + ".plan_platform_syncs", queue="sync")
    assert embedded.jobs.drain(30)  # type: ignore[attr-defined]
    assert sorted(h.external_ids(embedded.engine, "tmall")) == sorted(tmall)
    assert sorted(h.external_ids(embedded.engine, "pdd")) == sorted(pdd)
    before = h.snapshot(embedded.engine)
    jobs.plan_platform_syncs()
    assert embedded.jobs.drain(30)  # type: ignore[attr-defined]
    assert h.snapshot(embedded.engine) == before
