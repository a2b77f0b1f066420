"""Code 128 symbols whose bars are whole printer dots, with their geometry for renderers and tests.

python-barcode encodes (subset switching, check symbol); we paint the module pattern ourselves.
Its ImageWriter converts mm to pixels with float truncation: at 0.254 mm / 300 dpi it yields runs of
5 and 13 px and at 0.25 mm / 203 dpi a 19-px quiet zone, so a "whole-dot" module width is not enough.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from barcode import Code128
from PIL import Image, ImageDraw

from server.labels.content import check_code128_text
from server.labels.profiles import dots_per_mm, module_dots

QUIET_ZONE_MODULES = 10  # ISO/IEC 15417 minimum on each side
MIN_BAR_HEIGHT_MM = 10.0
MAX_BAR_HEIGHT_MM = 15.0


def encode_modules(data: str) -> str:
    """Module pattern of ``data`` as "1" (bar) / "0" (space), start to stop, without quiet zones."""
    check_code128_text(data)
    # A Code128 object keeps subset state between builds: use a fresh one per encoding.
    return Code128(data).build()[0]


@dataclass(frozen=True)
class Code128Geometry:
    """A Code 128 symbol laid out in printer dots. ``x`` offsets are relative to the first bar."""

    data: str
    modules: str
    module_dots: int
    height_dots: int
    quiet_modules: int = QUIET_ZONE_MODULES

    @property
    def module_count(self) -> int:
        return len(self.modules)

    @property
    def symbol_width_dots(self) -> int:
        return self.module_count * self.module_dots

    @property
    def quiet_zone_dots(self) -> int:
        return self.quiet_modules * self.module_dots

    @property
    def total_width_dots(self) -> int:
        """Symbol plus both quiet zones: the horizontal space a layout must keep clear."""
        return self.symbol_width_dots + 2 * self.quiet_zone_dots

    @cached_property
    def bar_runs(self) -> tuple[tuple[int, int], ...]:
        """Dark bars as (start module, width in modules)."""
        runs: list[tuple[int, int]] = []
        start = None
        for index, module in enumerate(self.modules + "0"):
            if module == "1" and start is None:
                start = index
            elif module == "0" and start is not None:
                runs.append((start, index - start))
                start = None
        return tuple(runs)

    @property
    def bars_dots(self) -> tuple[tuple[int, int], ...]:
        """Dark bars as (x offset, width) in dots."""
        return tuple((start * self.module_dots, width * self.module_dots) for start, width in self.bar_runs)


def _height_dots(height_mm: float, dpi: int) -> int:
    # Rounding alone can drop 10 mm to 118 dots = 9.99 mm at 300 dpi; stay inside the 10-15 mm band.
    per_mm = dots_per_mm(dpi)
    lowest, highest = math.ceil(MIN_BAR_HEIGHT_MM * per_mm), math.floor(MAX_BAR_HEIGHT_MM * per_mm)
    return min(max(round(height_mm * per_mm), lowest), highest)


def code128_geometry(
    data: str, dpi: int, height_mm: float = 12.0, quiet_modules: int = QUIET_ZONE_MODULES
) -> Code128Geometry:
    """Lay out ``data`` at ``dpi``: 2-dot modules at 203 dpi, 3-dot modules at 300 dpi."""
    if not MIN_BAR_HEIGHT_MM <= height_mm <= MAX_BAR_HEIGHT_MM:
        raise ValueError(f"bar height {height_mm} mm is outside {MIN_BAR_HEIGHT_MM}-{MAX_BAR_HEIGHT_MM} mm")
    if quiet_modules < QUIET_ZONE_MODULES:
        raise ValueError(f"quiet zone of {quiet_modules} modules is below {QUIET_ZONE_MODULES}")
    return Code128Geometry(
        data=data,
        modules=encode_modules(data),
        module_dots=module_dots(dpi),
        height_dots=_height_dots(height_mm, dpi),
        quiet_modules=quiet_modules,
    )


def paint_code128(draw: ImageDraw.ImageDraw, x: int, y: int, geometry: Code128Geometry, ink: int = 0) -> None:
    """Paint the bars with the first bar at (x, y); the caller keeps the quiet zones clear."""
    bottom = y + geometry.height_dots - 1
    for offset, width in geometry.bars_dots:
        # Integer corners, inclusive on both ends: a bar of width w covers exactly w dots.
        draw.rectangle((x + offset, y, x + offset + width - 1, bottom), fill=ink)


def code128_image(data: str, dpi: int, height_mm: float = 12.0) -> Image.Image:
    """A stand-alone 1-bit image of the symbol with its quiet zones and no human-readable text."""
    geometry = code128_geometry(data, dpi, height_mm)
    image = Image.new("1", (geometry.total_width_dots, geometry.height_dots), 1)
    paint_code128(ImageDraw.Draw(image), geometry.quiet_zone_dots, 0, geometry)
    return image
