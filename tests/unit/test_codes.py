"""Normalising raw scanner input: what keyboard-wedge and HID scanners really send."""

from __future__ import annotations

import pytest

from server.scanning.codes import MAX_CODE_LENGTH, Problem, clean_text, normalise, printable


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("DAB2026112500001", "DAB2026112500001"),
        ("dab2026112500001", "DAB2026112500001"),  # order numbers are case-insensitive
        ("  DAB2026112500001\r\n", "DAB2026112500001"),  # wedge adds CR+LF
        ("DAB2026112500001\r\r", "DAB2026112500001"),  # or two CRs
        ("\tDAB2026112500001\t", "DAB2026112500001"),
        ("\x02DAB2026112500001\x03", "DAB2026112500001"),  # STX/ETX framing
        ("DAB 2026 1125 00001", "DAB2026112500001"),  # a soft keyboard's spaces
        ("ＤＡＢ２０２６１１２５００００１", "DAB2026112500001"),  # full-width from a Chinese IME
        ("DAB2026112500001GIFT", "DAB2026112500001GIFT"),
        ("dab2026112500001gift\n", "DAB2026112500001GIFT"),
        ("]E06938012000012", "6938012000012"),  # AIM EAN-13
        ("]C0SF1234567890", "SF1234567890"),  # AIM Code 128, not GS1
        ("]A0ABC-123", "ABC-123"),  # AIM Code 39
        ("]Q1DAB2026112500001", "DAB2026112500001"),  # AIM QR
        ("(01)16938012000187", "16938012000187"),  # human-readable GS1 with AI 01
        ("(01)06938012000012(17)261231(10)LOT7", "06938012000012"),  # GTIN wins over the rest
        ("]C1\x1d0116938012000187\x1d10LOT7", "16938012000187"),  # GS1-128 with FNC1 as GS
        ("]C10116938012000187", "16938012000187"),
        ("\x1d0106938012000012", "06938012000012"),  # GS1 DataMatrix without AIM
        ("]d2\x1d0116938012000187", "16938012000187"),
        ("7310000000123", "7310000000123"),
        ("ab\x1dcd", "ABCD"),  # a stray GS in a non-GS1 code is dropped
        ("A" * MAX_CODE_LENGTH, "A" * MAX_CODE_LENGTH),
    ],
)
def test_normalises(raw: str, code: str) -> None:
    scanned = normalise(raw)
    assert scanned.code == code and scanned.problem is None and scanned.usable


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", Problem.EMPTY),
        ("   ", Problem.EMPTY),
        ("\r\n", Problem.EMPTY),
        ("\x00\x01\x1d\x7f", Problem.EMPTY),
        ("]E0", Problem.EMPTY),
        ("A" * (MAX_CODE_LENGTH + 1), Problem.TOO_LONG),
        ("B" * 10_000, Problem.TOO_LONG),
        ("B" * 1_000_000, Problem.TOO_LONG),
        ("🙂", Problem.BAD_CHARACTERS),
        ("DAB🙂001", Problem.BAD_CHARACTERS),
        ("订单号", Problem.BAD_CHARACTERS),
        ("\ud800", Problem.BAD_CHARACTERS),  # a lone surrogate from broken JSON
        (None, Problem.NOT_TEXT),
        (12345, Problem.NOT_TEXT),
        (["DAB"], Problem.NOT_TEXT),
        ({"code": "DAB"}, Problem.NOT_TEXT),
    ],
)
def test_refuses_garbage_without_raising(raw: object, problem: str) -> None:
    scanned = normalise(raw)
    assert scanned.code is None and scanned.problem == problem and not scanned.usable
    assert len(scanned.raw) <= 256
    scanned.raw.encode("utf-8")  # storable as is


def test_raw_keeps_original_length_and_shows_control_characters() -> None:
    scanned = normalise("]C1\x1d0116938012000187\r\n")
    assert scanned.raw == "]C1\\x1d0116938012000187\\x0d\\x0a"
    assert scanned.raw_length == len("]C1\x1d0116938012000187\r\n")
    assert normalise("X" * 5000).raw_length == 5000


@pytest.mark.parametrize(
    ("raw", "candidates"),
    [
        ("6938012000012", ("6938012000012", "06938012000012")),  # EAN-13 and its GTIN-14
        ("06938012000012", ("06938012000012", "6938012000012")),
        ("693801200001", ("693801200001", "0693801200001")),  # UPC-A and its EAN-13
        ("sf123", ("SF123", "sf123")),  # as ingested (lower case) and upper
        ("SF123", ("SF123",)),
    ],
)
def test_candidates_cover_other_spellings(raw: str, candidates: tuple[str, ...]) -> None:
    assert normalise(raw).candidates == candidates


def test_printable_and_clean_text() -> None:
    assert printable("a\x00b") == "a\\x00b"
    assert printable("x" * 1000, 10) == "x" * 10
    assert printable("\udcff") == "\\udcff"
    assert clean_text("  王\t组长\r\n ", 50) == "王 组长"
    assert clean_text("LEAD-HZ-001\r\n", 128) == "LEAD-HZ-001"
    assert clean_text("x" * 600, 500) == "x" * 500
