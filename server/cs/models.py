"""The CS desk's own tables: every lookup with its latency (for the KPI) and delay-compensation coupons."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Float, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class CsLookup(Base):
    """One lookup at the desk or through the chat bot. The searched text is not kept: it may be a phone
    number and a name, and the metric only needs the kind of key, the outcome and the time it took."""

    __tablename__ = "cs_lookups"
    __table_args__ = (Index("ix_cs_lookups_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column()
    user: Mapped[str] = mapped_column(String(64))  # the principal's actor, e.g. "user:cs"
    via: Mapped[str] = mapped_column(String(8), default="desk")  # desk | chat
    key_kind: Mapped[str] = mapped_column(String(16))  # order, gift, tracking, external_id, phone_name, none
    found: Mapped[bool] = mapped_column()
    matches: Mapped[int] = mapped_column(default=0)
    latency_ms: Mapped[float] = mapped_column(Float)


class DelayCoupon(Base):
    """A compensation coupon for a late order: at most one per order (the database enforces it)."""

    __tablename__ = "delay_coupons"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    rule: Mapped[str] = mapped_column(String(32))  # which rule chose the amount, e.g. "late>=24h"
    late_minutes: Mapped[int] = mapped_column()  # how late the order was when the coupon was issued
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column()
