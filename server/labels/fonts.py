"""Finds a CJK font for labels and measures text with it; falls back to Pillow's font, never fails.

The same metrics drive every format, so line breaks and fitting are decided once, in the layout.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

log = logging.getLogger(__name__)

# Debian/Ubuntu package paths, most legible on thermal printers first.
DEFAULT_FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # fonts-arphic-uming
)
SVG_FONT_FAMILY = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Droid Sans Fallback', sans-serif"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=256)
def _load(path: str | None, size: int) -> Font:
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=8192)
def _width(path: str | None, text: str, size: int) -> int:
    # Fitting and wrapping measure the same strings (rules, headings, sender) on every label.
    return round(_load(path, size).getlength(text))


@dataclass(frozen=True)
class FontBook:
    """One typeface at any pixel size; ``path`` None means Pillow's built-in font (no CJK glyphs)."""

    path: str | None

    @property
    def fallback(self) -> bool:
        return self.path is None

    def font(self, size: int) -> Font:
        return _load(self.path, max(1, size))

    def width(self, text: str, size: int) -> int:
        return _width(self.path, text, max(1, size))

    def ascent(self, size: int) -> int:
        font = self.font(size)
        if isinstance(font, ImageFont.FreeTypeFont):
            return font.getmetrics()[0]
        return size

    def line_height(self, size: int) -> int:
        font = self.font(size)
        if isinstance(font, ImageFont.FreeTypeFont):
            ascent, descent = font.getmetrics()
            return ascent + descent
        return size


def find_font_book(candidates: Sequence[str] = DEFAULT_FONT_CANDIDATES) -> FontBook:
    """The first candidate that loads, else Pillow's default font (logged: CJK text will not show)."""
    return _find_font_book(tuple(candidates))


@lru_cache(maxsize=8)
def _find_font_book(candidates: tuple[str, ...]) -> FontBook:
    for path in candidates:
        if not Path(path).is_file():
            continue
        try:
            _load(path, 12)
        except OSError:
            log.warning("label font %s exists but cannot be loaded", path)
            continue
        return FontBook(path)
    log.warning("no CJK font found in %s; labels fall back to Pillow's default font", list(candidates))
    return FontBook(None)
