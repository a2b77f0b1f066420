"""Alert jobs: the watchdogs, robot digests (one markdown message per robot per interval) and the purge of
old webhook delivery ids. Functions take plain values; each transaction is one `rt.work()`."""

from __future__ import annotations

import logging
from typing import Any

import requests
from sqlalchemy import select

from server import clock
from server.alerts.models import RobotTarget
from server.alerts.robot_digest import claim_digests, enqueue_digest, finish_digest
from server.alerts.watchdogs import WatchdogResult, check_no_tracking, check_overdue
from server.catalog.models import Warehouse
from server.config import Settings
from server.integrations.robots import RobotClient
from server.integrations.webhooks import purge_deliveries
from workers import context

log = logging.getLogger("packline.alerts")

WATCHDOG_BATCH = 500
MAX_BATCHES = 200  # a bound, not an expectation: 100 000 stuck orders per run


def run_watchdogs() -> dict[str, int]:
    """Periodic (idempotent at the database: one open alert per order and kind)."""
    rt = context.runtime()
    now = clock.now()
    minutes = rt.settings.no_tracking_alert_minutes
    checks = [
        lambda session: check_no_tracking(session, now=now, minutes=minutes, limit=WATCHDOG_BATCH),
        lambda session: check_overdue(session, now=now, limit=WATCHDOG_BATCH),
    ]
    total = WatchdogResult()
    for check in checks:
        for _ in range(MAX_BATCHES):
            with rt.work() as work:
                result = check(work.session)
                work.publish(result.events)
            total.merge(result)
            if result.raised < WATCHDOG_BATCH and result.resolved < WATCHDOG_BATCH:
                break
    for warehouse in sorted(total.warehouses):
        enqueue_digest(rt.jobs, warehouse, now, rt.settings.robot_digest_interval_seconds)
    return {"raised": total.raised, "resolved": total.resolved}


def plan_robot_digests() -> int:
    """Periodic: a digest job per warehouse that has robots (unsent alerts, global ones included)."""
    rt = context.runtime()
    now = clock.now()
    with rt.read() as session:
        warehouses = session.scalars(
            select(Warehouse.code)
            .join(RobotTarget, RobotTarget.warehouse_id == Warehouse.id)
            .where(RobotTarget.active.is_(True))
            .distinct()
        ).all()
    for code in warehouses:
        enqueue_digest(rt.jobs, code, now, rt.settings.robot_digest_interval_seconds)
    return len(warehouses)


def send_robot_digest(warehouse: str) -> dict[str, Any]:
    """Send the unsent alerts of `warehouse` to each of its robots as one message; see robot_digest."""
    rt = context.runtime()
    with rt.work() as work:
        claims = claim_digests(
            work.session, warehouse, now=clock.now(), interval_seconds=rt.settings.robot_digest_interval_seconds
        )
    statuses: dict[str, str] = {}
    if not claims:
        return {"warehouse": warehouse, "digests": statuses}
    with requests.Session() as http:
        client = robot_client(rt.settings, http)
        for claim in claims:
            outcome = client.send_markdown(claim.endpoint, claim.title, claim.text)
            with rt.work() as work:
                statuses[str(claim.digest_id)] = finish_digest(work.session, claim, outcome, now=clock.now())
    return {"warehouse": warehouse, "digests": statuses}


def robot_client(settings: Settings, http: requests.Session | None = None) -> RobotClient:
    return RobotClient(
        base_urls={"dingtalk": settings.dingtalk_base_url, "wecom": settings.wecom_base_url},
        timeout=(settings.http_connect_timeout_ms / 1000, settings.http_read_timeout_ms / 1000),
        http=http,
    )


def purge_webhook_deliveries() -> int:
    """Periodic: forget delivery ids older than PACKLINE_WEBHOOK_DELIVERY_KEEP_HOURS (≥ 24 h)."""
    rt = context.runtime()
    with rt.work() as work:
        removed = purge_deliveries(work.session, now=clock.now(), keep_hours=rt.settings.webhook_delivery_keep_hours)
    log.info("purged %d webhook delivery ids", removed)
    return removed
