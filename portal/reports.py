"""Excel reports of the portal's content: who has read a notice, organisation by organisation."""

from __future__ import annotations

import io

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from core.spreadsheets import safe_cell


def read_report_workbook(notice, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Read receipts")[:31]
    sheet.append([safe_cell(notice.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    header = [_("Organisation"), _("Code"), _("Members"), _("Have read"), _("Share read"), _("Passed on")]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        indent = "　" * max(row.organisation.depth - rows[0].organisation.depth, 0)
        sheet.append(
            [
                safe_cell(indent + row.organisation.name),
                safe_cell(row.organisation.code),
                row.members,
                row.readers,
                round(row.share, 4),
                _("No") if row.not_passed_on else _("Yes"),
            ]
        )
        sheet.cell(row=sheet.max_row, column=5).number_format = "0.0%"
    for column, width in zip("ABCDEF", (36, 16, 10, 10, 10, 10), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
