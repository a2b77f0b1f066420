"""Robot digests: the unsent alerts of a warehouse, batched into ONE markdown message per robot per interval.

Sending is split in two so the HTTP call runs outside any transaction and a retry never posts twice:
1. `claim_digests` (one transaction): takes the robot's send slot with a conditional UPDATE, records a
   digest and a (alert, robot) delivery row per alert — unique, so two jobs can never both claim one.
2. the caller posts each digest, then `finish_digest` records the outcome: on a throttle, a connection
   failure or an auth error the delivery rows are dropped (the alerts go out with a later digest,
   nothing is lost) and the robot pauses; a possibly-delivered message is never sent again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.alerts.messages import SEVERITIES, SEVERITY_RANK, local_time, render, severity_label
from server.alerts.models import Alert, RobotDelivery, RobotDigest, RobotTarget
from server.catalog.models import Warehouse
from server.i18n import pick_locale
from server.integrations.robots import MARKDOWN_MAX_BYTES, RobotEndpoint, SendOutcome
from server.ports import JobQueue

log = logging.getLogger("packline.alerts")
DIGEST_JOB = "workers.jobs.alerts.send_robot_digest"

MAX_ALERTS_PER_DIGEST = 200
# How long a robot rests after each outcome that sends the alerts again later (seconds): DingTalk locks
# a robot for 10 minutes after the 21st message in a minute, WeCom counts per minute.
PAUSE_AFTER = {("throttled", "dingtalk"): 600, ("throttled", "wecom"): 60, ("retryable", ""): 60, ("auth", ""): 600}
RETRY_LATER = frozenset(outcome for outcome, _ in PAUSE_AFTER)


@dataclass(frozen=True)
class DigestClaim:
    digest_id: int
    target_id: int
    endpoint: RobotEndpoint
    title: str
    text: str
    alert_ids: tuple[int, ...]


def enqueue_digest(jobs: JobQueue, warehouse: str, now: datetime, interval_seconds: int) -> None:
    """Ask for a digest soon. Best effort: the periodic digest job sends whatever this one does not."""
    bucket = int(now.timestamp()) // max(interval_seconds, 1)
    try:
        jobs.enqueue(DIGEST_JOB, warehouse, queue="alerts", job_id=f"robot-digest:{warehouse}:{bucket}")
    except Exception as exc:  # a queue outage must not undo or fail the work that raised the alert
        log.warning("robot digest for %s not enqueued (%s); the periodic run will send it", warehouse, type(exc).__name__)


def targets_for(session: Session, warehouse_code: str) -> list[RobotTarget]:
    return list(
        session.scalars(
            select(RobotTarget)
            .join(Warehouse, Warehouse.id == RobotTarget.warehouse_id)
            .where(Warehouse.code == warehouse_code, RobotTarget.active.is_(True))
            .order_by(RobotTarget.id)
        )
    )


def claim_digests(session: Session, warehouse_code: str, *, now: datetime, interval_seconds: int) -> list[DigestClaim]:
    """One digest per robot of the warehouse whose interval has passed and which has unsent alerts."""
    claims = []
    for target in targets_for(session, warehouse_code):
        pending = _unsent(session, target)
        if not session.scalar(select(pending.exists())):
            continue
        slot = session.execute(
            update(RobotTarget)
            .where(
                RobotTarget.id == target.id,
                or_(RobotTarget.next_send_at.is_(None), RobotTarget.next_send_at <= now),
            )
            .values(next_send_at=now + timedelta(seconds=interval_seconds))
        )
        if slot.rowcount != 1:  # type: ignore[attr-defined]
            continue  # within the interval, paused after a throttle, or another job took it
        alerts = list(session.scalars(pending.order_by(Alert.id).limit(MAX_ALERTS_PER_DIGEST)))
        digest = RobotDigest(target_id=target.id, status="sending", alert_count=0, text="", created_at=now)
        session.add(digest)
        session.flush()
        claimed = _insert_deliveries(session, digest.id, target.id, [a.id for a in alerts])
        mine = [a for a in alerts if a.id in claimed]
        if not mine:
            session.delete(digest)
            continue
        title, text = digest_text(mine, target, now)
        digest.alert_count, digest.text = len(mine), text
        session.flush()
        endpoint = RobotEndpoint(target.kind, target.name, target.url, target.key, target.secret)
        claims.append(DigestClaim(digest.id, target.id, endpoint, title, text, tuple(a.id for a in mine)))
    return claims


def finish_digest(session: Session, claim: DigestClaim, result: SendOutcome, *, now: datetime) -> str:
    """Record what the robot answered; returns the digest's final status."""
    status = {"ok": "sent", "throttled": "throttled", "retryable": "failed", "auth": "failed"}.get(
        result.outcome, result.outcome
    )
    session.execute(
        update(RobotDigest)
        .where(RobotDigest.id == claim.digest_id)
        .values(status=status, errcode=result.errcode, detail=result.detail[:255], finished_at=now)
    )
    values: dict[str, object] = {"last_outcome": result.outcome}
    if result.outcome in RETRY_LATER:
        # Not delivered: release the alerts so the next digest carries them, and let the robot rest.
        session.execute(delete(RobotDelivery).where(RobotDelivery.digest_id == claim.digest_id))
        seconds = PAUSE_AFTER.get((result.outcome, claim.endpoint.kind)) or PAUSE_AFTER[(result.outcome, "")]
        values["next_send_at"] = now + timedelta(seconds=seconds)
    session.execute(update(RobotTarget).where(RobotTarget.id == claim.target_id).values(**values))
    session.flush()
    return status


