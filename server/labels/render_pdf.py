"""Wraps the label raster in a one-page PDF whose page is the label, at the printer's resolution.

Each image pixel maps to one printer dot when the PDF is printed at actual size (reference §4.6).
"""

from __future__ import annotations

import io

from server.labels.fonts import FontBook
from server.labels.layout import LabelLayout
from server.labels.render_png import rasterize


def pdf_bytes(layout: LabelLayout, fonts: FontBook) -> bytes:
    """Page size = dots / dpi inches (607 x 1039 dots at 203 dpi = 215.3 x 368.5 pt, about 76 x 130 mm)."""
    buffer = io.BytesIO()
    rasterize(layout, fonts).save(buffer, "PDF", resolution=float(layout.dpi))
    return buffer.getvalue()
