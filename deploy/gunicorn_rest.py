"""gunicorn settings of the REST tier: `gunicorn -c deploy/gunicorn_rest.py wsgi:app`.

Ordinary threaded workers (no Socket.IO traffic reaches them: nginx sends /socket.io/ to the realtime
tier). Prometheus metrics are multiprocess: every worker writes its samples under
PROMETHEUS_MULTIPROC_DIR and /metrics merges them; a dead worker's files are marked on exit."""

from __future__ import annotations

import os
import sys

# gunicorn loads this file by path; its sibling module is imported from the same folder.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gunicorn_common import empty_prometheus_dir, mark_worker_dead, prometheus_dir

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

prometheus_dir("packline-prom-")
on_starting = empty_prometheus_dir
child_exit = mark_worker_dead
