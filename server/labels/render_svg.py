"""Draws a label layout as SVG in millimetres: the page is the label size, bars are whole modules.

Coordinates are the layout's dots times 25.4/dpi, so a bar of k modules is exactly k module widths.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from server.labels.fonts import SVG_FONT_FAMILY
from server.labels.layout import BarcodeItem, BoxItem, LabelLayout, TextItem
from server.labels.profiles import MM_PER_INCH

SVG_NS = "http://www.w3.org/2000/svg"
_ANCHORS = {"left": "start", "center": "middle", "right": "end"}
_ANCHOR_FRACTION = {"left": 0.0, "center": 0.5, "right": 1.0}


def _mm(value: float) -> str:
    # 4 decimals keep module multiples exact to 0.1 micrometre; trailing zeros only add bytes.
    return f"{value:.4f}".rstrip("0").rstrip(".")


class _Scale:
    def __init__(self, dpi: int) -> None:
        self.mm_per_dot = MM_PER_INCH / dpi

    def __call__(self, dots: float) -> str:
        return _mm(dots * self.mm_per_dot)


def _text(parent: ET.Element, item: TextItem, mm: _Scale) -> None:
    anchor_x = item.x + item.box_width * _ANCHOR_FRACTION[item.align]
    element = ET.SubElement(
        parent,
        "text",
        x=mm(anchor_x),
        y=mm(item.y + item.ascent),
        attrib={"font-size": mm(item.size), "text-anchor": _ANCHORS[item.align]},
    )
    if item.bold:
        element.set("font-weight", "bold")
    if item.inverted:
        element.set("fill", "#fff")
    element.text = item.text


def _box(parent: ET.Element, item: BoxItem, mm: _Scale) -> None:
    if item.filled:
        ET.SubElement(
            parent, "rect", x=mm(item.x), y=mm(item.y), width=mm(item.width), height=mm(item.height)
        )
        return
    # An SVG stroke straddles the outline; inset by half the thickness so the box keeps its outer size.
    half = item.thickness / 2
    ET.SubElement(
        parent,
        "rect",
        x=mm(item.x + half),
        y=mm(item.y + half),
        width=mm(item.width - item.thickness),
        height=mm(item.height - item.thickness),
        fill="none",
        stroke="#000",
        attrib={"stroke-width": mm(item.thickness)},
    )


def _barcode(parent: ET.Element, item: BarcodeItem, mm: _Scale) -> None:
    geometry = item.geometry
    group = ET.SubElement(
        parent, "g", attrib={"class": "code128", "data-code": geometry.data, "shape-rendering": "crispEdges"}
    )
    for offset, width in geometry.bars_dots:
        ET.SubElement(
            group,
            "rect",
            x=mm(item.x + offset),
            y=mm(item.y),
            width=mm(width),
            height=mm(geometry.height_dots),
        )


def svg_bytes(layout: LabelLayout) -> bytes:
    """A standalone SVG document whose width and height are the label size in mm."""
    width_mm, height_mm = layout.size_mm
    root = ET.Element(
        "svg",
        xmlns=SVG_NS,
        width=f"{_mm(width_mm)}mm",
        height=f"{_mm(height_mm)}mm",
        viewBox=f"0 0 {_mm(width_mm)} {_mm(height_mm)}",
        # Keep the double space between name and phone; XML would collapse it.
        attrib={"font-family": SVG_FONT_FAMILY, "{http://www.w3.org/XML/1998/namespace}space": "preserve"},
    )
    ET.SubElement(root, "rect", width="100%", height="100%", fill="#fff")
    mm = _Scale(layout.dpi)
    for item in layout.items:
        if isinstance(item, TextItem):
            _text(root, item, mm)
        elif isinstance(item, BoxItem):
            _box(root, item, mm)
        elif isinstance(item, BarcodeItem):
            _barcode(root, item, mm)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
