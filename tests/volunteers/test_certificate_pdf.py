"""The volunteer-hours certificate PDF: Chinese text, embedded committed fonts, pagination, rare
characters, and the verification-code helpers. No database is needed."""

from __future__ import annotations

import ast
import io
import logging
import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from volunteers.certificates import (
    VERIFICATION_CODE_ALPHABET,
    VERIFICATION_CODE_LENGTH,
    CertificateData,
    CertificateRow,
    IdentifierKind,
    format_hours,
    format_verification_code,
    glyphs,
    is_well_formed_verification_code,
    new_verification_code,
    normalise_verification_code,
    render_certificate,
    unsupported_characters,
)

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "volunteers" / "certificates"
URL = "https://portal.example.org/volunteers/verify/?code=7KQ2MX9TDP"


@pytest.fixture(autouse=True)
def zh_hans():
    """Chinese active, as in the portal."""
    with translation.override("zh-hans"):
        yield


def make_data(*, name="张三丰", rows=3, activity="社区环境整治志愿活动", **overrides) -> CertificateData:
    entries = tuple(
        CertificateRow(date(2025, 1, 1) + timedelta(days=i), f"{activity}第{i + 1}期", Decimal("2.5"))
        for i in range(rows)
    )
    values = {
        "holder_name": name,
        "holder_identifier": "138****5678",
        "identifier_kind": IdentifierKind.MOBILE,
        "organisation": "和平里街道第一社区志愿服务队",
        "period_start": date(2025, 1, 1),
        "period_end": date(2025, 12, 31),
        "total_hours": sum((row.hours for row in entries), Decimal(0)),
        "rows": entries,
        "issuer": "和平里街道党工委",
        "issued_on": date(2026, 11, 29),
        "verification_code": "7KQ2M-X9TDP",
        "verification_url": URL,
    }
    values.update(overrides)
    return CertificateData(**values)


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text without whitespace (extractors space out CJK glyphs differently)."""
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def embedded_fonts(pdf: bytes) -> dict[str, dict]:
    """BaseFont → the PDF font objects, for every font on every page; each must be embedded."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert font["/Subtype"] == "/Type0", f"a font that is not a composite CJK font: {font}"
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, (
                f"{font['/BaseFont']} not embedded"
            )
            found[str(font["/BaseFont"])] = {"font": font, "descendant": descendant, "descriptor": descriptor}
    return found


def outline(glyph_set, name) -> list:
    pen = DecomposingRecordingPen(glyph_set)
    glyph_set[name].draw(pen)
    return pen.value


def assert_is_committed_font(objects: dict, committed: Path) -> int:
    """For every character the PDF font maps (ToUnicode: code → character; Identity-H: code =
    CID; CIDToGIDMap: CID → glyph), the embedded program draws exactly the committed font's
    glyph for that character: the PDF carries a subset of fonts/, not some installed font."""
    assert objects["font"]["/Encoding"] == "/Identity-H"
    program = TTFont(io.BytesIO(objects["descriptor"]["/FontFile2"].get_object().get_data()))
    to_gid = objects["descendant"]["/CIDToGIDMap"].get_object().get_data()
    to_unicode = objects["font"]["/ToUnicode"].get_object().get_data().decode("ascii")
    source = TTFont(str(committed))
    source_cmap = source.getBestCmap()
    embedded_glyphs, source_glyphs = program.getGlyphSet(), source.getGlyphSet()
    embedded_order = program.getGlyphOrder()
    checked = 0
    for code, char in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4,8})>", to_unicode):
        cid, char = int(code, 16), chr(int(char, 16))
        if cid == 0 or char == " ":
            continue
        gid = int.from_bytes(to_gid[2 * cid : 2 * cid + 2], "big")
        assert outline(embedded_glyphs, embedded_order[gid]) == outline(
            source_glyphs, source_cmap[ord(char)]
        ), char
        checked += 1
    return checked


# The certificate -------------------------------------------------------------------------------


def test_pdf_parses_and_states_the_certificate_in_chinese():
    pdf = render_certificate(make_data())

    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = page_texts(pdf)[0]
    assert "志愿服务时长证明" in text
    assert "张三丰" in text
    assert "累计服务时长：7.5小时" in text
    assert "138****5678" in text
    assert "7KQ2M-X9TDP" in text
    assert "出具单位：和平里街道党工委" in text
    assert "出具日期：2026年11月29日" in text
    assert "2025年1月1日至2025年12月31日" in text
    assert "第1页/共1页" in text
    assert reader.metadata.title == "志愿服务时长证明"


def test_the_qr_code_and_the_address_link_to_the_verification_url():
    reader = PdfReader(io.BytesIO(render_certificate(make_data())))
    uris = [annot.get_object()["/A"]["/URI"] for annot in reader.pages[0]["/Annots"]]
    assert uris == [URL, URL]  # the printed address and the QR code
    assert URL in page_texts(render_certificate(make_data()))[0]


