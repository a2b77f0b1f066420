"""PDF labels: the page is the label size, the raster inside is 1:1 with printer dots and decodes."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from server.labels.content import LabelContent
from server.labels.render import render_label

from .barcode_checks import assert_code128, decode_code128
from .factories import profile_for


def test_pdf_page_is_the_label_size_and_its_raster_decodes(
    content: LabelContent, size_dpi: tuple[str, int]
) -> None:
    profile = profile_for("pdf", size_dpi)
    rendered = render_label(content, profile)
    assert rendered.media_type == "application/pdf"
    assert rendered.data.startswith(b"%PDF-")
    document = pdfium.PdfDocument(rendered.data)
    try:
        assert len(document) == 1
        page = document[0]
        width_pt, height_pt = page.get_size()
        nominal_w, nominal_h = profile.page_points
        # Within a dot of the nominal size (the page is a whole number of dots), and exactly dots/dpi.
        assert width_pt == pytest.approx(nominal_w, abs=72 / profile.dpi)
        assert height_pt == pytest.approx(nominal_h, abs=72 / profile.dpi)
        dots_w, dots_h = profile.page_dots
        assert width_pt == pytest.approx(dots_w * 72 / profile.dpi, abs=0.01)
        assert height_pt == pytest.approx(dots_h * 72 / profile.dpi, abs=0.01)

        rasterised = page.render(scale=profile.dpi / 72).to_pil()
        assert [r.text for r in decode_code128(rasterised)] == [content.tracking_number] * 2

        # The embedded image is the printer raster itself: exact geometry, one pixel per dot.
        images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
        assert len(images) == 1
        embedded = images[0].get_bitmap(render=False).to_pil()
        assert embedded.size == profile.page_dots
        assert_code128(embedded, content.tracking_number, profile.module_dots, count=2)
    finally:
        document.close()
