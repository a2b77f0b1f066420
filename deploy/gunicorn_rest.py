"""gunicorn settings of the REST tier: `gunicorn -c deploy/gunicorn_rest.py wsgi:app`.

Ordinary threaded workers (no Socket.IO traffic reaches them: nginx sends /socket.io/ to the realtime
tier). Prometheus metrics are multiprocess: every worker writes its samples under
PROMETHEUS_MULTIPROC_DIR and /metrics merges them; a dead worker's files are marked on exit."""

from __future__ import annotations

import os
import shutil
import tempfile

bind = os.environ.get("PACKLINE_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("PACKLINE_WEB_WORKERS", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("PACKLINE_WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (slow leaks); the jitter keeps them from restarting together.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("PACKLINE_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
errorlog = "-"
# Prefer the app's X-Forwarded-For view only from nginx on the same host.
forwarded_allow_ips = "127.0.0.1"

# The directory must exist and be empty when the master starts (stale files from a previous run would
# add old counts); the unit may set it, else a private one is created.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="packline-prom-")
_prom_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]


def on_starting(server):  # type: ignore[no-untyped-def]
    shutil.rmtree(_prom_dir, ignore_errors=True)
    os.makedirs(_prom_dir, exist_ok=True)


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
