"""Scan-side checks for rendered labels: decode with zxing-cpp, then verify the bar geometry.

zxing decodes symbols without a quiet zone or with uneven bars, so decoding alone proves little
(reference §4.8); these checks look at the pixels.
"""

from __future__ import annotations

import itertools

import zxingcpp
from PIL import Image

DARK = 128  # grey levels below this are ink


def decode_code128(image: Image.Image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(image.convert("L"), formats=[zxingcpp.BarcodeFormat.Code128])


def row_runs(image: Image.Image, y: int, start: int, stop: int) -> list[tuple[bool, int]]:
    """(is_dark, length) runs of one scanline between start and stop (exclusive)."""
    pixels = [image.getpixel((x, y)) < DARK for x in range(start, stop)]
    return [(dark, len(list(group))) for dark, group in itertools.groupby(pixels)]


def _edge(image: Image.Image, y: int, around: int, module_px: int, first: bool) -> int:
    """The exact first (or last) dark pixel near zxing's reported corner, which may be off by a dot."""
    xs = range(around - module_px, around + module_px + 1)
    dark = [x for x in xs if 0 <= x < image.width and image.getpixel((x, y)) < DARK]
    assert dark, f"no bar edge near x={around} on row {y}"
    return min(dark) if first else max(dark)


def check_symbol_geometry(
    image: Image.Image, result: zxingcpp.Barcode, module_px: int, quiet_modules: int
) -> None:
    position = result.position
    x0 = min(position.top_left.x, position.bottom_left.x)
    x1 = max(position.top_right.x, position.bottom_right.x)
    y0 = min(position.top_left.y, position.top_right.y)
    y1 = max(position.bottom_left.y, position.bottom_right.y)
    middle = (y0 + y1) // 2
    left = _edge(image, middle, x0, module_px, first=True)
    right = _edge(image, middle, x1, module_px, first=False)
    quiet = quiet_modules * module_px
    assert left - quiet >= 0 and right + quiet < image.width, "quiet zone runs off the label"
    for y in range(y0, y1 + 1):
        for x in [*range(left - quiet, left), *range(right + 1, right + 1 + quiet)]:
            assert image.getpixel((x, y)) >= DARK, f"dark pixel in the quiet zone at {(x, y)}"
    runs = row_runs(image, middle, left, right + 1)
    bars = [length for dark, length in runs if dark]
    assert min(bars) == module_px, f"narrowest bar is {min(bars)} px, module is {module_px} px"
    uneven = [length for _dark, length in runs if length % module_px]
    assert not uneven, f"runs {uneven} are not whole modules of {module_px} px"


def assert_code128(
    image: Image.Image, expected: str, module_px: int, *, count: int = 1, quiet_modules: int = 10
) -> list[zxingcpp.Barcode]:
    """Decode every Code 128 on ``image``, expect ``count`` of them reading ``expected``, check each."""
    grey = image.convert("L")
    results = decode_code128(grey)
    assert [result.text for result in results] == [expected] * count
    if results[0].orientation:
        # Normalise to vertical bars so the scanline checks read across the symbol.
        grey = grey.rotate(results[0].orientation, expand=True)
        results = decode_code128(grey)
        assert [result.text for result in results] == [expected] * count
    for result in results:
        assert result.symbology_identifier == "]C0"
        check_symbol_geometry(grey, result, module_px, quiet_modules)
    return results
