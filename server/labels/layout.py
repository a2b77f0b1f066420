"""Format-neutral label layout: text, box and barcode items placed in printer dots.

Layouts are built once and drawn by every renderer, so PNG, PDF, SVG and ZPL show the same label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from server.labels.code128 import Code128Geometry, code128_geometry
from server.labels.content import LabelContentError
from server.labels.fonts import FontBook
from server.labels.profiles import PrinterProfile

ELLIPSIS = "…"
# Latin words, numbers and codes stay whole when wrapping; CJK breaks between any two characters.
_TOKEN = re.compile(r"[A-Za-z0-9@#&/._+\-]+\s*|\s+|.")
# Reference design size: positions are written for 76 x 130 mm and scaled to other sizes.
REFERENCE_MM = (76.0, 130.0)


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
        return (self.x - quiet, self.y, self.x + self.geometry.symbol_width_dots + quiet, self.y + self.geometry.height_dots)


LayoutItem = TextItem | BoxItem | BarcodeItem


def _bounds(item: LayoutItem) -> tuple[int, int, int, int]:
    if isinstance(item, TextItem):
        return item.x, item.y, item.x + item.box_width, item.y + item.line_height
    if isinstance(item, BarcodeItem):
        return item.keep_clear
    return item.x, item.y, item.x + item.width, item.y + item.height


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
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


@dataclass
class LayoutBuilder:
    """Places items in mm of the 76 x 130 reference design, scaled to the profile's size and dpi."""

    profile: PrinterProfile
    fonts: FontBook
    items: list[LayoutItem] = field(default_factory=list)

    def __post_init__(self) -> None:
        width_mm, height_mm = self.profile.size_mm
        self.width, self.height = self.profile.page_dots
        self.vertical_scale = height_mm / REFERENCE_MM[1]
        # Type and margins grow with the smaller ratio so wider labels do not get taller text.
        self.scale = min(width_mm / REFERENCE_MM[0], self.vertical_scale)
        self.margin = self.d(2.0)

    def d(self, mm: float) -> int:
        """A size (type, margin, box) in reference mm, scaled, in dots."""
        return round(mm * self.scale * self.profile.dots_per_mm)

    def y(self, mm: float) -> int:
        """A vertical position in reference mm, in dots."""
        return round(mm * self.vertical_scale * self.profile.dots_per_mm)

    @property
    def content_width(self) -> int:
        return self.width - 2 * self.margin

    def measure(self, text: str, size: int, bold: bool = False, inverted: bool = False) -> int:
        stroke = stroke_width(size, bold, inverted)
        return self.fonts.width(text, size) + (2 * stroke if stroke else int(bold))

    def text(
        self,
        text: str,
        x: int,
        y: int,
        box_width: int,
        size: int,
        *,
        align: str = "left",
        bold: bool = False,
        inverted: bool = False,
        min_size: int | None = None,
    ) -> TextItem:
        """One line, shrunk down to ``min_size`` to fit, then cut with an ellipsis; never overflows."""
        text = " ".join(text.splitlines()).strip()
        if min_size is not None:
            size = self.fit_size(text, box_width, size, min_size, bold)
        text = self.ellipsize(text, box_width, size, bold)
        item = TextItem(
            text=text,
            x=x,
            y=y,
            box_width=box_width,
            size=size,
            ascent=self.fonts.ascent(size),
            line_height=self.fonts.line_height(size),
            width=self.measure(text, size, bold, inverted),
            align=align,
            bold=bold,
            inverted=inverted,
        )
        self.items.append(item)
        return item

    def fit_size(self, text: str, box_width: int, size: int, min_size: int, bold: bool = False) -> int:
        """The largest size from ``size`` down to ``min_size`` at which ``text`` fits on one line."""
        while size > min_size and self.measure(text, size, bold) > box_width:
            size -= 1
        return size

    def ellipsize(self, text: str, box_width: int, size: int, bold: bool = False, *, force: bool = False) -> str:
        """``text`` if it fits, else as much of it as fits followed by an ellipsis."""
        if not force and self.measure(text, size, bold) <= box_width:
            return text
        while text and self.measure(text + ELLIPSIS, size, bold) > box_width:
            text = text[:-1]
        return text.rstrip() + ELLIPSIS

    def wrap(self, text: str, box_width: int, size: int, max_lines: int) -> list[str]:
        """Greedy line breaking; the last allowed line ends with an ellipsis if text remains."""
        lines: list[str] = []
        current = ""
        for token in _TOKEN.findall(" ".join(text.split())):
            candidate = current + token
            if self.measure(candidate.rstrip(), size) <= box_width:
                current = candidate
                continue
            if current.strip():
                lines.append(current.rstrip())
            current = token.lstrip()
            # A token wider than the whole box (a long code) is broken between characters.
            while self.measure(current.rstrip(), size) > box_width and len(current) > 1:
                cut = len(current) - 1
                while cut > 1 and self.measure(current[:cut], size) > box_width:
                    cut -= 1
                lines.append(current[:cut])
                current = current[cut:]
        if current.strip():
            lines.append(current.rstrip())
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self.ellipsize(lines[-1], box_width, size, force=True)
        return lines

    def paragraph(self, text: str, x: int, y: int, box_width: int, size: int, max_lines: int) -> int:
        """Wrapped lines from ``y`` down; returns the y below the last line."""
        line_height = self.fonts.line_height(size)
        for line in self.wrap(text, box_width, size, max_lines):
            self.text(line, x, y, box_width, size)
            y += line_height
        return y

    def box(self, x: int, y: int, width: int, height: int, *, thickness: int = 2, filled: bool = False) -> None:
        self.items.append(BoxItem(x, y, width, height, thickness, filled))

    def rule(self, y: int, thickness: int = 2) -> None:
        self.box(self.margin, y, self.content_width, thickness, thickness=thickness, filled=True)

    def dashed_rule(self, y: int, thickness: int = 2) -> None:
        dash, gap = self.d(2.0), self.d(1.0)
        x = self.margin
        while x < self.width - self.margin:
            length = min(dash, self.width - self.margin - x)
            self.box(x, y, length, thickness, thickness=thickness, filled=True)
            x += dash + gap

    def barcode(self, data: str, y: int, height_mm: float) -> BarcodeItem:
        """A centred Code 128; data too long to fit with its quiet zones is refused, not squeezed."""
        geometry = code128_geometry(data, self.profile.dpi, height_mm)
        if geometry.total_width_dots > self.width - 2 * self.d(1.0):
            raise LabelContentError(
                f"{data!r} needs {geometry.total_width_dots} dots with quiet zones; "
                f"the {self.profile.size} mm label has {self.width}"
            )
        x = (self.width - geometry.symbol_width_dots) // 2
        item = BarcodeItem(x, y, geometry)
        self.items.append(item)
        return item

    def build(self) -> LabelLayout:
        page = (0, 0, self.width, self.height)
        barcodes = [item for item in self.items if isinstance(item, BarcodeItem)]
        for item in self.items:
            left, top, right, bottom = _bounds(item)
            if left < page[0] or top < page[1] or right > page[2] or bottom > page[3]:
                raise LabelLayoutError(f"{item!r} runs off the {self.width}x{self.height} page")
            for barcode in barcodes:
                if item is not barcode and _overlaps(_bounds(item), barcode.keep_clear):
                    raise LabelLayoutError(f"{item!r} is inside the quiet zone of {barcode.geometry.data!r}")
        return LabelLayout(
            width=self.width,
            height=self.height,
            dpi=self.profile.dpi,
            size_mm=self.profile.size_mm,
            items=tuple(self.items),
            font_fallback=self.fonts.fallback,
        )
