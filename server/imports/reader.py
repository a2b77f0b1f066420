"""Reads an .xlsx or .csv file into a header row and numbered data rows (numbers as Excel shows them)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from server.errors import InvalidInput
from server.imports import messages

KINDS = ("xlsx", "csv")


@dataclass(frozen=True)
class Table:
    headers: list[Any]
    rows: list[tuple[int, tuple[Any, ...]]]  # (row number in the file, cell values), trailing blanks dropped


def file_kind(file_name: str) -> str:
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix not in KINDS:
        raise InvalidInput(messages.UNSUPPORTED_FILE, file_name=file_name)
    return suffix


def read_table(data: bytes, kind: str, sheet: str | None = None) -> Table:
    try:
        rows = _xlsx_rows(data, sheet) if kind == "xlsx" else _csv_rows(data)
        numbered = list(enumerate(rows, start=1))
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, csv.Error) as exc:
        raise InvalidInput(messages.UNREADABLE, reason=type(exc).__name__) from None
    header_at = next((i for i, (_, row) in enumerate(numbered) if not is_blank(row)), None)
    if header_at is None:
        return Table([], [])
    body = numbered[header_at + 1 :]
    while body and is_blank(body[-1][1]):
        body.pop()
    return Table(list(numbered[header_at][1]), body)


def is_blank(row: tuple[Any, ...]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _xlsx_rows(data: bytes, sheet: str | None) -> Iterator[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = workbook[sheet] if sheet else workbook.worksheets[0]
        ws.reset_dimensions()  # some exporters write a wrong <dimension>; read every row there is
        yield from ws.iter_rows(min_row=1, values_only=True)
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    # Excel on a Chinese Windows saves CSV as GB18030/GBK; everything else sends UTF-8 (maybe with a BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("unknown text encoding")
    for record in csv.reader(io.StringIO(text, newline="")):
        yield tuple(record)
