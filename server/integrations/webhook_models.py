"""Inbound webhook bookkeeping: an audit row per delivery attempt, and the delivery ids already processed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class WebhookAudit(Base):
    """Who knocked, when, and what Packline answered. Never the signature header or a secret."""

    __tablename__ = "webhook_audit"
    __table_args__ = (Index("ix_webhook_audit_received_at", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column()
    endpoint: Mapped[str] = mapped_column(String(64))
    delivery_id: Mapped[str | None] = mapped_column(String(100))
    # accepted | unchanged | duplicate | malformed | stale | signature_mismatch | too_large |
    # invalid_payload | unknown_order | not_configured
    outcome: Mapped[str] = mapped_column(String(32))
    http_status: Mapped[int] = mapped_column()
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    order_number: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(String(255))


class WebhookDelivery(Base):
    """A verified delivery id, claimed once: a retry of it is answered `duplicate` and not processed again."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("source", "delivery_id"), Index("ix_webhook_deliveries_received_at", "received_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    delivery_id: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column()
    order_id: Mapped[int | None] = mapped_column()
