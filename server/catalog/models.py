"""Reference tables the order hub points at."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base


class Warehouse(Base):
    __tablename__ = "warehouses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    sender_name: Mapped[str | None] = mapped_column(String(100))
    sender_phone: Mapped[str | None] = mapped_column(String(32))
    sender_address: Mapped[str | None] = mapped_column(String(255))


class Channel(Base):
    """A sales channel (taobao, tmall, jd, pdd, miniapp, pos, shopify) and its default ship promise."""

    __tablename__ = "channels"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    promised_ship_hours: Mapped[int] = mapped_column(default=24)


class Shop(Base):
    __tablename__ = "shops"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    brand: Mapped[str | None] = mapped_column(String(100))
    channel_code: Mapped[str] = mapped_column(ForeignKey("channels.code"))
    promised_ship_hours: Mapped[int | None] = mapped_column()

    channel: Mapped[Channel] = relationship(lazy="joined")


class Station(Base):
    """A pack or dock station with its printer profile (format, size, dpi)."""

    __tablename__ = "stations"
    __table_args__ = (UniqueConstraint("warehouse_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default="pack")
    printer_format: Mapped[str | None] = mapped_column(String(8))
    printer_size: Mapped[str | None] = mapped_column(String(16))
    printer_dpi: Mapped[int | None] = mapped_column()

    warehouse: Mapped[Warehouse] = relationship(lazy="joined")


class Product(Base):
    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    weight_g: Mapped[int | None] = mapped_column()
    is_gift: Mapped[bool] = mapped_column(default=False)


class ProductBarcode(Base):
    """A scannable code for a SKU; a case barcode counts `qty` units at once."""

    __tablename__ = "product_barcodes"

    barcode: Mapped[str] = mapped_column(String(64), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku"), index=True)
    qty: Mapped[int] = mapped_column(default=1)


class PromotionRule(Base):
    """E.g. "满199减20" gives gift SKU X: an order carrying the promotion (and paying enough) gets a gift sub-order."""

    __tablename__ = "promotion_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    min_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    gift_sku: Mapped[str] = mapped_column(ForeignKey("products.sku"))
    gift_qty: Mapped[int] = mapped_column(default=1)
    channel_code: Mapped[str | None] = mapped_column(ForeignKey("channels.code"))
    active: Mapped[bool] = mapped_column(default=True)
    starts_at: Mapped[datetime | None] = mapped_column()
    ends_at: Mapped[datetime | None] = mapped_column()

    gift_product: Mapped[Product] = relationship(lazy="joined")