def test_fonts_are_embedded_and_are_the_committed_one():
    fonts = embedded_fonts(render_certificate(make_data()))

    assert len(fonts) == 1
    (name, font), *_ = fonts.items()
    assert re.fullmatch(r"/[A-Z]{6}\+NotoSansCJKSC", name)
    assert "/FontFile2" in font["descriptor"]
    assert assert_is_committed_font(font, glyphs.FONT) > 50


def test_two_hundred_rows_paginate_with_the_header_on_every_page():
    data = make_data(rows=200)
    pdf = render_certificate(data)

    texts = page_texts(pdf)
    assert len(texts) >= 5
    for number, text in enumerate(texts, start=1):
        assert "序号日期活动名称时长（小时）" in text, f"page {number} lacks the table header"
        assert f"第{number}页/共{len(texts)}页" in text
        assert "验证码：7KQ2M-X9TDP" in text
        if number > 1:
            assert "志愿服务时长证明（续页）：张三丰" in text
    everything = "".join(texts)
    for i in range(1, 201):
        assert everything.count(f"社区环境整治志愿活动第{i}期") == 1
    assert "服务记录明细（共200条）" in texts[0]
    assert "合计500" in texts[-1]


def test_no_rows_says_so():
    text = page_texts(render_certificate(make_data(rows=0, total_hours=Decimal("12"))))[0]
    assert "服务记录明细（共0条）" in text
    assert "该期间无服务记录明细。" in text
    assert "累计服务时长：12小时" in text


def test_identifier_may_be_an_id_number_or_absent():
    text = page_texts(
        render_certificate(make_data(holder_identifier="110***********123X", identifier_kind="id_number"))
    )[0]
    assert "张三丰（身份证号：110***********123X）" in text
    text = page_texts(render_certificate(make_data(holder_identifier="")))[0]
    assert "兹证明张三丰于2025年1月1日" in text


def test_english_when_english_is_active():
    with translation.override("en"):
        text = page_texts(render_certificate(make_data()))[0]
    assert "VolunteerServiceHoursCertificate" in text
    assert "张三丰" in text


# Characters the main font lacks ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["王喆", "张堃", "刘䶮"])
def test_name_characters_of_the_2013_table_outside_gb2312_are_printed(name):
    data = make_data(name=name)
    assert unsupported_characters(data) == set()
    text = page_texts(render_certificate(data))[0]
    assert f"兹证明{name}（" in text
    assert glyphs.SUBSTITUTE not in text


@pytest.mark.parametrize(
    ("name", "expected"),
    # 龘: a Unified Ideograph in neither GB2312 nor the 2013 table; 𪚥: Extension B
    [("王龘", "王〓"), ("李𪚥", "李〓")],
)
def test_a_character_the_font_lacks_is_marked_noted_and_logged(caplog, name, expected):
    """A character outside the font is printed as 〓, never as an empty box; the certificate
    says which character it stands for, and a warning is logged."""
    data = make_data(name=name, activity="陪伴𠀾老人")
    lacking = name[1]
    assert unsupported_characters(data) == {lacking, "\U0002003e"}

    with caplog.at_level(logging.WARNING, logger="volunteers.certificates"):
        pdf = render_certificate(data)

    text = page_texts(pdf)[0]
    code = f"U+{ord(lacking):04X}"
    assert expected in text
    assert "陪伴〓老人" in text
    assert lacking not in text
    codes = ",".join(sorted([code, "U+2003E"], key=lambda c: int(c[2:], 16)))
    assert f"“〓”处为本证明字库无法印出的字（{codes}），以平台登记信息为准。" in text
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("volunteers.certificates")]
    assert len(warnings) == 1 and code in warnings[0] and "U+2003E" in warnings[0]
    # fpdf2 was never asked for a glyph it lacks (it would log "missing the following glyphs")
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]


def test_variation_selectors_and_control_characters_are_not_marked():
    data = make_data(name="葛\U000e0100亮\n", organisation="第一社区\t志愿服务队")
    assert unsupported_characters(data) == set()
    text = page_texts(render_certificate(data))[0]
    assert "兹证明葛亮（" in text
    assert glyphs.SUBSTITUTE not in text


