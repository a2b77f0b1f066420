"""Printer profiles: output format, label size and printer resolution, with the dot arithmetic.

Everything a renderer needs to land bars and text on whole printer dots derives from here.
"""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72

FORMATS = ("pdf", "png", "svg", "zpl")
SIZES_MM: dict[str, tuple[float, float]] = {"76x130": (76.0, 130.0), "100x150": (100.0, 150.0)}
# A Code 128 module must be a whole number of dots (reference §4.5); 1 dot is too narrow to scan.
MODULE_DOTS: dict[int, int] = {203: 2, 300: 3}


class LabelProfileError(ValueError):
    """A printer profile asks for a format, size or resolution Packline does not print."""


def _check_dpi(dpi: int) -> None:
    if dpi not in MODULE_DOTS:
        supported = ", ".join(str(value) for value in MODULE_DOTS)
        raise LabelProfileError(f"unsupported printer resolution {dpi!r} dpi (supported: {supported})")


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
            raise LabelProfileError(
                f"unsupported label format {self.format!r} (supported: {', '.join(FORMATS)})"
            )
        if self.size not in SIZES_MM:
            raise LabelProfileError(
                f"unsupported label size {self.size!r} (supported: {', '.join(SIZES_MM)})"
            )
        # bool is an int subclass; True must not pass as a resolution.
        if not isinstance(self.dpi, int) or isinstance(self.dpi, bool):
            raise LabelProfileError(f"printer resolution must be an integer, got {self.dpi!r}")
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

    def mm(self, value: float) -> int:
        """A length in mm rounded to whole printer dots."""
        return mm_to_dots(value, self.dpi)
