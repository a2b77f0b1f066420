"""Label tables: one waybill request per order and label version (the idempotency record) and every print."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class WaybillStatus:
    PENDING = "pending"  # asked (or about to ask); the courier's answer is unknown or has not come yet
    ISSUED = "issued"
    FAILED = "failed"  # the courier said no (rejected / auth); a new attempt may succeed once fixed
    VOIDED = "voided"  # replaced by a newer label version (address change)


class CancelStatus:
    CANCELLED = "cancelled"
    FAILED = "failed"  # the courier did not confirm; the reissue job tries again
    NOT_ISSUED = "not_issued"  # no tracking number was ever learned for the voided request


class WaybillRecord(Base):
    """The row exists before the courier is called: its unique key is what makes a double click, a retried
    job or a lost reply buy one tracking number. `idempotency_key` is sent as the courier's package ref."""

    __tablename__ = "waybill_requests"
    __table_args__ = (UniqueConstraint("order_id", "label_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    label_version: Mapped[int] = mapped_column()
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    courier_code: Mapped[str] = mapped_column(String(20))
    # The address version the waybill was asked for: older than the order's current one = stale label.
    address_version: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default=WaybillStatus.PENDING)
    tracking_number: Mapped[str | None] = mapped_column(String(40), index=True)
    routing_code: Mapped[str | None] = mapped_column(String(40))
    consolidation: Mapped[str | None] = mapped_column(String(100))
    site_code: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    issued_at: Mapped[datetime | None] = mapped_column()
    voided_at: Mapped[datetime | None] = mapped_column()
    void_reason: Mapped[str | None] = mapped_column(Text)
    cancel_status: Mapped[str | None] = mapped_column(String(12))
    cancel_error: Mapped[str | None] = mapped_column(Text)


class PrintKind:
    PRINT = "print"
    REPRINT = "reprint"


class LabelPrint(Base):
    """One label sent to a station's printer. `count` numbers the prints of one label version (1 = the
    first print, 2.. = reprints), so "printed twice" cannot happen without a row saying who and why."""

    __tablename__ = "label_prints"
    __table_args__ = (
        UniqueConstraint("order_id", "label_version", "count"),
        UniqueConstraint("order_id", "client_request_id"),
        Index("ix_label_prints_order_id_at", "order_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    label_version: Mapped[int] = mapped_column()
    tracking_number: Mapped[str] = mapped_column(String(40))
    station: Mapped[str] = mapped_column(String(32))
    printed_by: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(8), default=PrintKind.PRINT)
    reason: Mapped[str | None] = mapped_column(Text)
    count: Mapped[int] = mapped_column()
    client_request_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column()
