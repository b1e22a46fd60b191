"""Reading a roster .xlsx: limits first, then the header row, then the rows as raw cell values.

An upload is untrusted: a 311 KB file can unpack to a 300 MB shared string, and a small file can
hold a million blank rows. So before openpyxl parses anything the zip's own directory is read and
a workbook whose parts unpack beyond MAX_PART_BYTES / MAX_UNPACKED_BYTES is refused; while
reading, a cell longer than MAX_CELL_CHARS refuses the file and a run of MAX_BLANK_RUN blank
rows ends the roster. Every refusal is a RosterFileError with a message for the uploader.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.functions import iterparse

from core.text import normalise

from .columns import (
    COLUMNS,
    COLUMNS_BY_HEADER,
    COLUMNS_BY_KEY,
    DATE_TEXT_FORMATS,
    SHEET_TITLE,
    Column,
    normalise_label,
)

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# A full 20,000-row roster unpacks to about 15 MB; these leave room and stop a zip bomb.
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_CELL_CHARS = 500
MAX_BLANK_RUN = 1_000


def _read_dimension_only(self: ReadOnlyWorksheet) -> None:
    """ReadOnlyWorksheet._get_size, stopping at <sheetData> whether or not <dimension> came first.

    openpyxl's own version listens for end events, and <sheetData> ends only after its last
    row: a sheet without <dimension> (a hand-made file of a million blank rows) was parsed in
    full inside load_workbook, 15 s before our blank-run limit could act. Same result otherwise.
    """
    src = self._get_source()
    try:
        for _event, element in iterparse(src, events=("start",)):
            if element.tag == DIMENSION_TAG:
                boundaries = SheetDimension.from_tree(element).boundaries
                if boundaries is not None:
                    self._min_column, self._min_row, self._max_column, self._max_row = boundaries
                break
            if element.tag == DATA_TAG:
                break
    finally:
        src.close()


ReadOnlyWorksheet._get_size = _read_dimension_only


class RosterFileError(Exception):
    """The file as a whole cannot be imported (not an xlsx, wrong headers, too big...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class SheetRow:
    line: int
    values: dict[str, Any]


@dataclass
class SheetRead:
    """What was read of a roster sheet: every row, or the first ones when reading stopped early."""

    rows: list[SheetRow]
    complete: bool
    declared_rows: int  # data rows the sheet's stored dimension claims (an estimate, may be off)


def _not_xlsx() -> RosterFileError:
    return RosterFileError(
        _("This file is not an Excel workbook (.xlsx); save it as .xlsx in Excel or WPS and try again.")
    )


def _file_size(fileobj: IO[bytes]) -> int:
    size = getattr(fileobj, "size", None)
    if size is not None:
        return size
    position = fileobj.tell()
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(position)
    return size


def check_unpacked_size(fileobj: IO[bytes]) -> None:
    """Refuse a workbook whose parts unpack too big, from the zip directory alone (nothing inflated).

    The sizes in the directory are binding: Python's zipfile stops at the stated size and fails
    the CRC check of a part that would unpack to more.
    """
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _not_xlsx() from None
    total = sum(info.file_size for info in infos)
    biggest = max((info.file_size for info in infos), default=0)
    if biggest > MAX_PART_BYTES or total > MAX_UNPACKED_BYTES:
        log.info("roster upload refused: unpacks to %d bytes (largest part %d)", total, biggest)
        raise RosterFileError(
            _(
                "This workbook unpacks to %(size)d MB, far more than a roster needs (at most %(max)d MB); "
                "it may be damaged or hold something else. Copy the roster into a new workbook, "
                "save it as .xlsx and upload it."
            )
            % {"size": total // (1024 * 1024), "max": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    fileobj.seek(0)


def _clean_header(value: Any) -> str:
    if value is None:
        return ""
    return "".join(str(value).split()).rstrip("*＊")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _match_headers(header_row: Sequence[Any] | None) -> dict[int, Column]:
    """Map cell positions to template columns; any missing required column stops the import."""
    found: dict[int, Column] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, cell in enumerate(header_row or ()):
        name = _clean_header(cell)
        if not name:
            continue
        column = COLUMNS_BY_HEADER.get(name)
        if column is None:
            unknown.append(name)
        elif column in found.values():
            repeated.append(name)
        else:
            found[index] = column
    present = {column.key for column in found.values()}
    missing = [column.header for column in COLUMNS if column.required and column.key not in present]
    if not missing and not repeated:
        return found  # extra columns (e.g. 备注) are allowed and ignored
    parts = [_("The first row must hold the template's column headers; copy it from the template.")]
    if missing:
        parts.append(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
    if unknown:
        parts.append(_("Columns not in the template: %(columns)s.") % {"columns": "、".join(unknown)})
    if repeated:
        parts.append(_("Columns given twice: %(columns)s.") % {"columns": "、".join(repeated)})
    raise RosterFileError(" ".join(parts))


def read_roster(fileobj: IO[bytes]) -> list[SheetRow]:
    """Read every row of the roster sheet of an .xlsx file; raise RosterFileError for a bad file."""
    return open_roster(fileobj).rows


def open_roster(fileobj: IO[bytes], stop_after: int | None = None) -> SheetRead:
    """Check an .xlsx roster and read its rows, or only the first `stop_after` + 1 of them.

    Stopping early keeps the request short for big files: their rows are read on a worker.
    """
    size = _file_size(fileobj)
    if size > MAX_FILE_BYTES:
        raise RosterFileError(
            _("The file is larger than %(size)d MB; split the roster into several files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    check_unpacked_size(fileobj)
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError, XML errors: "not an xlsx"
        log.info("roster upload is not a readable xlsx: %r", exc)
        raise _not_xlsx() from None
    try:
        return _read_sheet(workbook, stop_after)
    except RosterFileError:
        raise
    except Exception:
        log.info("roster sheet could not be read", exc_info=True)
        raise RosterFileError(
            _("The workbook could not be read; it may be damaged. Save it again as .xlsx and upload it.")
        ) from None
    finally:
        workbook.close()


def _read_sheet(workbook, stop_after: int | None) -> SheetRead:
    sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
    declared_rows = max((sheet.max_row or 1) - 1, 0)
    # The stored dimension may be wrong (some tools write "A1"); read every row that is there.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or all(is_blank(value) for value in header):
        raise RosterFileError(_("The sheet is empty: the first row must hold the column headers."))
    columns = _match_headers(header)
    result: list[SheetRow] = []
    blank_run = 0
    for line, values in enumerate(rows, start=2):
        if all(is_blank(value) for value in values):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break  # the roster has ended; a sheet of a million blank rows is not read to its end
            continue
        blank_run = 0
        if stop_after is not None and len(result) > stop_after:
            return SheetRead(result, complete=False, declared_rows=max(declared_rows, len(result)))
        if len(result) >= MAX_ROWS:
            raise RosterFileError(
                _("The file has more than %(max)s member rows; split it into several files.")
                % {"max": f"{MAX_ROWS:,}"}
            )
        cells = {col.key: values[i] if i < len(values) else None for i, col in columns.items()}
        for key, value in cells.items():
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise RosterFileError(
                    _(
                        "Row %(line)d, column %(column)s holds %(count)s characters; a roster cell holds "
                        "at most %(max)d. Check that this is the roster file."
                    )
                    % {
                        "line": line,
                        "column": COLUMNS_BY_KEY[key].header,
                        "count": f"{len(value):,}",
                        "max": MAX_CELL_CHARS,
                    }
                )
        result.append(SheetRow(line, cells))
    if not result:
        raise RosterFileError(_("The sheet has no member rows under the header row."))
    return SheetRead(result, complete=True, declared_rows=len(result))


# Cell parsing -------------------------------------------------------------------------------


def text(raw: Any) -> str:
    """A cell as text: NFKC (full-width digits become ASCII), trimmed; whole numbers without ".0"."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # numbers typed into a General cell: 13812345678.0
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()
    return normalise(str(raw))


def parse_date(raw: Any) -> dt.date:
    """An Excel date cell, or text such as 1960-05-17, 1960/5/17, 19600517."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    value = text(raw)
    for fmt in DATE_TEXT_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        _("“%(value)s” is not a date; write it as 1960-05-17, 1960/5/17 or 19600517.") % {"value": value}
    )


def parse_cell(column: Column, raw: Any) -> Any:
    """One cell's value for `column`, or ValidationError with the reason."""
    if is_blank(raw):
        if column.required:
            raise ValidationError(_("This column is required."))
        return None
    if column.kind == "date":
        return parse_date(raw)
    value = text(raw)
    if column.kind == "choice":
        assert column.labels is not None
        choice = column.labels.get(normalise_label(value))
        if choice is None:
            raise ValidationError(
                _("“%(value)s” is not allowed; use one of: %(choices)s.")
                % {"value": value, "choices": "、".join(column.choices)}
            )
        return choice
    return value
