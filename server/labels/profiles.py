"""Printer profiles: output format, label size and printer resolution, with the dot arithmetic.

Everything a renderer needs to land bars and text on whole printer dots derives from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from server.errors import InvalidInput
from server.i18n import Localized
from server.labels import messages

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72

FORMATS = ("pdf", "png", "svg", "zpl")
SIZES_MM: dict[str, tuple[float, float]] = {"76x130": (76.0, 130.0), "100x150": (100.0, 150.0)}
# A Code 128 module must be a whole number of dots (reference §4.5); 1 dot is too narrow to scan.
MODULE_DOTS: dict[int, int] = {203: 2, 300: 3}


class LabelProfileError(InvalidInput, ValueError):
    """A printer profile asks for a format, size or resolution Packline does not print."""

    def __init__(self, setting: Localized, value: object, supported: Iterable[object]) -> None:
        super().__init__(
            messages.LABEL_PROFILE_UNSUPPORTED,
            setting=setting,
            value=repr(value),
            supported=", ".join(str(option) for option in supported),
        )


def _check_dpi(dpi: int) -> None:
    # bool is an int subclass and 203.0 hashes like 203: only a real int is a resolution.
    if type(dpi) is not int or dpi not in MODULE_DOTS:
        raise LabelProfileError(messages.SETTING_RESOLUTION, dpi, MODULE_DOTS)


def module_dots(dpi: int) -> int:
    """Width of one Code 128 module in printer dots (2 at 203 dpi, 3 at 300 dpi)."""
    _check_dpi(dpi)
    return MODULE_DOTS[dpi]


def module_width_mm(dpi: int) -> float:
    """Module width in mm that is exactly a whole number of dots: n x 25.4 / dpi."""
    return module_dots(dpi) * MM_PER_INCH / dpi


def dots_per_mm(dpi: int) -> float:
    _check_dpi(dpi)
    return dpi / MM_PER_INCH


def mm_to_dots(mm: float, dpi: int) -> int:
    return round(mm * dots_per_mm(dpi))


@dataclass(frozen=True)
class PrinterProfile:
    """How one pack station prints: format ``pdf|png|svg|zpl``, size ``76x130|100x150``, 203 or 300 dpi."""

    format: str = "png"
    size: str = "76x130"
    dpi: int = 203

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise LabelProfileError(messages.SETTING_FORMAT, self.format, FORMATS)
        if self.size not in SIZES_MM:
            raise LabelProfileError(messages.SETTING_SIZE, self.size, SIZES_MM)
        _check_dpi(self.dpi)

    @property
    def size_mm(self) -> tuple[float, float]:
        return SIZES_MM[self.size]

    @property
    def dots_per_mm(self) -> float:
        return dots_per_mm(self.dpi)

    @property
    def module_dots(self) -> int:
        return module_dots(self.dpi)

    @property
    def module_width_mm(self) -> float:
        return module_width_mm(self.dpi)

    @property
    def page_dots(self) -> tuple[int, int]:
        """Page size in printer dots, e.g. 607 x 1039 for 76 x 130 mm at 203 dpi."""
        width_mm, height_mm = self.size_mm
        return mm_to_dots(width_mm, self.dpi), mm_to_dots(height_mm, self.dpi)

    @property
    def page_points(self) -> tuple[float, float]:
        """Nominal label size in PDF points (1/72 inch)."""
        width_mm, height_mm = self.size_mm
        scale = POINTS_PER_INCH / MM_PER_INCH
        return width_mm * scale, height_mm * scale
