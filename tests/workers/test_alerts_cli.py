"""`packline robot-target` on an embedded database: credentials from the environment, never printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from server import models
from server.cli import main
from server.db import make_engine
from tests.support import seed_reference_data


def test_add_and_list_robot_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'robots.db'}"
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    engine.dispose()
    monkeypatch.setenv("PACKLINE_DATABASE_URL", url)
    monkeypatch.setenv("HZ_DING_TOKEN", "token-from-env")
    monkeypatch.setenv("HZ_DING_SECRET", "SECfromenv")
    assert (
        main(
            [
                "robot-target",
                "HZ01",
                "dingtalk",
                "--key-env",
                "HZ_DING_TOKEN",
                "--secret-env",
                "HZ_DING_SECRET",
            ]
        )
        == 0
    )
    assert (
        main(["robot-target", "HZ01", "dingtalk", "--key-env", "HZ_DING_TOKEN", "--min-severity", "critical"])
        == 0
    )
    assert main(["robot-target", "--list"]) == 0
    out = capsys.readouterr().out
    assert "robot added: HZ01-dingtalk" in out and "robot updated: HZ01-dingtalk" in out
    assert (
        "warehouse=HZ01 name=HZ01-dingtalk kind=dingtalk active=True" in out
        and "min_severity=critical" in out
    )
    assert "token-from-env" not in out and "SECfromenv" not in out