def digest_text(alerts: list[Alert], target: RobotTarget, now: datetime) -> tuple[str, str]:
    """Markdown title and body in the robot's locale, kept under the robot byte limit."""
    locale = pick_locale(target.locale)
    en = locale == "en"
    place = target.warehouse.code if en else target.warehouse.name
    title = f"Packline alerts ({len(alerts)})" if en else f"Packline 告警 {len(alerts)} 条"
    header = f"### {title} · {place}\n"
    footer = "\n> " + local_time(now, target.warehouse.timezone, "%Y-%m-%d %H:%M")
    budget = MARKDOWN_MAX_BYTES - len((header + footer).encode()) - 120  # room for the "and N more" line
    lines: list[str] = []
    used = 0
    for alert in sorted(alerts, key=lambda a: (-SEVERITY_RANK.get(a.severity, 0), a.id)):
        alert_title, message = render(alert.kind, alert.params or {}, locale, station=alert.station)
        line = f"- **{severity_label(alert.severity, locale)}** {alert_title}:{message}\n"
        if used + len(line.encode()) > budget:
            break
        lines.append(line)
        used += len(line.encode())
    rest = len(alerts) - len(lines)
    if rest:
        lines.append(f"- … and {rest} more on the lead screen\n" if en else f"- …… 另有 {rest} 条,请在看板查看\n")
    return title, header + "".join(lines) + footer


def _unsent(session: Session, target: RobotTarget):  # type: ignore[no-untyped-def]
    wanted = SEVERITIES[SEVERITY_RANK.get(target.min_severity, 0) :]
    sent = exists().where(RobotDelivery.alert_id == Alert.id, RobotDelivery.target_id == target.id)
    return select(Alert).where(
        or_(Alert.warehouse_id == target.warehouse_id, Alert.warehouse_id.is_(None)),
        Alert.resolved_at.is_(None),
        Alert.severity.in_(wanted),
        Alert.raised_at >= target.created_at,
        ~sent,
    )


def _insert_deliveries(session: Session, digest_id: int, target_id: int, alert_ids: list[int]) -> set[int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the alerts this digest won (both dialects)."""
    if not alert_ids:
        return set()
    insert: Any = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    rows = [{"alert_id": a, "target_id": target_id, "digest_id": digest_id} for a in alert_ids]
    stmt = (
        insert(RobotDelivery)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["alert_id", "target_id"])
        .returning(RobotDelivery.alert_id)
    )
    return set(session.scalars(stmt))

