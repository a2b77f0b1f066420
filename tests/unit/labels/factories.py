"""Test data for labels: one realistic waybill, the size x dpi matrix and a profile helper."""

from __future__ import annotations

from datetime import UTC, datetime

from server.labels.content import LabelContent
from server.labels.profiles import PrinterProfile

SIZES = ("76x130", "100x150")
DPIS = (203, 300)
RAW_PHONE = "13812345678"
RAW_NAME = "张三丰"


def make_content(**changes: object) -> LabelContent:
    values: dict[str, object] = {
        "tracking_number": "73100196611386",
        "courier_code": "ZTO",
        "courier_name": "中通快递",
        "routing_code": "300-H12 09",
        "consolidation": "杭州转运",
        "recipient_name": RAW_NAME,
        "recipient_phone": RAW_PHONE,
        "recipient_address": "浙江省杭州市西湖区文一西路998号海创园5幢301室",
        "sender_name": "杭州一号仓",
        "sender_phone": "0571-88886666",
        "sender_address": "浙江省杭州市余杭区仓前路88号",
        "order_number": "4012345678901234567",
        "printed_at": datetime(2024, 6, 1, 2, 0, tzinfo=UTC),
        "package_no": 1,
        "package_count": 2,
        "gift_inside": True,
        "sku_summary": "纯棉T恤 白 L ×2；帆布袋 ×1",
        "label_version": 3,
    }
    values.update(changes)
    return LabelContent(**values)  # type: ignore[arg-type]


def profile_for(fmt: str, size_dpi: tuple[str, int]) -> PrinterProfile:
    size, dpi = size_dpi
    return PrinterProfile(format=fmt, size=size, dpi=dpi)
