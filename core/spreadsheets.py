"""Spreadsheet exports that cannot be turned into formulas (CSV/formula injection).

A text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return may be taken as a
formula by Excel, WPS or LibreOffice: a member named `=HYPERLINK("http://x","y")` would become a
live link in every exported roster. Such values are written as text cells carrying Excel's
"quote prefix" style, so they show and re-import exactly as typed and never run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_cell(sheet, value: Any) -> Any:
    """`value` itself, or, for formula-like text, a text cell for `sheet` (any worksheet kind)."""
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl marks text starting with "=" as a formula
    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def safe_row(sheet, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append` in which no text cell can become a formula."""
    return [safe_cell(sheet, value) for value in values]
