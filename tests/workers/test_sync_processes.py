"""Separate processes: a sync killed mid-window converges when run again; `packline worker --burst` (the
production entry point: settings from the environment, runtime built lazily, horses forked) syncs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

from server.config import Settings
from tests.workers import harness as h
from workers import queues
from workers.jobs import sync as jobs

ROOT = Path(__file__).resolve().parents[2]
OP = "taobao.trades.sold.increment.get"


def settings_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKLINE_")}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value is None or value == f.default:
            continue
        env[f"PACKLINE_{f.name.upper()}"] = ",".join(value) if isinstance(value, tuple) else str(value)
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_a_worker_killed_mid_window_converges_on_the_rerun(configure_workers, run_worker, sims, clean_db):
    rt = configure_workers(
        sync_shops=("taobao:tmall-01",), sync_initial_lookback_minutes=28, sync_page_size=2
    )
    expected = h.seed_orders(sims["taobao"], 30, seed=31, oldest_min=10)
    # Every page answers 0.15 s late (well inside the read timeout), so the kill lands mid-window.
    h.fault(sims["taobao"], op=OP, kind="timeout", seconds=0.15, times=1000)
    with rt.read() as session:
        since = jobs.domain.next_since(
            session,
            "taobao",
            "tmall-01",
            jobs.clock.now(),
            jobs.domain.WindowPolicy.from_settings(rt.settings),
        )
    code = f"from workers.jobs.sync import sync_platform_window; sync_platform_window('taobao', 'tmall-01', {since.isoformat()!r})"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=settings_env(rt.settings))
    try:
        deadline = time.monotonic() + 30
        while h.calls(sims["taobao"], OP) < 6 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    partial = h.external_ids(clean_db, "tmall")
    assert 0 < len(partial) < len(expected)  # pages committed one by one…
    assert h.cursor(clean_db, "taobao", "tmall-01") is None  # …but the window never finished

    sims["taobao"].app.faults.clear()
    jobs.plan_platform_syncs()
    run_worker()

    assert sorted(h.external_ids(clean_db, "tmall")) == sorted(expected)
    assert h.cursor(clean_db, "taobao", "tmall-01") is not None


def test_packline_worker_burst_syncs_from_the_environment(configure_workers, sims, clean_db, rq_redis):
    rt = configure_workers(sync_initial_lookback_minutes=28)
    tmall = h.seed_orders(sims["taobao"], 6, seed=32, oldest_min=10)
    pdd = h.seed_orders(sims["pdd"], 6, seed=33, oldest_min=10)
    rt.jobs.enqueue("workers.jobs.sync.plan_platform_syncs", queue=queues.SYNC)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "packline"), "worker", "--burst", "sync"],
        cwd=ROOT,
        env=settings_env(rt.settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(h.external_ids(clean_db, "tmall")) == sorted(tmall)
    assert sorted(h.external_ids(clean_db, "pdd")) == sorted(pdd)
