"""PNG labels: size in dots, every barcode decodes, and the geometry holds upright and rotated."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from server.labels.content import LabelContent
from server.labels.render import render_label

from .barcode_checks import assert_code128
from .factories import make_content, profile_for


def _png(content: LabelContent, size_dpi: tuple[str, int]) -> tuple[Image.Image, int]:
    profile = profile_for("png", size_dpi)
    rendered = render_label(content, profile)
    assert rendered.media_type == "image/png"
    assert rendered.filename == "label-73100196611386-v3.png"
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
