"""Rasterises a label layout to a 1-bit image at printer resolution, one pixel per printer dot.

Text is drawn in greyscale and thresholded (crisper CJK strokes than Pillow's 1-bit text path);
bars and boxes have integer corners, so thresholding leaves them exact.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from server.labels.code128 import paint_code128
from server.labels.fonts import FontBook
from server.labels.layout import BarcodeItem, BoxItem, LabelLayout, TextItem

BLACK, WHITE = 0, 255


def _draw_text(draw: ImageDraw.ImageDraw, item: TextItem, fonts: FontBook) -> None:
    ink = WHITE if item.inverted else BLACK
    x, baseline = item.left + item.stroke, item.y + item.ascent
    for offset in (0, 1) if item.double_strike else (0,):
        draw.text(
            (x + offset, baseline),
            item.text,
            font=fonts.font(item.size),
            fill=ink,
            anchor="ls",
            stroke_width=item.stroke,
            stroke_fill=ink,
        )


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
            _draw_text(draw, item, fonts)
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
