"""The waybill layout: what text is drawn (masking, markers) and the guards that keep it scannable."""

from __future__ import annotations

import pytest

from server.labels.content import LabelContentError
from server.labels.fonts import FontBook, find_font_book
from server.labels.layout import LabelLayoutError
from server.labels.layout_builder import LayoutBuilder
from server.labels.profiles import PrinterProfile
from server.labels.waybill_layout import GIFT_MARK, layout_waybill

from .factories import RAW_NAME, RAW_PHONE, make_content

PROFILE = PrinterProfile()


@pytest.fixture(scope="module")
def fonts() -> FontBook:
    return find_font_book()


def test_recipient_is_printed_masked_and_never_raw(fonts: FontBook) -> None:
    texts = layout_waybill(make_content(), PROFILE, fonts).texts
    assert "张**  138****5678" in texts
    assert not any(RAW_PHONE in text or RAW_NAME in text for text in texts)
    # The sender is the warehouse: printed as given, so returns reach it.
    assert "杭州一号仓  0571-88886666" in texts


def test_every_zone_of_the_label_is_drawn(fonts: FontBook) -> None:
    texts = layout_waybill(make_content(), PROFILE, fonts).texts
    expected = ["中通快递", "2024-06-01 10:00", "73100196611386", "300-H12 09", "杭州转运", "收", "寄",
                "订单 Order: 4012345678901234567", GIFT_MARK, "第 1/2 件", "1/2", "ZTO · Label v3"]  # fmt: skip
    for text in expected:
        assert text in texts
    assert any("纯棉T恤" in text for text in texts)
    assert any(text.startswith("浙江省杭州市西湖区文一西路") for text in texts)


def test_optional_marks_are_left_out(fonts: FontBook) -> None:
    content = make_content(gift_inside=False, package_no=None, package_count=None, consolidation=None)
    texts = layout_waybill(content, PROFILE, fonts).texts
    assert GIFT_MARK not in texts
    assert not any("1/2" in text for text in texts)


def test_two_barcodes_share_the_tracking_number_within_10_to_15_mm(fonts: FontBook) -> None:
    for size in ("76x130", "100x150"):
        profile = PrinterProfile(size=size)
        barcodes = layout_waybill(make_content(), profile, fonts).barcodes
        assert [barcode.geometry.data for barcode in barcodes] == ["73100196611386"] * 2
        for barcode in barcodes:
            assert 10 <= barcode.geometry.height_dots / profile.dots_per_mm <= 15


def test_long_text_is_shrunk_or_cut_never_overflowing(fonts: FontBook) -> None:
    content = make_content(
        courier_name="顺丰速运 SF Express 标准快递 次日达 特惠",
        routing_code="755WF-020A-123 456 789",
        recipient_address="浙江省杭州市西湖区文一西路998号" * 6,
        sku_summary="很长的商品名称 " * 20,
    )
    layout = layout_waybill(content, PROFILE, fonts)
    for item in layout.text_items:
        assert item.width <= item.box_width, item
    assert "755WF-020A-123 456 789" in layout.texts, "the routing code must never be truncated"


def test_tracking_number_too_long_for_the_label_is_refused(fonts: FontBook) -> None:
    with pytest.raises(LabelContentError, match="quiet zones"):
        layout_waybill(make_content(tracking_number="ABCDEFGHIJKLMNOPQRSTUVWXYZabcd"), PROFILE, fonts)


def test_an_item_inside_a_quiet_zone_is_a_layout_error(fonts: FontBook) -> None:
    builder = LayoutBuilder(PROFILE, fonts)
    barcode = builder.barcode("73100196611386", 100, 12.0)
    quiet = barcode.geometry.quiet_zone_dots
    builder.box(barcode.x - quiet + 1, 120, 2, 20, filled=True)
    with pytest.raises(LabelLayoutError, match="quiet zone"):
        builder.build()


def test_an_item_off_the_page_is_a_layout_error(fonts: FontBook) -> None:
    builder = LayoutBuilder(PROFILE, fonts)
    builder.box(600, 10, 20, 20)
    with pytest.raises(LabelLayoutError, match="off"):
        builder.build()
