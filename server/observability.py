"""Operations view of a running Packline: Prometheus metrics at /metrics (multiprocess-aware under
gunicorn), JSON logs that carry a request id, and no personal data in either."""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

request_id_var: ContextVar[str | None] = ContextVar("packline_request_id", default=None)
job_id_var: ContextVar[str | None] = ContextVar("packline_job_id", default=None)

HTTP_LATENCY = Histogram(
    "packline_http_request_seconds",
    "HTTP request latency by endpoint and status",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
SCAN_LATENCY = Histogram(
    "packline_scan_seconds",
    "Pack-station scan call latency by result code",
    ["code"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1),
)
PACK_COMPLETIONS = Counter(
    "packline_pack_completions_total", "Packs completed (order + gift packed together)"
)
REJECTIONS = Counter("packline_scan_rejections_total", "Rejected scans by code", ["code"])
# Summed over the live processes of a multiprocess (gunicorn) deployment; a dead worker's share drops out.
SOCKETIO_CLIENTS = Gauge(
    "packline_socketio_clients", "Connected Socket.IO clients", multiprocess_mode="livesum"
)

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def scrub(text: str) -> str:
    """Mask mobile numbers that slipped into a log line (names and addresses are never logged)."""
    return _PHONE.sub(r"\1****\2", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": scrub(record.getMessage()),
        }
        if rid := request_id_var.get():
            entry["request_id"] = rid
        if jid := job_id_var.get():
            entry["job_id"] = jid
        if record.exc_info:
            entry["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(json_logs: bool) -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if json_logs else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root.handlers = [handler]
    root.setLevel(logging.INFO)


def new_request_id(incoming: str | None) -> str:
    if incoming and re.fullmatch(r"[A-Za-z0-9._-]{6,64}", incoming):
        return incoming
    return uuid.uuid4().hex


def render(extra_collectors: list[Any]) -> bytes:
    """Under gunicorn (PROMETHEUS_MULTIPROC_DIR set) merge every worker's samples; else this process's.
    Scrape-time gauges (database, Redis) are computed once per scrape, whichever worker answers."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        own = generate_latest(registry)
    else:
        own = generate_latest(REGISTRY)
    extra = CollectorRegistry()
    for collector in extra_collectors:
        extra.register(collector)
    return own + generate_latest(extra)


class QueryCollector:
    """Gauges computed at scrape time from the database and Redis (open alerts, queue depths, sync lag)."""

    def __init__(self, gauges: list[tuple[str, str, list[str], Any]]) -> None:
        self._gauges = gauges

    def collect(self):  # type: ignore[no-untyped-def]
        for name, doc, labels, source in self._gauges:
            family = GaugeMetricFamily(name, doc, labels=labels)
            try:
                for label_values, value in source():
                    family.add_metric(list(label_values), value)
            except Exception:  # a metric source being down must not break the scrape
                logging.getLogger("packline.metrics").warning("metric source %s unavailable", name)
                continue
            yield family
