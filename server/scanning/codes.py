"""Normalise raw scanner input (keyboard wedge, HID, soft keyboard) into a code Packline can look up.

Scanners add CR/LF/Tab, AIM symbology identifiers (``]C1``, ``]E0``), GS1 group separators and
application identifiers; Chinese soft keyboards produce full-width letters. None of that is part of the
code. Pure functions: they never raise, whatever arrives.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_CODE_LENGTH = 128
RAW_KEEP = 256  # how much of the raw input is stored with the scan event
# Beyond this the input is not a scan at all; do not spend time normalising it.
_HOPELESS_LENGTH = 4096

GS = "\x1d"
# AIM identifiers: "]" + symbology letter + modifier. Those that announce GS1 data carry AIs.
_AIM = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_AIM_GS1 = frozenset({"]C1", "]e0", "]d2", "]Q3", "]J1"})
_GTIN_AI = re.compile(r"\(01\)(\d{14})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WHITESPACE = re.compile(r"\s+")
_PRINTABLE_ASCII = re.compile(r"^[\x21-\x7e]+$")


class Problem:
    """Why a scan yielded no usable code."""

    NOT_TEXT = "not_text"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    BAD_CHARACTERS = "bad_characters"


@dataclass(frozen=True)
class ScannedCode:
    raw: str  # printable form of the input for storage, control characters shown as \xNN, cut
    raw_length: int
    code: str | None  # the normalised code, None when the input is unusable
    problem: str | None = None
    candidates: tuple[str, ...] = ()  # every spelling to look up (case kept, GTIN-13/14 forms)

    @property
    def usable(self) -> bool:
        return self.code is not None


def printable(text: str, limit: int = RAW_KEEP) -> str:
    """The input as it can be stored and shown: control characters and lone surrogates made visible."""
    cut = text[: limit * 2]
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", cut)
    shown = shown.encode("utf-8", "backslashreplace").decode("utf-8")
    return shown[:limit]


def clean_text(text: str, limit: int) -> str:
    """Human or badge text: control characters dropped, whitespace collapsed, safe to store and hash."""
    cut = unicodedata.normalize("NFKC", text[: limit * 2])
    cut = " ".join(_CONTROL.sub(" ", cut).split())
    return cut.encode("utf-8", "backslashreplace").decode("utf-8")[:limit]


def normalise(value: object) -> ScannedCode:
    if not isinstance(value, str):
        return ScannedCode(printable(_describe(value)), len(_describe(value)), None, Problem.NOT_TEXT)
    raw, length = printable(value), len(value)
    if length > _HOPELESS_LENGTH:
        return ScannedCode(raw, length, None, Problem.TOO_LONG)
    text = _trim(unicodedata.normalize("NFKC", value))
    text, gs1 = _strip_aim(text)
    text = _gtin_of(text, gs1)
    text = _WHITESPACE.sub("", _CONTROL.sub("", text))
    if not text:
        return ScannedCode(raw, length, None, Problem.EMPTY)
    if len(text) > MAX_CODE_LENGTH:
        return ScannedCode(raw, length, None, Problem.TOO_LONG)
    if not _PRINTABLE_ASCII.match(text):
        return ScannedCode(raw, length, None, Problem.BAD_CHARACTERS)
    code = text.upper()
    return ScannedCode(raw, length, code, None, _candidates(code, text))


def _trim(text: str) -> str:
    """Drop whitespace and control characters around the code; a leading GS is GS1's FNC1 and stays."""
    start, end = 0, len(text)
    # str.isspace() counts GS (and FS, RS, US) as whitespace, so test for it first.
    while start < end and text[start] != GS and (text[start].isspace() or _CONTROL.match(text[start])):
        start += 1
    while end > start and (text[end - 1].isspace() or _CONTROL.match(text[end - 1])):
        end -= 1
    return text[start:end]


def _describe(value: object) -> str:
    return "null" if value is None else f"<{type(value).__name__}> {value!r}"


def _strip_aim(text: str) -> tuple[str, bool]:
    match = _AIM.match(text)
    if match is None:
        return text, text.startswith(GS)
    return text[match.end() :], match.group() in _AIM_GS1


def _gtin_of(text: str, gs1: bool) -> str:
    """A GS1 element string carrying AI (01) stands for its GTIN; other GS1 data stays as it is."""
    match = _GTIN_AI.search(text)
    if match:
        return match.group(1)
    if gs1 or GS in text:
        plain = text.lstrip(GS)
        if plain.startswith("01") and len(plain) >= 16 and plain[2:16].isdigit():
            return plain[2:16]
    return text


def _candidates(code: str, cased: str) -> tuple[str, ...]:
    """Spellings under which the same code may be stored: as ingested (case kept) and GTIN-12/13/14."""
    found = [code]
    if cased != code:
        found.append(cased)
    if code.isdigit():
        if len(code) == 14 and code.startswith("0"):
            found.append(code[1:])
        elif len(code) == 13:
            found.append("0" + code)
            if code.startswith("0"):
                found.append(code[1:])
        elif len(code) == 12:
            found.append("0" + code)
    return tuple(dict.fromkeys(found))
