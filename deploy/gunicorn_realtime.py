"""gunicorn settings of the realtime (Socket.IO) tier: `gunicorn -c deploy/gunicorn_realtime.py wsgi:app`.

One gevent worker per process (Socket.IO sessions live in one process's memory); scale by running more
processes on more ports, all sharing rooms through PACKLINE_REDIS_URL. The WebSocket upgrade is served by
simple-websocket on gunicorn's raw socket (python-engineio's gevent driver uses it when gevent-websocket
is absent), so no extra dependency and no custom worker class is needed."""

from __future__ import annotations

import os
import sys

# gunicorn loads this file by path; its sibling module is imported from the same folder.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gunicorn_common import empty_prometheus_dir, mark_worker_dead, prometheus_dir

# Before the app is imported: Flask-SocketIO must not guess (eventlet is out) and the runtime must
# know it runs under gevent (gunicorn's gevent worker has already monkey-patched the standard library).
os.environ["PACKLINE_SOCKETIO_ASYNC_MODE"] = "gevent"
# The countdown ticker starts lazily in the worker on its first accepted connection (server.realtime.setup).

bind = os.environ.get("PACKLINE_BIND", "127.0.0.1:8101")
workers = 1
worker_class = "gevent"
worker_connections = int(os.environ.get("PACKLINE_REALTIME_CONNECTIONS", "2000"))
# Long-lived sockets: a worker that is quiet for `timeout` seconds is the gevent hub being blocked.
timeout = 60
graceful_timeout = 20
keepalive = 75
accesslog = os.environ.get("PACKLINE_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"

prometheus_dir("packline-prom-rt-")
on_starting = empty_prometheus_dir
child_exit = mark_worker_dead
