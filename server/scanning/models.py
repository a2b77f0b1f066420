"""Pack sessions (one order at one station), their per-SKU counts, and every scan event ever received."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base

OPEN_ONLY = "status = 'open'"


class PackStatus:
    OPEN = "open"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class PackSession(Base):
    """An order being packed at a station. While open it is the order's lock and the station's job."""

    __tablename__ = "pack_sessions"
    __table_args__ = (
        # One open pack per order and one per station, enforced by the database on both dialects.
        Index(
            "uq_pack_sessions_open_order",
            "order_id",
            unique=True,
            postgresql_where=text(OPEN_ONLY),
            sqlite_where=text(OPEN_ONLY),
        ),
        Index(
            "uq_pack_sessions_open_station",
            "station_id",
            unique=True,
            postgresql_where=text(OPEN_ONLY),
            sqlite_where=text(OPEN_ONLY),
        ),
        Index("ix_pack_sessions_order_id", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    packer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    packer: Mapped[str] = mapped_column(String(64))  # username (or device name)
    packer_name: Mapped[str] = mapped_column(String(100))  # display name, shown to others
    device_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default=PackStatus.OPEN)
    gift_scanned: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime] = mapped_column()
    last_activity_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by: Mapped[str | None] = mapped_column(String(64))
    close_reason: Mapped[str | None] = mapped_column(Text)
    gift_override_by: Mapped[str | None] = mapped_column(String(100))
    gift_override_reason: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list[PackItem]] = relationship(
        back_populates="pack", order_by="PackItem.id", cascade="all, delete-orphan"
    )


class PackItem(Base):
    """How many units of one SKU the pack needs and has seen; `scanned` only moves by conditional UPDATE."""

    __tablename__ = "pack_items"
    __table_args__ = (UniqueConstraint("pack_id", "sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("pack_sessions.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    required: Mapped[int] = mapped_column()
    scanned: Mapped[int] = mapped_column(default=0)

    pack: Mapped[PackSession] = relationship(back_populates="items")


class ScanEvent(Base):
    """Every scan and pack action, accepted or rejected, with the answer given (replayed on a retry)."""

    __tablename__ = "scan_events"
    __table_args__ = (
        Index("ix_scan_events_order_id_id", "order_id", "id"),
        Index("ix_scan_events_pack_id_id", "pack_id", "id"),
        Index("ix_scan_events_actor_created_at", "actor", "created_at"),
        # Metrics count rejections by code and day (interceptions, gift omissions prevented).
        Index("ix_scan_events_code_created_at", "code", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_scan_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # scan, complete, undo, abandon, gift_override, release
    raw: Mapped[str | None] = mapped_column(String(256))
    raw_length: Mapped[int] = mapped_column(default=0)
    normalized: Mapped[str | None] = mapped_column(String(128))
    matched: Mapped[str | None] = mapped_column(String(16))  # order, tracking, item, gift, unknown
    sku: Mapped[str | None] = mapped_column(String(64))
    qty: Mapped[int] = mapped_column(default=0)
    result: Mapped[str] = mapped_column(String(12), default="pending")
    code: Mapped[str] = mapped_column(String(32), default="PENDING")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str | None] = mapped_column(String(64))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    station_code: Mapped[str | None] = mapped_column(String(32))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    pack_id: Mapped[int | None] = mapped_column(ForeignKey("pack_sessions.id", ondelete="SET NULL"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column()
    undone_at: Mapped[datetime | None] = mapped_column()
    undone_by: Mapped[int | None] = mapped_column()  # id of the undo event
