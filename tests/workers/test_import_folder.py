"""The 08:00 pick-up: the planner enqueues once local time passes PACKLINE_IMPORT_AT, the job imports every
file of the folder once per day and archives it with a timestamp; the same file on another day changes
nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server import clock
from server.imports.models import ImportRun
from server.orders.models import Order
from server.runtime import Runtime
from tests.integration.imports.conftest import SAMPLE, snapshot
from workers import context
from workers.jobs.imports import import_daily_files, import_path, plan_daily_import


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    drop = tmp_path / "pos-drop"
    drop.mkdir()
    return drop


@pytest.fixture
def rt(runtime: Runtime, folder: Path) -> Iterator[Runtime]:
    worker_rt = Runtime(
        runtime.settings.with_(import_dir=str(folder), import_at="08:00"),
        runtime.engine,
        runtime.session_factory,
        runtime.publisher,
        runtime.jobs,
    )
    context.configure(worker_rt)
    yield worker_rt
    context.reset()


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    def pin(when: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: when)

    return pin


def _pos_orders(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Order).where(Order.source == "pos")) or 0


def test_daily_pickup_at_eight_warehouse_time(rt: Runtime, session: Session, folder: Path, at) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(SAMPLE, folder / "orders_daily.xlsx")
    (folder / "~$orders_daily.xlsx").write_bytes(b"excel lock file")
    at(datetime(2026, 2, 17, 23, 59, tzinfo=UTC))  # 07:59 on the 18th in Shanghai
    assert plan_daily_import() is None and rt.jobs.jobs == []  # type: ignore[attr-defined]
    at(datetime(2026, 2, 18, 0, 0, 30, tzinfo=UTC))  # 08:00:30
    assert plan_daily_import() == "2026-02-18"
    [(func_path, args, queue, job_id)] = rt.jobs.jobs  # type: ignore[attr-defined]
    assert (func_path, args, queue, job_id) == (
        "workers.jobs.imports.import_daily_files",
        ("2026-02-18",),
        "default",
        "import-folder:2026-02-18",
    )
    result = import_daily_files("2026-02-18")
    [done] = result["files"]
    assert done == {
        "file": "orders_daily.xlsx",
        "archived_as": "20260218-080030_orders_daily.xlsx",
        "status": "completed",
    }
    assert _pos_orders(session) == 60
    assert sorted(p.name for p in (folder / "archive").iterdir()) == ["20260218-080030_orders_daily.xlsx"]
    assert not (folder / "orders_daily.xlsx").exists() and list((folder / "processing").iterdir()) == []
    assert (folder / "~$orders_daily.xlsx").exists()  # Excel's lock file is not an export
    # Later ticks that day: nothing more is planned, and a duplicated job does nothing.
    at(datetime(2026, 2, 18, 3, 0, tzinfo=UTC))
    assert plan_daily_import() is None
    assert import_daily_files("2026-02-18") == {"day": "2026-02-18", "skipped": "already picked up"}


def test_the_same_file_next_day_changes_nothing(rt: Runtime, session: Session, folder: Path, at) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(SAMPLE, folder / "orders_daily.xlsx")
    at(datetime(2026, 2, 18, 0, 5, tzinfo=UTC))
    import_daily_files("2026-02-18")
    before = snapshot(session)
    shutil.copy(SAMPLE, folder / "orders_daily.xlsx")  # the store drops yesterday's export again
    at(datetime(2026, 2, 19, 0, 5, tzinfo=UTC))
    assert plan_daily_import() == "2026-02-19"
    [again] = import_daily_files("2026-02-19")["files"]
    assert again["status"] == "duplicate" and again["archived_as"] == "20260219-080500_orders_daily.xlsx"
    assert snapshot(session) == before
    assert session.scalars(select(ImportRun.status).order_by(ImportRun.id)).all() == [
        "completed",
        "duplicate",
    ]


def test_a_refused_file_is_archived_with_its_reason(rt: Runtime, folder: Path, at) -> None:  # type: ignore[no-untyped-def]
    (folder / "notes.csv").write_bytes("随便,写点\n1,2\n".encode())
    at(datetime(2026, 2, 18, 0, 5, tzinfo=UTC))
    [result] = import_daily_files("2026-02-18")["files"]
    assert result["status"] == "failed" and result["archived_as"].endswith("_notes.csv")


def test_without_an_import_folder_nothing_is_planned(runtime: Runtime) -> None:
    context.configure(runtime)
    try:
        assert plan_daily_import() is None
    finally:
        context.reset()


def test_import_one_file_by_path(rt: Runtime, session: Session, folder: Path) -> None:
    path = folder / "orders_daily.xlsx"
    shutil.copy(SAMPLE, path)
    report = import_path(str(path))
    assert report["orders_created"] == 60 and report["status"] == "completed"
    assert _pos_orders(session) == 60
