"""Rasterises a label layout to a 1-bit image at printer resolution, one pixel per printer dot.

Text is composited in greyscale and thresholded (crisper CJK strokes than Pillow's 1-bit text path);
bars and boxes have integer corners, so thresholding leaves them exact.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw

from server.labels.code128 import paint_code128
from server.labels.fonts import FontBook
from server.labels.layout import BarcodeItem, BoxItem, LabelLayout, TextItem

BLACK, WHITE = 0, 255


# ~20 KB per mask at most: a few MB for the strings that repeat across labels.
@lru_cache(maxsize=512)
def _text_mask(
    fonts: FontBook, text: str, size: int, stroke: int, double_strike: bool
) -> tuple[Image.Image, int, int]:
    """Coverage mask of one line and its offset from the baseline origin.

    Glyph rasterisation is most of a label's cost, and headings, the sender and the courier repeat on
    every label, so masks are cached.
    """
    font = fonts.font(size)
    left, top, right, bottom = (int(edge) for edge in font.getbbox(text, anchor="ls", stroke_width=stroke))
    extra = 1 if double_strike else 0
    mask = Image.new("L", (max(1, right - left + extra), max(1, bottom - top)), 0)
    draw = ImageDraw.Draw(mask)
    for offset in range(extra + 1):
        draw.text(
            (offset - left, -top),
            text,
            font=font,
            fill=255,
            anchor="ls",
            stroke_width=stroke,
            stroke_fill=255,
        )
    return mask, left, top


def _draw_text(canvas: Image.Image, item: TextItem, fonts: FontBook) -> None:
    if not item.text:
        return
    mask, left, top = _text_mask(fonts, item.text, item.size, item.stroke, item.double_strike)
    origin = (item.left + item.stroke + left, item.y + item.ascent + top)
    canvas.paste(WHITE if item.inverted else BLACK, origin, mask)


def _draw_box(draw: ImageDraw.ImageDraw, item: BoxItem) -> None:
    corners = (item.x, item.y, item.x + item.width - 1, item.y + item.height - 1)
    if item.filled:
        draw.rectangle(corners, fill=BLACK)
    else:
        draw.rectangle(corners, outline=BLACK, width=item.thickness)


def rasterize(layout: LabelLayout, fonts: FontBook) -> Image.Image:
    """The label as a mode "1" image of ``layout.width`` x ``layout.height`` dots."""
    canvas = Image.new("L", (layout.width, layout.height), WHITE)
    draw = ImageDraw.Draw(canvas)
    for item in layout.items:
        if isinstance(item, TextItem):
            _draw_text(canvas, item, fonts)
        elif isinstance(item, BoxItem):
            _draw_box(draw, item)
        elif isinstance(item, BarcodeItem):
            paint_code128(draw, item.x, item.y, item.geometry, ink=BLACK)
    return canvas.convert("1", dither=Image.Dither.NONE)


def png_bytes(layout: LabelLayout, fonts: FontBook) -> bytes:
    image = rasterize(layout, fonts)
    buffer = io.BytesIO()
    # The pHYs chunk tells print dialogs the physical size, so "actual size" maps 1 pixel to 1 dot.
    image.save(buffer, "PNG", dpi=(layout.dpi, layout.dpi), optimize=False)
    return buffer.getvalue()
