"""Every CSV and XLSX file the app writes goes through here, so that no cell ever becomes a live formula.

Text comes from respondents and imports (a survey's hidden fields become touchpoints and attributes), so a
cell may hold `=HYPERLINK("http://…","…")`. Following the OWASP advice on CSV injection, a CSV text cell
that starts with `=`, `+`, `-`, `@`, a tab, a carriage return or a line feed (after any leading spaces) gets
a leading single quote, which spreadsheets show as text; an XLSX text cell is always stored as a string,
never as a formula, a link or a number. Numbers and booleans are written as numbers and booleans."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import TextIO

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

Cell = str | int | float | bool | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\']")
_NOT_IN_FILE_NAMES = re.compile(r"[^A-Za-z0-9._-]+")


def inert(text: str) -> str:
    """The text as a spreadsheet shows it and never evaluates: a leading `'` when it could start a formula."""
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def csv_cell(value: Cell) -> Cell:
    return inert(value) if isinstance(value, str) else value


def csv_bytes(header: Sequence[Cell], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 CSV with the header first; text cells made inert."""
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue().encode()


def write_csv(out: TextIO, header: Sequence[Cell], rows: Iterable[Sequence[Cell]]) -> None:
    writer = csv.writer(out)
    writer.writerow([csv_cell(v) for v in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\ or quotes, at most 31 characters, never empty."""
    return _NOT_IN_SHEET_NAMES.sub("_", name)[:31] or "Sheet1"


def file_name(name: str) -> str:
    """A download's file name (without extension) safe in a Content-Disposition header."""
    return _NOT_IN_FILE_NAMES.sub("_", name).strip("._")[:120] or "export"


def _write(sheet: Worksheet, row: int, column: int, value: Cell, style: object = None) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, style)
    else:
        sheet.write_string(row, column, str(value), style)


def xlsx_bytes(name: str, header: Sequence[Cell], rows: Iterable[Sequence[Cell]]) -> bytes:
    """One sheet: a bold, frozen header row, numbers as numbers, text as text, empty cells for None."""
    out = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "nan_inf_to_errors": True,
    }
    book = xlsxwriter.Workbook(out, options)
    sheet = book.add_worksheet(sheet_name(name))
    bold = book.add_format({"bold": True})
    for column, value in enumerate(header):
        _write(sheet, 0, column, value, bold)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            _write(sheet, number, column, value)
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
