"""Hostile roster files are refused quickly, before they cost memory or time, with one clear
message and nothing written; exports never turn a member's text into a live formula."""

from __future__ import annotations

import io
import time
import zipfile
from xml.sax.saxutils import escape

import openpyxl
import pytest
from django.utils import translation

from orgchart import roster
from orgchart.models import ImportJob, Member
from tests.factories.orgchart import MemberFactory, make_org
from tests.factories.roster import HEADERS, roster_row, roster_xlsx, upload

SHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"
MB = 1024 * 1024


def replace_parts(content: bytes, parts: dict[str, object]) -> bytes:
    """`content` (an xlsx) with some parts replaced; a part given as an iterable of chunks is
    streamed into the zip, so a huge part is never held in memory whole."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info.filename))
        for name, data in parts.items():
            with target.open(name, "w", force_zip64=True) as part:
                for chunk in [data] if isinstance(data, bytes) else data:
                    part.write(chunk)
    return buffer.getvalue()


def inline_row(line: int, values: list[str]) -> bytes:
    cells = "".join(
        f'<c r="{chr(65 + i)}{line}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
        for i, v in enumerate(values)
        if v is not None
    )
    return f'<row r="{line}">{cells}</row>'.encode()


def refuse(content: bytes, actor) -> tuple[str, float]:
    """Upload `content`; it must be refused with nothing written. Returns (message, seconds)."""
    before = Member.objects.count()
    started = time.perf_counter()
    with translation.override("en"), pytest.raises(roster.RosterFileError) as caught:
        roster.start_import(upload(content), actor=actor)
    elapsed = time.perf_counter() - started
    assert Member.objects.count() == before
    assert not ImportJob.objects.exists()
    return caught.value.message, elapsed


def test_a_small_file_unpacking_to_one_huge_shared_string_is_refused_before_parsing(street, roles):
    size = roster.MAX_PART_BYTES + MB
    chunk = b"A" * MB

    def shared_strings():
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1">'
        yield b"<si><t>"
        for _ in range(size // MB):
            yield chunk
        yield b"</t></si></sst>"

    content = replace_parts(roster_xlsx([roster_row("SQ1-ZB1")]), {SHARED_STRINGS: shared_strings()})
    assert len(content) < MB  # small on disk: the danger is only in unpacking it

    message, seconds = refuse(content, roles["street_secretary"])

    assert "unpacks to 51 MB" in message and "at most 100 MB" in message
    assert seconds < 1.0, seconds


def test_a_million_blank_rows_end_the_roster_after_a_run_of_blank_rows(street, roles):
    member = roster_row("SQ1-ZB1")

    def sheet():
        yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        yield inline_row(1, HEADERS)
        blank = 1_000_000
        for start in range(2, blank + 2, 10_000):
            yield b"".join(b'<row r="%d"/>' % line for line in range(start, min(start + 10_000, blank + 2)))
        yield inline_row(blank + 2, [member.get(header) for header in HEADERS])  # never reached
        yield b"</sheetData></worksheet>"

    content = replace_parts(roster_xlsx([]), {SHEET: sheet()})
    assert len(content) < roster.MAX_FILE_BYTES

    message, seconds = refuse(content, roles["street_secretary"])

    assert message == "The sheet has no member rows under the header row."
    assert seconds < 2.0, seconds
    assert not Member.objects.filter(name=member["姓名"]).exists()


def test_rows_after_a_run_of_blank_rows_are_not_read(street, roles):
    first, last = roster_row("SQ1-ZB1"), roster_row("SQ1-ZB1")
    rows = [first, *([{}] * roster.MAX_BLANK_RUN), last]

    read = roster.read_roster(io.BytesIO(roster_xlsx(rows)))

    assert [row.values["name"] for row in read] == [first["姓名"]]


def test_a_blank_run_shorter_than_the_limit_is_skipped(street, roles):
    rows = [roster_row("SQ1-ZB1"), *([{}] * (roster.MAX_BLANK_RUN - 1)), roster_row("SQ1-ZB1")]

    assert len(roster.read_roster(io.BytesIO(roster_xlsx(rows)))) == 2


def test_a_cell_longer_than_any_roster_cell_refuses_the_file(street, roles):
    rows = [roster_row("SQ1-ZB1"), roster_row("SQ1-ZB1", 姓名="王" * (roster.MAX_CELL_CHARS + 1))]

    message, _seconds = refuse(roster_xlsx(rows), roles["street_secretary"])

    assert message.startswith("Row 3, column 姓名 holds 501 characters")


def test_a_file_that_is_not_a_zip_is_still_not_an_excel_workbook(street, roles):
    message, _seconds = refuse(b"PK\x03\x04 not really a zip", roles["street_secretary"])

    assert "not an Excel workbook" in message


# Formula injection --------------------------------------------------------------------------------

FORMULA_NAME = '=HYPERLINK("http://x","y")'


def cells_by_value(content: bytes, sheet: str | None = None) -> dict:
    workbook = openpyxl.load_workbook(io.BytesIO(content))  # not read-only: data types as stored
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    return {cell.value: cell for row in worksheet.iter_rows() for cell in row}


def test_a_member_named_like_a_formula_exports_as_a_text_cell(street, roles):
    MemberFactory(organisation=street["branch1"], name=FORMULA_NAME)
    MemberFactory(organisation=street["branch1"], name="@SUM(1+1)")

    cells = cells_by_value(roster.export_subtree(street["community1"], actor=roles["street_secretary"]))

    for value in (FORMULA_NAME, "@SUM(1+1)"):
        assert cells[value].data_type == "s"
        assert cells[value].quotePrefix


def test_an_organisation_named_like_a_formula_is_text_in_the_templates_code_sheet(street, roles):
    make_org(street["community1"], "branch", name="+cmd|' /C calc'!A0", code="SQ1-ZB9")

    cells = cells_by_value(roster.build_template(roles["street_secretary"]), "组织编码")

    assert cells["+cmd|' /C calc'!A0"].data_type == "s"


def test_a_formula_like_name_exported_reimports_as_typed(street, roles):
    member = MemberFactory(organisation=street["group2"], name=FORMULA_NAME)
    content = roster.export_subtree(street["community2"], actor=roles["street_secretary"])
    rows = roster.read_roster(io.BytesIO(content))

    assert FORMULA_NAME in [row.values["name"] for row in rows]
    assert member.name == FORMULA_NAME
