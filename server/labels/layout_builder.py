"""Builds label layouts: places text (fitted, wrapped), rules and barcodes, then checks the result.

Positions are given in mm of the 76 x 130 reference design and scaled to the profile's size and dpi.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from server.labels import messages
from server.labels.code128 import code128_geometry
from server.labels.content import LabelContentError
from server.labels.fonts import FontBook
from server.labels.layout import (
    BarcodeItem,
    BoxItem,
    LabelLayout,
    LabelLayoutError,
    LayoutItem,
    TextItem,
    item_bounds,
    overlaps,
    stroke_width,
)
from server.labels.profiles import PrinterProfile

ELLIPSIS = "…"
# Latin words, numbers and codes stay whole when wrapping; CJK breaks between any two characters.
_TOKEN = re.compile(r"[A-Za-z0-9@#&/._+\-]+\s*|\s+|.")
# Reference design size: positions are written for 76 x 130 mm and scaled to other sizes.
REFERENCE_MM = (76.0, 130.0)


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

    def ellipsize(
        self, text: str, box_width: int, size: int, bold: bool = False, *, force: bool = False
    ) -> str:
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

    def box(
        self, x: int, y: int, width: int, height: int, *, thickness: int = 2, filled: bool = False
    ) -> None:
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
                messages.LABEL_BARCODE_TOO_WIDE,
                data=data,
                needed=geometry.total_width_dots,
                available=self.width,
                size=self.profile.size,
            )
        x = (self.width - geometry.symbol_width_dots) // 2
        item = BarcodeItem(x, y, geometry)
        self.items.append(item)
        return item

    def build(self) -> LabelLayout:
        page = (0, 0, self.width, self.height)
        barcodes = [item for item in self.items if isinstance(item, BarcodeItem)]
        for item in self.items:
            left, top, right, bottom = item_bounds(item)
            if left < page[0] or top < page[1] or right > page[2] or bottom > page[3]:
                raise LabelLayoutError(f"{item!r} runs off the {self.width}x{self.height} page")
            for barcode in barcodes:
                if item is not barcode and overlaps(item_bounds(item), barcode.keep_clear):
                    raise LabelLayoutError(f"{item!r} is inside the quiet zone of {barcode.geometry.data!r}")
        return LabelLayout(
            width=self.width,
            height=self.height,
            dpi=self.profile.dpi,
            size_mm=self.profile.size_mm,
            items=tuple(self.items),
            font_fallback=self.fonts.fallback,
        )
