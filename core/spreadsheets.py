"""Writing spreadsheets safely: text that a spreadsheet would run as a formula stays text.

A text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return may be taken as a
formula (or DDE) by Excel, WPS or LibreOffice: a member named `=HYPERLINK("http://x","y")` would
become a live link in every exported roster. Such values are written as text cells, exactly as
typed (so an export re-imports unchanged), and, where the sheet is given, with Excel's "quote
prefix" style, so the cell stays text when someone edits it. Every export uses this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl.cell import WriteOnlyCell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is read as a formula (or DDE) by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value: Any, sheet=None) -> Any:
    """`value` for `sheet.append`: itself, or, for text that would start a formula, a text cell.

    Pass `sheet` for a write-only worksheet (its cells need their sheet for the quote-prefix
    style); on an ordinary worksheet the cell is text either way.
    """
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl marks text starting with "=" as a formula
    if sheet is not None:
        cell.quotePrefix = True
    return cell


def safe_row(sheet, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append` in which no text cell can become a formula."""
    return [safe_cell(value, sheet) for value in values]


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook download; never cached, since exports hold personal data."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    # RFC 5987 filename* for a Chinese name, as FileResponse does.
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
