"""The order hub's tables: orders, lines, gift sub-orders, address versions, the status trail and holds."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.catalog.models import Shop, Warehouse
from server.db import Base


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_orders_warehouse_status_ship_by", "warehouse_id", "status", "ship_by"),
        Index("ix_orders_ship_by", "ship_by"),
        Index("ix_orders_phone_last4", "phone_last4"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_number: Mapped[str] = mapped_column(String(40), unique=True)
    source: Mapped[str] = mapped_column(ForeignKey("channels.code"))
    external_id: Mapped[str] = mapped_column(String(64))
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    customer_name: Mapped[str] = mapped_column(String(100))
    customer_phone: Mapped[str | None] = mapped_column(String(32))
    phone_last4: Mapped[str | None] = mapped_column(String(4))
    paid_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    promotions: Mapped[str | None] = mapped_column(String(255))
    paid_at: Mapped[datetime | None] = mapped_column()
    promised_ship_hours: Mapped[int] = mapped_column(default=24)
    ship_by: Mapped[datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), index=True)
    tracking_number: Mapped[str | None] = mapped_column(String(40), index=True)
    tracking_assigned_at: Mapped[datetime | None] = mapped_column()
    courier_code: Mapped[str | None] = mapped_column(String(20))
    routing_code: Mapped[str | None] = mapped_column(String(40))
    label_version: Mapped[int] = mapped_column(default=0)
    printed_at: Mapped[datetime | None] = mapped_column()
    packed_at: Mapped[datetime | None] = mapped_column()
    shipped_at: Mapped[datetime | None] = mapped_column()
    source_modified_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)

    shop: Mapped[Shop] = relationship(lazy="joined")
    warehouse: Mapped[Warehouse] = relationship(lazy="joined")
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.line_no", cascade="all, delete-orphan"
    )
    gift: Mapped[GiftOrder | None] = relationship(back_populates="order", cascade="all, delete-orphan")
    addresses: Mapped[list[AddressVersion]] = relationship(
        back_populates="order", order_by="AddressVersion.version", cascade="all, delete-orphan"
    )
    holds: Mapped[list[Hold]] = relationship(back_populates="order", order_by="Hold.id")
    trail: Mapped[list[StatusTransition]] = relationship(
        order_by="(StatusTransition.at, StatusTransition.id)", viewonly=True
    )

    @property
    def current_address(self) -> AddressVersion | None:
        return self.addresses[-1] if self.addresses else None

    @property
    def open_holds(self) -> list[Hold]:
        return [h for h in self.holds if h.released_at is None]


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column()
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    qty: Mapped[int] = mapped_column()
    refund_state: Mapped[str] = mapped_column(String(12), default="none")

    order: Mapped[Order] = relationship(back_populates="lines")


class GiftOrder(Base):
    """The gift sub-order bound by a promotion: number = main number + GIFT, status pending/packed/to_reship."""

    __tablename__ = "gift_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    gift_number: Mapped[str] = mapped_column(String(48), unique=True)
    promotion_code: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    status_reason: Mapped[str | None] = mapped_column(String(255))
    packed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column()

    order: Mapped[Order] = relationship(back_populates="gift")
    lines: Mapped[list[GiftLine]] = relationship(
        back_populates="gift", order_by="GiftLine.id", cascade="all, delete-orphan"
    )


class GiftLine(Base):
    __tablename__ = "gift_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    gift_order_id: Mapped[int] = mapped_column(ForeignKey("gift_orders.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    qty: Mapped[int] = mapped_column(default=1)

    gift: Mapped[GiftOrder] = relationship(back_populates="lines")


class AddressVersion(Base):
    """Every address an order has had; the current one is the highest version."""

    __tablename__ = "address_versions"
    __table_args__ = (UniqueConstraint("order_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(32))
    province: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(50), default="")
    district: Mapped[str] = mapped_column(String(50), default="")
    detail: Mapped[str] = mapped_column(String(255))
    address_hash: Mapped[str] = mapped_column(String(64))
    source_system: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column()

    order: Mapped[Order] = relationship(back_populates="addresses")


class StatusTransition(Base):
    """Append-only trail: who moved which order (or gift sub-order) from what to what, why, from which system."""

    __tablename__ = "status_transitions"
    __table_args__ = (
        Index("ix_status_transitions_order_at", "order_id", "at"),
        # packed-per-hour per packer and the metrics read transitions by target state and time
        Index("ix_status_transitions_to_status_at", "to_status", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(12), default="order")
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(64))
    source_system: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column()


class Hold(Base):
    """Something that blocks work on an order until released (refund requested, address changed, manual...)."""

    __tablename__ = "holds"
    __table_args__ = (
        # At most one open hold per kind: placing it again is a no-op, on both databases.
        Index(
            "uq_holds_open_kind",
            "order_id",
            "kind",
            unique=True,
            postgresql_where=text("released_at IS NULL"),
            sqlite_where=text("released_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(64))
    source_system: Mapped[str] = mapped_column(String(32))
    placed_at: Mapped[datetime] = mapped_column()
    released_by: Mapped[str | None] = mapped_column(String(64))
    released_at: Mapped[datetime | None] = mapped_column()
    release_reason: Mapped[str | None] = mapped_column(Text)

    order: Mapped[Order] = relationship(back_populates="holds")


class OrderNumberSequence(Base):
    """Per-day counter behind generated order numbers (DAB + yyyymmdd + 5 digits)."""

    __tablename__ = "order_number_sequences"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
