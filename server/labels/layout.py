"""Format-neutral label layout: text, box and barcode items placed in printer dots.

Layouts are built once (``layout_builder``) and drawn by every renderer, so all formats show the same label.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.labels.code128 import Code128Geometry


class LabelLayoutError(RuntimeError):
    """An item lands off the page or inside a barcode's quiet zone: a bug in a layout, not in data."""


def stroke_width(size: int, bold: bool, inverted: bool = False) -> int:
    """Outline in dots that makes the single-weight CJK font print bold.

    An outline closes the counters of small CJK glyphs at 203 dpi (white-on-black ones sooner), so
    small bold text gets 0 here and is double-struck one dot to the right instead (``TextItem``).
    """
    if not bold:
        return 0
    return size // (48 if inverted else 38)


@dataclass(frozen=True)
class TextItem:
    """One line of text in a box ``box_width`` wide; ``y`` is the top of the line, baseline at y+ascent."""

    text: str
    x: int
    y: int
    box_width: int
    size: int
    ascent: int
    line_height: int
    width: int
    align: str = "left"
    bold: bool = False
    inverted: bool = False

    @property
    def stroke(self) -> int:
        return stroke_width(self.size, self.bold, self.inverted)

    @property
    def double_strike(self) -> bool:
        return self.bold and self.stroke == 0

    @property
    def left(self) -> int:
        """Where the text starts once aligned in its box (from the measured width)."""
        if self.align == "center":
            return self.x + (self.box_width - self.width) // 2
        if self.align == "right":
            return self.x + self.box_width - self.width
        return self.x


@dataclass(frozen=True)
class BoxItem:
    """A rectangle: filled (rules, inverted backgrounds) or outlined ``thickness`` dots wide."""

    x: int
    y: int
    width: int
    height: int
    thickness: int = 2
    filled: bool = False


@dataclass(frozen=True)
class BarcodeItem:
    """A Code 128 symbol whose first bar is at (x, y); its quiet zones must stay empty."""

    x: int
    y: int
    geometry: Code128Geometry

    @property
    def keep_clear(self) -> tuple[int, int, int, int]:
        quiet = self.geometry.quiet_zone_dots
        return (
            self.x - quiet,
            self.y,
            self.x + self.geometry.symbol_width_dots + quiet,
            self.y + self.geometry.height_dots,
        )


LayoutItem = TextItem | BoxItem | BarcodeItem


def item_bounds(item: LayoutItem) -> tuple[int, int, int, int]:
    if isinstance(item, TextItem):
        return item.x, item.y, item.x + item.box_width, item.y + item.line_height
    if isinstance(item, BarcodeItem):
        return item.keep_clear
    return item.x, item.y, item.x + item.width, item.y + item.height


def overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@dataclass(frozen=True)
class LabelLayout:
    """A whole label in printer dots; ``texts`` lists every string drawn, in drawing order."""

    width: int
    height: int
    dpi: int
    size_mm: tuple[float, float]
    items: tuple[LayoutItem, ...]
    font_fallback: bool = False

    @property
    def text_items(self) -> tuple[TextItem, ...]:
        return tuple(item for item in self.items if isinstance(item, TextItem))

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(item.text for item in self.text_items)

    @property
    def barcodes(self) -> tuple[BarcodeItem, ...]:
        return tuple(item for item in self.items if isinstance(item, BarcodeItem))
