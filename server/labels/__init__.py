"""Courier labels and gift slips: content, printer profiles and renderers (PNG, PDF, SVG, ZPL).

Pure functions over plain values; callers fetch data and send the bytes to a printer.
"""

from server.labels.content import LabelContent, LabelContentError
from server.labels.layout import LabelLayoutError
from server.labels.profiles import LabelProfileError, PrinterProfile
from server.labels.render import RenderedLabel, render_gift_slip, render_label

__all__ = [
    "LabelContent",
    "LabelContentError",
    "LabelLayoutError",
    "LabelProfileError",
    "PrinterProfile",
    "RenderedLabel",
    "render_gift_slip",
    "render_label",
]
