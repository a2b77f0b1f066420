"""Integration state: per-shop sync cursors, the last status each outside system reported for an order,
the daily consistency ratio (read by metrics), and which status pushes already reached which system."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class SyncCursor(Base):
    """`last_end` is platform-window time already committed for this shop; it only ever moves forward."""

    __tablename__ = "sync_cursors"
    __table_args__ = (UniqueConstraint("platform", "shop_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    shop_code: Mapped[str] = mapped_column(String(50))
    last_end: Mapped[datetime] = mapped_column()
    last_window_start: Mapped[datetime | None] = mapped_column()
    last_orders: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column()


class ExternalStatus(Base):
    """What the ERP or WMS last said about an order (one row per order and system)."""

    __tablename__ = "external_statuses"
    __table_args__ = (UniqueConstraint("order_id", "system"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    system: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(40))
    agrees: Mapped[bool | None] = mapped_column()
    checked_at: Mapped[datetime] = mapped_column()


class ConsistencyCheck(Base):
    """The latest consistency run of a warehouse-local day: orders compared and orders that agreed."""

    __tablename__ = "consistency_checks"
    __table_args__ = (UniqueConstraint("day", "warehouse_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column()
    warehouse_code: Mapped[str] = mapped_column(String(32))
    compared: Mapped[int] = mapped_column(default=0)
    consistent: Mapped[int] = mapped_column(default=0)
    checked_at: Mapped[datetime] = mapped_column()


class StatusPush(Base):
    """A status that reached an outside system; a retried push skips the systems listed here."""

    __tablename__ = "status_pushes"
    __table_args__ = (UniqueConstraint("order_id", "status", "system"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    system: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(64))
    pushed_at: Mapped[datetime] = mapped_column()
