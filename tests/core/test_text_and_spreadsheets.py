"""core.text and core.spreadsheets: the helpers every app's input and exports use."""

from __future__ import annotations

import io

import openpyxl
import pytest

from core.spreadsheets import safe_row
from core.text import has_letter, hidden_characters, is_ascii_digits, normalise


def test_normalise_turns_full_width_into_ascii_and_trims():
    assert normalise("　１３８００１３８０００Ｘ ") == "13800138000X"
    assert normalise(None) == ""


@pytest.mark.parametrize(("value", "ok"), [("0123", True), ("１２", False), ("٣٤", False), ("", False)])
def test_only_ascii_digits_count_as_digits(value, ok):
    assert is_ascii_digits(value) is ok


def test_hidden_characters_are_named_by_code_point():
    assert hidden_characters("王\u200b建\u202e国\x00") == ["U+200B", "U+202E", "U+0000"]
    assert hidden_characters("买买提·艾力") == []


def test_emoji_only_text_has_no_letter():
    assert not has_letter("😀🎉")
    assert has_letter("王😀") and has_letter("Li")


@pytest.mark.parametrize("write_only", [True, False])
@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "+1", "-1", "@A1", "\tx", "\rx"])
def test_formula_like_text_is_written_as_a_text_cell(write_only, value):
    workbook = openpyxl.Workbook(write_only=write_only)
    sheet = workbook.create_sheet("x") if write_only else workbook.active
    sheet.append(safe_row(sheet, [value, "plain", 5]))
    buffer = io.BytesIO()
    workbook.save(buffer)

    cells = next(openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows())

    # XML parsers read a carriage return back as a line feed; the cell is text either way.
    assert (cells[0].value, cells[0].data_type) == (value.replace("\r", "\n"), "s")
    assert (cells[1].value, cells[1].data_type, cells[2].data_type) == ("plain", "s", "n")
