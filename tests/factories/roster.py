"""Members roster files for tests: rows as the template's Chinese headers, written with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from orgchart.roster import COLUMNS
from orgchart.validators import build_id_number

HEADERS = [column.header for column in COLUMNS]
_people = itertools.count(1)


def roster_row(code: str, **overrides: Any) -> dict[str, Any]:
    """One valid row for organisation `code`; override any cell by its Chinese header."""
    n = next(_people)
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=n % 7000)
    row: dict[str, Any] = {
        "姓名": f"导入党员{n}",
        "性别": "男" if n % 2 else "女",
        "出生日期": birth.strftime("%Y-%m-%d"),
        "身份证号": build_id_number(str(320102 + n // 7000), birth, n),  # unique for any n
        "学历": "初中",
        "入党日期": dt.date(birth.year + 25, 7, 1).strftime("%Y/%m/%d"),
        "手机号码": f"138{n:08d}",
        "党员类别": "离退休党员",
        "组织编码": code,
    }
    row.update(overrides)
    return row


def roster_xlsx(rows: Iterable[dict[str, Any]], headers: Sequence[str] | None = None) -> bytes:
    """An .xlsx roster: a header row, then each row's cells under their headers."""
    headers = list(headers or HEADERS)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("党员名册")
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "党员名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def read_xlsx(content: bytes) -> list[tuple]:
    """Every row of the first sheet, as values."""
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
