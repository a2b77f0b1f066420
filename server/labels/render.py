"""Single entry point: a courier label or a gift slip as bytes in the station's printer format."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from server.labels import messages
from server.labels.content import LabelContent, LabelContentError
from server.labels.fonts import DEFAULT_FONT_CANDIDATES, FontBook, find_font_book
from server.labels.gift_slip import layout_gift_slip
from server.labels.layout import LabelLayout
from server.labels.profiles import PrinterProfile
from server.labels.render_pdf import pdf_bytes
from server.labels.render_png import png_bytes
from server.labels.render_svg import svg_bytes
from server.labels.render_zpl import zpl_bytes
from server.labels.waybill_layout import layout_waybill

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "svg": "image/svg+xml",
    # No registered type exists for ZPL; printers and print agents only look at the bytes.
    "zpl": "application/x-zpl",
}
_RENDERERS: dict[str, Callable[[LabelLayout, FontBook], bytes]] = {
    "pdf": pdf_bytes,
    "png": png_bytes,
    "svg": lambda layout, _fonts: svg_bytes(layout),
    "zpl": lambda layout, _fonts: zpl_bytes(layout),
}
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class RenderedLabel:
    """Printable bytes; ``font_fallback`` is True when no CJK font was found (Chinese text is missing)."""

    data: bytes
    media_type: str
    filename: str
    font_fallback: bool = False


def _filename(stem: str, profile: PrinterProfile) -> str:
    return f"{_UNSAFE_FILENAME.sub('_', stem)}.{profile.format}"


def _render(layout: LabelLayout, fonts: FontBook, profile: PrinterProfile, stem: str) -> RenderedLabel:
    return RenderedLabel(
        data=_RENDERERS[profile.format](layout, fonts),
        media_type=MEDIA_TYPES[profile.format],
        filename=_filename(stem, profile),
        font_fallback=layout.font_fallback,
    )


def render_label(
    content: LabelContent,
    profile: PrinterProfile,
    *,
    font_candidates: Sequence[str] = DEFAULT_FONT_CANDIDATES,
) -> RenderedLabel:
    """The courier label for ``content`` in ``profile``'s format, size and resolution."""
    fonts = find_font_book(font_candidates)
    layout = layout_waybill(content, profile, fonts)
    stem = f"label-{content.tracking_number}-v{content.label_version}"
    return _render(layout, fonts, profile, stem)


def render_gift_slip(
    order_number: str,
    gift_lines: Sequence[str],
    profile: PrinterProfile,
    *,
    font_candidates: Sequence[str] = DEFAULT_FONT_CANDIDATES,
) -> RenderedLabel:
    """A slip with the Code 128 of ``<order_number>GIFT`` and the gift names, for the picker."""
    if not gift_lines:
        raise LabelContentError(messages.GIFT_SLIP_EMPTY, order_number=order_number)
    fonts = find_font_book(font_candidates)
    layout = layout_gift_slip(order_number, gift_lines, profile, fonts)
    return _render(layout, fonts, profile, f"gift-{order_number}")
