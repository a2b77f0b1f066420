"""SVG labels: valid XML sized in mm, bars as whole module widths encoding the tracking number."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from server.labels.code128 import encode_modules
from server.labels.content import LabelContent
from server.labels.render import render_label

from .factories import RAW_NAME, RAW_PHONE, profile_for

NS = {"svg": "http://www.w3.org/2000/svg"}


def _modules_from_rects(rects: list[ET.Element], module_mm: float) -> str:
    """Rebuild the 1/0 module pattern from bar rects, checking each edge sits on a module boundary."""
    start = float(rects[0].get("x", "0"))
    pattern = ""
    for rect in rects:
        offset = (float(rect.get("x", "0")) - start) / module_mm
        width = float(rect.get("width", "0")) / module_mm
        assert offset == pytest.approx(round(offset), abs=1e-3)
        assert width == pytest.approx(round(width), abs=1e-3) and round(width) >= 1
        pattern += "0" * (round(offset) - len(pattern)) + "1" * round(width)
    return pattern


def test_svg_is_sized_in_mm_with_whole_module_bars(content: LabelContent, size_dpi: tuple[str, int]) -> None:
    profile = profile_for("svg", size_dpi)
    rendered = render_label(content, profile)
    assert rendered.media_type == "image/svg+xml"
    root = ET.fromstring(rendered.data)
    width_mm, height_mm = profile.size_mm
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (root.get("width"), root.get("height")) == (f"{width_mm:g}mm", f"{height_mm:g}mm")
    assert root.get("viewBox") == f"0 0 {width_mm:g} {height_mm:g}"

    symbols = root.findall("svg:g[@class='code128']", NS)
    assert len(symbols) == 2
    for group in symbols:
        assert group.get("data-code") == content.tracking_number
        rects = group.findall("svg:rect", NS)
        assert _modules_from_rects(rects, profile.module_width_mm) == encode_modules(content.tracking_number)
        heights = {float(rect.get("height", "0")) for rect in rects}
        assert len(heights) == 1 and 10 <= heights.pop() <= 15


def test_svg_prints_the_masked_recipient_only(content: LabelContent) -> None:
    root = ET.fromstring(render_label(content, profile_for("svg", ("76x130", 203))).data)
    texts = [element.text or "" for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "张**  138****5678" in texts
    assert not any(RAW_PHONE in text or RAW_NAME in text for text in texts)
