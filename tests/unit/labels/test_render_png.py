"""PNG labels: size in dots, every barcode decodes, and the geometry holds upright and rotated."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from server.labels.content import LabelContent
from server.labels.fonts import find_font_book
from server.labels.layout import BarcodeItem
from server.labels.profiles import PrinterProfile
from server.labels.render import render_label
from server.labels.waybill_layout import layout_waybill

from .barcode_checks import assert_code128, decode_code128
from .factories import make_content, profile_for


def _png(content: LabelContent, size_dpi: tuple[str, int]) -> tuple[Image.Image, int]:
    profile = profile_for("png", size_dpi)
    rendered = render_label(content, profile)
    assert rendered.media_type == "image/png"
    assert rendered.filename == f"label-{content.tracking_number}-v3.png"
    image = Image.open(io.BytesIO(rendered.data))
    assert image.size == profile.page_dots
    assert image.mode == "1"
    assert image.info["dpi"] == pytest.approx((profile.dpi, profile.dpi), abs=0.01)
    return image, profile.module_dots


def test_png_main_and_stub_barcodes_decode_with_whole_dot_bars(
    content: LabelContent, size_dpi: tuple[str, int]
) -> None:
    image, module_px = _png(content, size_dpi)
    assert_code128(image, content.tracking_number, module_px, count=2)


@pytest.mark.parametrize("turn", [Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270])
def test_rotated_label_still_passes_the_geometry_check(content: LabelContent, turn: Image.Transpose) -> None:
    image, module_px = _png(content, ("76x130", 203))
    results = assert_code128(image.transpose(turn), content.tracking_number, module_px, count=2)
    assert len(results) == 2


@pytest.mark.parametrize("tracking", ["SF1234567890123", "JDVA00012345678", "YT8812345678901"])
def test_alphanumeric_waybill_numbers_decode(tracking: str) -> None:
    image, module_px = _png(make_content(tracking_number=tracking), ("76x130", 203))
    assert_code128(image, tracking, module_px, count=2)


def test_label_has_ink_only_inside_the_page_margins(content: LabelContent) -> None:
    image, _module_px = _png(content, ("76x130", 203))
    # Nothing within 1 mm of the edge: thermal heads do not print reliably there.
    inner = image.crop((8, 8, image.width - 8, image.height - 8))
    assert image.convert("L").histogram()[0] == inner.convert("L").histogram()[0]


def test_geometry_check_catches_a_line_in_the_quiet_zone_that_zxing_ignores(content: LabelContent) -> None:
    image, module_px = _png(content, ("76x130", 203))
    barcode = next(iter(layout_barcodes(content)))
    damaged = image.copy()
    x = barcode.x - 14  # inside the 20-dot quiet zone
    for y in range(barcode.y, barcode.y + barcode.geometry.height_dots):
        damaged.putpixel((x, y), 0)
    assert [r.text for r in decode_code128(damaged)] == [content.tracking_number] * 2
    with pytest.raises(AssertionError, match="quiet zone"):
        assert_code128(damaged, content.tracking_number, module_px, count=2)


def layout_barcodes(content: LabelContent) -> tuple[BarcodeItem, ...]:
    return layout_waybill(content, PrinterProfile(), find_font_book()).barcodes
