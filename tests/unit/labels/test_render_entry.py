"""The render entry point: gift slips, font fallback, one call per format."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from server.labels import LabelContentError, PrinterProfile, render_gift_slip, render_label
from server.labels.fonts import find_font_book
from server.labels.gift_slip import layout_gift_slip

from .barcode_checks import assert_code128
from .factories import make_content

ORDER = "4012345678901234567"
GIFTS = ["定制钥匙扣", "帆布袋 (限量款)", "Sticker pack"]


@pytest.mark.parametrize("dpi", [203, 300])
def test_gift_slip_decodes_to_the_order_gift_code(dpi: int) -> None:
    rendered = render_gift_slip(ORDER, GIFTS, PrinterProfile(format="png", dpi=dpi))
    assert rendered.filename == f"gift-{ORDER}.png"
    image = Image.open(io.BytesIO(rendered.data))
    assert_code128(image, f"{ORDER}GIFT", {203: 2, 300: 3}[dpi])


def test_gift_slip_lists_the_gifts_and_says_how_many_did_not_fit() -> None:
    fonts = find_font_book()
    texts = layout_gift_slip(ORDER, GIFTS, PrinterProfile(), fonts).texts
    assert [text for text in texts if text[:2] in {"1.", "2.", "3."}] == [
        f"{n}. {g}" for n, g in enumerate(GIFTS, 1)
    ]
    many = [f"赠品{n}" for n in range(1, 61)]
    texts = layout_gift_slip(ORDER, many, PrinterProfile(), fonts).texts
    listed = [text for text in texts if text.split(".")[0].isdigit()]
    assert len(listed) < 60
    assert f"… 另有 {60 - len(listed)} 件 / more" in texts


def test_gift_slip_without_gifts_is_refused() -> None:
    with pytest.raises(LabelContentError):
        render_gift_slip(ORDER, [], PrinterProfile())


@pytest.mark.parametrize(
    ("fmt", "magic"), [("png", b"\x89PNG"), ("pdf", b"%PDF"), ("svg", b"<?xml"), ("zpl", b"^XA")]
)
def test_missing_cjk_font_falls_back_and_is_flagged(fmt: str, magic: bytes) -> None:
    rendered = render_label(
        make_content(), PrinterProfile(format=fmt), font_candidates=["/nonexistent/font.ttc"]
    )
    assert rendered.font_fallback is True
    assert rendered.data.startswith(magic)
    if fmt == "png":
        assert_code128(Image.open(io.BytesIO(rendered.data)), "73100196611386", 2, count=2)


def test_with_the_cjk_font_installed_there_is_no_fallback() -> None:
    assert render_label(make_content(), PrinterProfile()).font_fallback is find_font_book().fallback
