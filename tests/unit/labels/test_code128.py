"""Code 128 geometry: whole-dot modules, quiet zones, and why python-barcode's default is not used."""

from __future__ import annotations

import pytest
from barcode import Code128
from barcode.writer import ImageWriter

from server.labels.code128 import code128_geometry, code128_image, encode_modules

from .barcode_checks import assert_code128, row_runs

TRACKING = "73100196611386"


def test_module_count_follows_the_code128_formula() -> None:
    # 14 digits = 7 subset-C symbols: 11 x (7 + 2) + 13 = 112 modules (reference §4.5).
    geometry = code128_geometry(TRACKING, 203)
    assert geometry.module_count == 112
    assert geometry.total_width_dots == (112 + 20) * 2
    assert sum(width for _start, width in geometry.bar_runs) == encode_modules(TRACKING).count("1")


@pytest.mark.parametrize(("dpi", "module_px"), [(203, 2), (300, 3)])
def test_standalone_symbol_decodes_with_clean_quiet_zones(dpi: int, module_px: int) -> None:
    image = code128_image(TRACKING, dpi)
    geometry = code128_geometry(TRACKING, dpi)
    assert image.size == (geometry.total_width_dots, geometry.height_dots)
    assert_code128(image, TRACKING, module_px)


@pytest.mark.parametrize("height_mm", [9.9, 15.1])
def test_bar_height_outside_10_to_15_mm_is_refused(height_mm: float) -> None:
    with pytest.raises(ValueError, match="bar height"):
        code128_geometry(TRACKING, 203, height_mm)


def test_quiet_zone_below_ten_modules_is_refused() -> None:
    with pytest.raises(ValueError, match="quiet zone"):
        code128_geometry(TRACKING, 203, quiet_modules=9)


def _bar_runs(image) -> list[int]:  # type: ignore[no-untyped-def]
    grey = image.convert("L")
    return [length for dark, length in row_runs(grey, grey.height // 2, 0, grey.width) if dark]


def test_python_barcode_default_module_width_is_not_whole_dots_at_203_dpi() -> None:
    """The 0.2 mm regression: 1.6 dots per module gives 1-px bars and runs of every length."""
    default = Code128(TRACKING, writer=ImageWriter(mode="1", dpi=203)).render(
        {"dpi": 203, "write_text": False, "module_height": 12}
    )
    runs = _bar_runs(default)
    assert min(runs) == 1, "a 1-dot bar is narrower than any module a 203 dpi head can print evenly"
    assert {run % 2 for run in runs} == {0, 1}, "bars are not whole 2-dot modules"
    guarded = _bar_runs(code128_image(TRACKING, 203))
    assert min(guarded) == 2
    assert all(run % 2 == 0 for run in guarded)
