"""What both gunicorn tiers share: multiprocess Prometheus metrics.

Every worker writes its samples under PROMETHEUS_MULTIPROC_DIR and /metrics merges them. The directory
must exist and be empty when the master starts (stale files from a previous run would add old counts);
the systemd unit may set it, else a private one is created. A dead worker's files are marked on exit."""

from __future__ import annotations

import os
import shutil
import tempfile


def prometheus_dir(prefix: str) -> str:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=prefix)
    return os.environ["PROMETHEUS_MULTIPROC_DIR"]


def empty_prometheus_dir(server):  # type: ignore[no-untyped-def]
    """gunicorn `on_starting` hook."""
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)


def mark_worker_dead(server, worker):  # type: ignore[no-untyped-def]
    """gunicorn `child_exit` hook."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
