"""Alerts and the robot side of them: chat-robot targets per warehouse, the digests sent and what each carried."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.catalog.models import Warehouse
from server.db import Base

OPEN_ONLY = "resolved_at IS NULL"


class Alert(Base):
    """A condition someone should look at. Open until resolved; at most one open alert per dedupe key."""

    __tablename__ = "alerts"
    __table_args__ = (
        # The database, not a look-up, guarantees one open alert per condition (both dialects).
        Index(
            "uq_alerts_open_dedupe_key",
            "dedupe_key",
            unique=True,
            postgresql_where=text(OPEN_ONLY),
            sqlite_where=text(OPEN_ONLY),
        ),
        Index("ix_alerts_order_id_kind", "order_id", "kind"),
        Index("ix_alerts_warehouse_id_id", "warehouse_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(10))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    # Kept on the alert so lists and robot digests need no join, and it survives an order's deletion.
    order_number: Mapped[str | None] = mapped_column(String(40))
    station: Mapped[str | None] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Rendered in zh-CN when raised, for readers that only have SQL (the lead board); the API and
    # events render both locales from `params`.
    title: Mapped[str] = mapped_column(String(100), default="")
    message: Mapped[str] = mapped_column(String(500), default="")
    raised_at: Mapped[datetime] = mapped_column()
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column()
    resolve_reason: Mapped[str | None] = mapped_column(Text)

    warehouse: Mapped[Warehouse | None] = relationship(lazy="joined")

    @property
    def warehouse_code(self) -> str | None:
        return self.warehouse.code if self.warehouse else None

    @property
    def status(self) -> str:
        if self.resolved_at is not None:
            return "resolved"
        return "acknowledged" if self.acknowledged_at is not None else "open"


class RobotTarget(Base):
    """A DingTalk or WeCom group robot of one warehouse. `url`, `key` and `secret` are credentials: never logged."""

    __tablename__ = "robot_targets"
    __table_args__ = (UniqueConstraint("warehouse_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    kind: Mapped[str] = mapped_column(String(16))  # dingtalk | wecom
    name: Mapped[str] = mapped_column(String(64))  # what logs and screens call it instead of the URL
    # Either the full webhook URL as copied from the robot's settings page, or just its token/key
    # (access_token for DingTalk, key for WeCom) joined to the configured base URL.
    url: Mapped[str | None] = mapped_column(String(500))
    key: Mapped[str | None] = mapped_column(String(200))
    secret: Mapped[str | None] = mapped_column(String(200))  # DingTalk "加签" secret (SEC...)
    locale: Mapped[str] = mapped_column(String(8), default="zh-CN")
    min_severity: Mapped[str] = mapped_column(String(10), default="warning")
    active: Mapped[bool] = mapped_column(default=True)
    # The next moment a digest may go out: the send interval, or a throttle lock-out of the robot.
    next_send_at: Mapped[datetime | None] = mapped_column()
    last_outcome: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column()

    warehouse: Mapped[Warehouse] = relationship(lazy="joined")


class RobotDigest(Base):
    """One message posted (or attempted) to one robot, carrying several alerts."""

    __tablename__ = "robot_digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("robot_targets.id", ondelete="CASCADE"), index=True)
    # sending -> sent | throttled | failed (retried later) | unknown (maybe delivered: never resent) | rejected
    status: Mapped[str] = mapped_column(String(12), default="sending")
    alert_count: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    errcode: Mapped[int | None] = mapped_column()
    detail: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()


class RobotDelivery(Base):
    """Alert X went to robot Y in digest Z. Unique per (alert, robot): a retry can never post it twice."""

    __tablename__ = "robot_deliveries"
    __table_args__ = (UniqueConstraint("alert_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("robot_targets.id", ondelete="CASCADE"))
    digest_id: Mapped[int] = mapped_column(ForeignKey("robot_digests.id", ondelete="CASCADE"), index=True)

    digest: Mapped[RobotDigest] = relationship()