def test_the_main_font_covers_gb2312_ascii_and_full_width_forms():
    covered = glyphs.coverage()
    hanzi = set()
    for row in range(16, 88):
        for cell in range(1, 95):
            try:
                hanzi.add(bytes((0xA0 + row, 0xA0 + cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    assert len(hanzi) == 6763
    assert hanzi <= covered
    assert {chr(c) for c in range(0x20, 0x7F)} <= covered
    assert {chr(c) for c in range(0xFF01, 0xFF5F)} <= covered
    assert set("，。、；：？！“”‘’（）《》【】—…·〇〓") <= covered
    # 通用规范汉字表 (2013): 8,105 characters, name characters among them
    assert set("喆堃玥珺淏昇䶮燚犇骉赟禤") <= covered
    assert sum(1 for ch in covered if unicodedata.name(ch, "").startswith("CJK UNIFIED")) >= 8105


def test_font_licence_sits_beside_the_fonts():
    licence = (glyphs.FONTS / "OFL.txt").read_text()
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert [path.name for path in glyphs.FONTS.iterdir() if path.suffix in {".ttf", ".otf"}] == [
        glyphs.FONT.name
    ]
    assert glyphs.FONT.stat().st_size < 3 * 1024 * 1024


# Input checks ----------------------------------------------------------------------------------------


def test_an_unmasked_identifier_is_refused():
    with pytest.raises(ValueError, match="masked"):
        make_data(holder_identifier="13812345678")


def test_rows_must_add_up_to_the_total():
    with pytest.raises(ValueError, match="add up"):
        make_data(total_hours=Decimal("99"))


def test_hours_must_be_decimal_not_float():
    with pytest.raises(TypeError):
        make_data(rows=0, total_hours=7.5)


def test_period_must_run_forwards():
    with pytest.raises(ValueError, match="period"):
        make_data(period_start=date(2026, 1, 1))


def test_format_hours():
    assert format_hours(Decimal("12.50")) == "12.5"
    assert format_hours(Decimal("3")) == "3"
    assert format_hours(Decimal("1E+2")) == "100"
    assert format_hours(Decimal("0.25")) == "0.25"


# Translations --------------------------------------------------------------------------------------


def _msgids_in_sources() -> set[str]:
    found = set()
    for path in SOURCES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "ngettext"}
            ):
                found.add(node.args[0].value)
    return found


def test_every_certificate_string_is_translated_in_glyphs_the_font_has():
    covered = glyphs.coverage()
    for msgid in _msgids_in_sources():
        text = translation.gettext(msgid)
        assert text != msgid, f"not in the zh-hans catalogue: {msgid}"
        assert set(re.sub(r"%\(\w+\)[sd]", "", text)) <= covered, msgid


# Verification codes -------------------------------------------------------------------------------


def test_code_alphabet_is_unambiguous():
    assert len(VERIFICATION_CODE_ALPHABET) == len(set(VERIFICATION_CODE_ALPHABET)) == 32
    assert not set("0O1I") & set(VERIFICATION_CODE_ALPHABET)
    assert VERIFICATION_CODE_ALPHABET.upper() == VERIFICATION_CODE_ALPHABET


def test_new_codes_are_grouped_random_and_well_formed():
    codes = [new_verification_code() for _ in range(500)]
    assert len(set(codes)) == 500
    for code in codes:
        assert re.fullmatch(f"[{VERIFICATION_CODE_ALPHABET}]{{5}}-[{VERIFICATION_CODE_ALPHABET}]{{5}}", code)
        assert len(normalise_verification_code(code)) == VERIFICATION_CODE_LENGTH
        assert is_well_formed_verification_code(code)
    assert set("".join(codes).replace("-", "")) == set(VERIFICATION_CODE_ALPHABET)


@pytest.mark.parametrize(
    "typed",
    [
        "abcd-efgh 23",
        "ａｂｃｄ－ｅｆｇｈ　２３",  # full width, ideographic space
        " ABCD—EFGH–23 ",
        "abcd\u2010efgh\t23",
        "ABCDEFGH23",
    ],
)
def test_normalise_for_look_up(typed):
    assert normalise_verification_code(typed) == "ABCDEFGH23"


def test_well_formed_and_display_form():
    assert format_verification_code("7kq2m x9tdp") == "7KQ2M-X9TDP"
    assert is_well_formed_verification_code("７ｋｑ２ｍ－ｘ９ｔｄｐ")
    assert not is_well_formed_verification_code("7KQ2M-X9TD0")  # 0 is not in the alphabet
    assert not is_well_formed_verification_code("7KQ2M-X9TD")  # too short
    assert normalise_verification_code("") == ""


# Line breaking ----------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", range(0, 40, 3))
def test_lines_follow_the_chinese_line_breaking_rules(offset):
    from volunteers.certificates.pdf import _NO_LINE_END, _NO_LINE_START, FAMILY, _CertificatePDF

    pdf = _CertificatePDF(make_data())
    pdf.set_font(FAMILY, size=12)
    text = "字" * offset + "，清理楼道杂物、宣传垃圾分类知识（第2025年12期）。" * 4 + "号码138****5678。"

    lines = pdf.lines(text, 84).split("\n")

    assert len(lines) > 1
    assert "".join(lines) == text
    for number, line in enumerate(lines):
        assert pdf.get_string_width(line) <= 84
        assert number == 0 or line[0] not in _NO_LINE_START, lines
        assert line[-1] not in _NO_LINE_END, lines
    assert not any(line.startswith("年") or line.endswith("2025") for line in lines)
    assert not any(line.endswith("138") or line.startswith("5678") for line in lines)


def test_a_token_wider_than_the_line_is_split():
    from volunteers.certificates.pdf import FAMILY, _CertificatePDF

    pdf = _CertificatePDF(make_data())
    pdf.set_font(FAMILY, size=11)
    url = "https://portal.example.org/" + "x" * 120
    lines = pdf.lines(url, 80).split("\n")
    assert len(lines) > 1 and "".join(lines) == url
