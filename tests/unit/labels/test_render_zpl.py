"""ZPL labels: one well-formed format, page in dots, ^BY module dots and ^BC with the tracking number."""

from __future__ import annotations

import re

from server.labels.content import LabelContent
from server.labels.render import render_label
from server.labels.render_zpl import field_data

from .factories import RAW_NAME, RAW_PHONE, make_content, profile_for


def assert_well_formed(zpl: str) -> list[str]:
    """Starts ^XA, ends ^XZ, every ^FD closed by ^FS before the next command; returns the field data."""
    body = zpl.strip()
    assert body.startswith("^XA") and body.endswith("^XZ")
    assert body.count("^XA") == 1 and body.count("^XZ") == 1
    fields = []
    for match in re.finditer(r"\^FD", body):
        end = body.find("^FS", match.end())
        assert end != -1, f"^FD at {match.start()} is never closed"
        data = body[match.end() : end]
        assert "^" not in data and "~" not in data, f"control character inside field data {data!r}"
        fields.append(data)
    assert body.count("^FS") == len(fields) + body.count("^GB")
    return fields


def test_zpl_is_well_formed_with_page_and_barcode_in_dots(
    content: LabelContent, size_dpi: tuple[str, int]
) -> None:
    profile = profile_for("zpl", size_dpi)
    rendered = render_label(content, profile)
    zpl = rendered.data.decode("utf-8")
    fields = assert_well_formed(zpl)
    width, height = profile.page_dots
    assert f"^PW{width}" in zpl and f"^LL{height}" in zpl
    assert "^CI28" in zpl
    barcodes = re.findall(r"\^BY(\d+)\^BCN,(\d+),N,N,N,A\^FD([^\^]*)\^FS", zpl)
    assert len(barcodes) == 2
    for module, bar_height, data in barcodes:
        assert int(module) == {203: 2, 300: 3}[profile.dpi]
        assert 10 <= int(bar_height) / profile.dots_per_mm <= 15
        assert data == content.tracking_number
    assert "张**  138****5678" in fields
    assert RAW_PHONE not in zpl and RAW_NAME not in zpl


def test_control_characters_in_text_are_escaped() -> None:
    content = make_content(sku_summary="mug ^XZ ~JA under_score")
    zpl = render_label(content, profile_for("zpl", ("76x130", 203))).data.decode("utf-8")
    fields = assert_well_formed(zpl)
    assert any("_5EXZ _7EJA under_5Fscore" in field for field in fields)
    assert field_data("a^b") == "^FH_^FDa_5Eb^FS"
    assert field_data("plain") == "^FDplain^FS"
