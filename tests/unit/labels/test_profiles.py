"""Printer profiles: supported values, dot arithmetic from reference §4.4/§4.5, clear errors."""

from __future__ import annotations

import pytest

from server.labels.profiles import LabelProfileError, PrinterProfile, module_dots, module_width_mm


@pytest.mark.parametrize(
    ("size", "dpi", "dots"),
    [
        ("76x130", 203, (607, 1039)),
        ("76x130", 300, (898, 1535)),
        ("100x150", 203, (799, 1199)),
        ("100x150", 300, (1181, 1772)),
    ],
)
def test_page_size_in_dots_matches_the_reference_table(size: str, dpi: int, dots: tuple[int, int]) -> None:
    assert PrinterProfile(format="png", size=size, dpi=dpi).page_dots == dots


def test_defaults_are_the_single_ply_label_at_203_dpi() -> None:
    profile = PrinterProfile()
    assert (profile.format, profile.size, profile.dpi) == ("png", "76x130", 203)


@pytest.mark.parametrize(("dpi", "dots", "mm"), [(203, 2, 2 * 25.4 / 203), (300, 3, 0.254)])
def test_module_width_is_a_whole_number_of_dots(dpi: int, dots: int, mm: float) -> None:
    assert module_dots(dpi) == dots
    assert module_width_mm(dpi) == pytest.approx(mm)
    assert module_width_mm(dpi) * dpi / 25.4 == pytest.approx(dots)
    assert PrinterProfile(dpi=dpi).module_width_mm == pytest.approx(mm)


def test_dots_per_mm() -> None:
    assert PrinterProfile(dpi=203).dots_per_mm == pytest.approx(7.992, abs=1e-3)
    assert PrinterProfile(dpi=300).dots_per_mm == pytest.approx(11.811, abs=1e-3)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": "bmp"}, "format"),
        ({"format": "PDF"}, "format"),
        ({"size": "4x6"}, "size"),
        ({"dpi": 600}, "resolution"),
        ({"dpi": "203"}, "resolution"),
        ({"dpi": True}, "resolution"),
        ({"dpi": 203.0}, "resolution"),
    ],
)
def test_unsupported_values_are_refused_with_a_value_error(changes: dict[str, object], message: str) -> None:
    with pytest.raises(LabelProfileError, match=message) as raised:
        PrinterProfile(**changes)  # type: ignore[arg-type]
    assert isinstance(raised.value, ValueError)


def test_module_width_of_an_unsupported_dpi_is_refused() -> None:
    with pytest.raises(LabelProfileError):
        module_width_mm(600)


def test_profile_error_has_a_stable_code_and_both_languages() -> None:
    with pytest.raises(LabelProfileError) as raised:
        PrinterProfile(dpi=600)
    error = raised.value
    assert error.code == "LABEL_PROFILE_UNSUPPORTED"
    assert error.message("zh-CN") == "不支持的打印机分辨率:600(支持:203, 300)"
    assert error.message("en") == "Unsupported printer resolution 600 (supported: 203, 300)"
