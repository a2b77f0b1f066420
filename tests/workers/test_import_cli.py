"""`packline import <file>` and `packline import-folder` on an embedded (SQLite) database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server import models
from server.cli import main
from server.db import make_engine
from server.orders.models import Order
from tests.integration.imports.conftest import SAMPLE
from tests.support import seed_reference_data


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    engine.dispose()
    monkeypatch.setenv("PACKLINE_DATABASE_URL", url)
    monkeypatch.setenv("PACKLINE_IMPORT_DIR", str(tmp_path / "drop"))
    return url


def _orders(url: str) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(Order)) or 0
    engine.dispose()
    return count


def test_import_command_prints_the_report(
    sqlite_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "orders_daily.xlsx"
    shutil.copy(SAMPLE, path)
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "orders_daily.xlsx: completed (run #1) — 60 created, 0 updated, 0 unchanged" in out
    assert "row 63 [手机]: 手机号位数不对(7 位)" in out and "row 65 [数量]" in out
    assert "row 62: 空行,已跳过 / Empty row, skipped" in out
    assert _orders(sqlite_env) == 60
    assert main(["import", str(path)]) == 0
    assert "duplicate (run #2)" in capsys.readouterr().out
    assert _orders(sqlite_env) == 60


def test_import_folder_command(sqlite_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(SAMPLE, drop / "orders_daily.xlsx")
    assert main(["import-folder"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("orders_daily.xlsx: completed -> archive/") and out.rstrip().endswith(
        "_orders_daily.xlsx"
    )
    assert _orders(sqlite_env) == 60 and len(list((drop / "archive").iterdir())) == 1
