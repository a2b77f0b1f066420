"""Shipping tables: packages and their lines, the boxes of an open pack, where a line ships from, handover
batches with their parcels and scan log, interceptions, per-package confirmations and the package audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base


class PackageStatus:
    TO_PACK = "to_pack"  # another warehouse's share of the order, not boxed there yet
    PACKED = "packed"
    HANDED_OVER = "handed_over"


class WaybillState:
    PENDING = "pending"  # not asked yet, or the courier has not answered
    ISSUED = "issued"
    FAILED = "failed"  # the courier said no
    VOIDED = "voided"  # cancelled (order refunded/cancelled and intercepted)


class WeightCheck:
    UNWEIGHED = "unweighed"
    OK = "ok"
    MISMATCH = "mismatch"  # outside the tolerance: the parcel stops at the dock until a lead accepts
    ACCEPTED = "accepted"


class Package(Base):
    """One parcel of an order. Package 1 carries the order's own label; further packages (more boxes,
    another warehouse's share) get their own waybill under the package ref `<order>-P<n>-L<version>`."""

    __tablename__ = "packages"
    __table_args__ = (
        UniqueConstraint("order_id", "seq"),
        Index("ix_packages_warehouse_status", "warehouse_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column()
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    status: Mapped[str] = mapped_column(String(16), default=PackageStatus.PACKED)
    pack_id: Mapped[int | None] = mapped_column(ForeignKey("pack_sessions.id", ondelete="SET NULL"))
    contains_gift: Mapped[bool] = mapped_column(default=False)
    courier_code: Mapped[str | None] = mapped_column(String(20))
    tracking_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    label_version: Mapped[int] = mapped_column(default=1)
    waybill_ref: Mapped[str] = mapped_column(String(64), unique=True)
    waybill_status: Mapped[str] = mapped_column(String(12), default=WaybillState.PENDING)
    waybill_error: Mapped[str | None] = mapped_column(Text)
    routing_code: Mapped[str | None] = mapped_column(String(40))
    consolidation: Mapped[str | None] = mapped_column(String(100))
    expected_weight_g: Mapped[int] = mapped_column(default=0)
    weight_g: Mapped[int | None] = mapped_column()
    weight_source: Mapped[str | None] = mapped_column(String(8))
    weight_check: Mapped[str] = mapped_column(String(12), default=WeightCheck.UNWEIGHED)
    weighed_at: Mapped[datetime | None] = mapped_column()
    weighed_by: Mapped[str | None] = mapped_column(String(64))
    weight_accepted_by: Mapped[str | None] = mapped_column(String(100))
    weight_accept_reason: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("handover_batches.id", ondelete="SET NULL"))
    handed_over_at: Mapped[datetime | None] = mapped_column()
    completes_order: Mapped[bool] = mapped_column(default=False)  # its handover made the order shipped
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()

    lines: Mapped[list[PackageLine]] = relationship(
        back_populates="package", order_by="PackageLine.id", cascade="all, delete-orphan"
    )


class PackageLine(Base):
    __tablename__ = "package_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    qty: Mapped[int] = mapped_column()
    is_gift: Mapped[bool] = mapped_column(default=False)

    package: Mapped[Package] = relationship(back_populates="lines")


class PackBox(Base):
    """A box closed at the station ("new box"): the pack's cumulative counts and gift scan at that moment.
    Completion turns the boxes into packages; an abandoned pack takes its boxes with it."""

    __tablename__ = "pack_boxes"
    __table_args__ = (UniqueConstraint("pack_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("pack_sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    gift: Mapped[bool] = mapped_column(default=False)
    closed_by: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[datetime] = mapped_column()


class LineSource(Base):
    """An order line that ships from another warehouse than the order's own (stock split across sites)."""

    __tablename__ = "order_line_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime] = mapped_column()


OPEN_BATCH = "status = 'open'"


class HandoverBatch(Base):
    """One courier pickup at a dock: parcels scanned onto it, then closed (orders shipped, manifest)."""

    __tablename__ = "handover_batches"
    __table_args__ = (
        Index(
            "uq_handover_batches_open",
            "station_id",
            "courier_code",
            unique=True,
            postgresql_where=text(OPEN_BATCH),
            sqlite_where=text(OPEN_BATCH),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    courier_code: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(8), default="open")
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column()
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column()
    parcel_count: Mapped[int] = mapped_column(default=0)
    total_weight_g: Mapped[int] = mapped_column(default=0)


class HandoverParcel(Base):
    __tablename__ = "handover_parcels"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("handover_batches.id", ondelete="CASCADE"), index=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    scanned_by: Mapped[str] = mapped_column(String(64))
    scanned_at: Mapped[datetime] = mapped_column()


class HandoverScan(Base):
    """Every dock scan with the answer given; a retry with the same client_scan_id gets it again."""

    __tablename__ = "handover_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_scan_id: Mapped[str] = mapped_column(String(64), unique=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("handover_batches.id", ondelete="CASCADE"))
    raw: Mapped[str | None] = mapped_column(String(256))
    normalized: Mapped[str | None] = mapped_column(String(128))
    result: Mapped[str] = mapped_column(String(12), default="pending")
    code: Mapped[str] = mapped_column(String(32), default="PENDING")
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id", ondelete="SET NULL"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str | None] = mapped_column(String(64))
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column()


class Interception(Base):
    """A parcel stopped at the dock: when, where, which hold (or terminal state), whose order, who stopped it.
    One row per batch and package however often it is scanned; metrics count distinct orders per day."""

    __tablename__ = "interceptions"
    __table_args__ = (
        UniqueConstraint("batch_id", "package_id"),
        Index("ix_interceptions_warehouse_at", "warehouse_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column()
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    station_code: Mapped[str] = mapped_column(String(32))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("handover_batches.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(8))  # scan | close
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id", ondelete="SET NULL"))
    tracking_number: Mapped[str | None] = mapped_column(String(40))
    order_status: Mapped[str] = mapped_column(String(20))
    hold_kinds: Mapped[str] = mapped_column(String(255), default="")  # comma list; empty for a terminal order
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("holds.id", ondelete="SET NULL"))
    stopped_by: Mapped[str] = mapped_column(String(64))
    label_void: Mapped[str | None] = mapped_column(String(12))  # requested | voided | failed


class ShipmentConfirmation(Base):
    """A package's shipment told to one outside system (platform, wms, erp); a retried job skips it."""

    __tablename__ = "shipment_confirmations"
    __table_args__ = (UniqueConstraint("package_id", "system"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"))
    system: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12))  # confirmed | rejected | skipped
    reference: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column()


class PackageEvent(Base):
    """The audit of a package: created, weighed, weight accepted (by which lead, why), waybill, handed over."""

    __tablename__ = "package_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column()
