"""Inbound webhook security (reference §6): signature check, audit trail, delivery-id dedupe after verification.

The HMAC over the raw body is the only credential. Order of checks: size (413, before parsing) →
header shape (400) → timestamp (401 stale) → MAC against every active secret (401 mismatch) →
payload → dedupe by delivery id (a retry of a processed delivery answers `duplicate`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.errors import DomainError, InvalidInput, Unauthorized
from server.i18n import define
from server.integrations.signing import verify_webhook
from server.integrations.webhook_models import WebhookAudit, WebhookDelivery

MALFORMED = define(
    "WEBHOOK_SIGNATURE_MALFORMED",
    "X-Packline-Signature 缺失或格式错误(需要一个 t 和至少一个 v1)",
    "X-Packline-Signature is missing or malformed (one t and at least one v1 required)",
)
STALE = define(
    "WEBHOOK_SIGNATURE_STALE",
    "签名时间戳超出允许范围(±{tolerance} 秒)",
    "The signature timestamp is outside the allowed window (±{tolerance} s)",
)
MISMATCH = define("WEBHOOK_SIGNATURE_MISMATCH", "签名校验失败", "The signature does not match")
TOO_LARGE = define("WEBHOOK_TOO_LARGE", "请求内容超过 {limit} 字节", "The request body exceeds {limit} bytes")
NOT_CONFIGURED = define(
    "WEBHOOK_NOT_CONFIGURED",
    "Webhook 密钥未配置,请稍后重试",
    "Webhook secrets are not configured; retry later",
)
INVALID_PAYLOAD = define(
    "WEBHOOK_PAYLOAD_INVALID", "Webhook 内容无效:{reason}", "Invalid webhook payload: {reason}"
)

# Why a delivery was refused, as stored in the audit trail and sent in `details.reason`.
OUTCOME_BY_VERDICT = {"malformed": "malformed", "stale": "stale", "mismatch": "signature_mismatch"}


class PayloadTooLarge(DomainError):
    http_status = 413


class NotConfigured(DomainError):
    http_status = 503


class WebhookRefused(DomainError):
    """Carries the audit outcome next to the error the sender sees."""

    def __init__(self, error: DomainError, outcome: str) -> None:
        super().__init__(error.code, message_code=error.message_code, **error.details)
        self.http_status = error.http_status
        self.outcome = outcome


def check_signature(
    header: str | None, body: bytes, secrets: Sequence[str], *, now: datetime, tolerance: int
) -> None:
    """Raise the refusal for anything but a valid signature by one of `secrets` (newest first)."""
    if not secrets:
        raise WebhookRefused(NotConfigured(NOT_CONFIGURED), "not_configured")
    verdict = verify_webhook(header, body, secrets, now=int(now.timestamp()), tolerance=tolerance)
    if verdict == "ok":
        return
    outcome = OUTCOME_BY_VERDICT[verdict]
    if verdict == "malformed":
        raise WebhookRefused(InvalidInput(MALFORMED, reason=outcome), outcome)
    if verdict == "stale":
        raise WebhookRefused(Unauthorized(STALE, reason=outcome, tolerance=tolerance), outcome)
    raise WebhookRefused(Unauthorized(MISMATCH, reason=outcome), outcome)


def too_large(limit: int) -> WebhookRefused:
    return WebhookRefused(PayloadTooLarge(TOO_LARGE, limit=limit), "too_large")


def invalid_payload(reason: str) -> WebhookRefused:
    return WebhookRefused(InvalidInput(INVALID_PAYLOAD, reason=reason), "invalid_payload")


def claim_delivery(session: Session, source: str, delivery_id: str, *, now: datetime) -> bool:
    """Record a verified delivery id; False if it was already processed (concurrent retries included)."""
    if session.scalar(
        select(WebhookDelivery.id).where(WebhookDelivery.source == source, WebhookDelivery.delivery_id == delivery_id)
    ):
        return False
    nested = session.begin_nested()
    try:
        session.add(WebhookDelivery(source=source, delivery_id=delivery_id, received_at=now))
        session.flush()
    except IntegrityError:
        nested.rollback()  # another request claimed it between our look-up and insert
        return False
    nested.commit()
    return True


def record_audit(
    session: Session,
    *,
    endpoint: str,
    outcome: str,
    http_status: int,
    now: datetime,
    delivery_id: str | None = None,
    remote_addr: str | None = None,
    order_number: str | None = None,
    detail: str | None = None,
) -> WebhookAudit:
    row = WebhookAudit(
        received_at=now,
        endpoint=endpoint,
        delivery_id=(delivery_id or None) and delivery_id[:100],
        outcome=outcome,
        http_status=http_status,
        remote_addr=(remote_addr or None) and remote_addr[:64],
        order_number=order_number,
        detail=(detail or None) and detail[:255],
    )
    session.add(row)
    session.flush()
    return row


def purge_deliveries(session: Session, *, now: datetime, keep_hours: int) -> int:
    """Forget delivery ids older than `keep_hours` (≥ 24 h: longer than any sender retries)."""
    cutoff = now - timedelta(hours=max(keep_hours, 24))
    done = session.execute(delete(WebhookDelivery).where(WebhookDelivery.received_at < cutoff))
    return int(done.rowcount or 0)  # type: ignore[attr-defined]
