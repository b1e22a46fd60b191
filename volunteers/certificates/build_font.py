"""Rebuild the certificate font in fonts/ from Debian's Noto Sans CJK (not run by the tests).

Sources, both from Debian bookworm:
* the font: package ``fonts-noto-cjk`` version ``1:20220127+repack1-1``, file
  ``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``, face 2 ("Noto Sans CJK SC",
  Version 2.004), SHA-256 of the .ttc in SOURCE_SHA256. Licence: SIL Open Font License 1.1
  (fonts/OFL.txt); the subset keeps the font's name, copyright and licence records, and no
  Reserved Font Name ("Source") is used.
* which characters: GB2312 from Python's own codec, and the Table of General Standard Chinese
  Characters (通用规范汉字表, 2013, 8,105 characters) from the kTGH field of the Unicode
  Character Database's Unihan_OtherMappings.txt, package ``unicode-data`` version ``15.0.0-1``.

    apt-get download fonts-noto-cjk unicode-data
    dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto && dpkg-deb -x unicode-data_*.deb /tmp/ucd
    .venv/bin/python volunteers/certificates/build_font.py \\
        /tmp/noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \\
        /tmp/ucd/usr/share/unicode/Unihan_OtherMappings.txt.bz2

The output, ``fonts/NotoSansSC-Certificate.ttf``, has every character of GB2312 (the 6,763
level-1 and level-2 hanzi and its 682 symbols: full-width forms, punctuation, digits, pinyin
letters, Greek, Cyrillic, kana), the 1,467 characters of the 2013 table that GB2312 lacks
(many of them for personal and place names: 喆, 堃, 玥, 珺, 昇, 䶮 …), printable ASCII,
Latin-1, the full-width forms block, CJK punctuation and general punctuation.

Noto Sans CJK has CFF (cubic) outlines. fpdf2 can embed those, but only through a custom
encoding CMap that pypdf and pdfminer.six cannot read text back from; so the subset's outlines
are converted to TrueType (quadratic, within 1 unit of 1000 per em) and fpdf2 embeds it the
usual way (CIDFontType2, Identity-H, /FontFile2), which every PDF reader handles. Hints and
layout tables are dropped (a PDF draws glyphs by id: no shaping is needed for Chinese). The
head table keeps the source's timestamp, so a rebuild from the same .ttc gives the same bytes.
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

FONT = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Certificate.ttf"

SOURCE_FACE = 2  # Noto Sans CJK SC in NotoSansCJK-Regular.ttc
SOURCE_SHA256 = "b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a"
MAX_ERROR = 1.0  # font units (of 1000 per em) allowed between cubic and quadratic curves


def gb2312_characters() -> set[int]:
    """Every character GB2312 encodes: rows 1-9 (symbols) and 16-87 (the 6,763 hanzi)."""
    found = set()
    for row in range(1, 95):
        for cell in range(1, 95):
            try:
                found.add(ord(bytes((0xA0 + row, 0xA0 + cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def general_standard_characters(unihan_other_mappings: Path) -> set[int]:
    """The 8,105 characters of 通用规范汉字表 (2013): those with a kTGH value in Unihan."""
    opener = bz2.open if unihan_other_mappings.suffix == ".bz2" else open
    found = set()
    with opener(unihan_other_mappings, "rt", encoding="utf-8") as lines:
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 3 and fields[1] == "kTGH":
                found.add(int(fields[0].removeprefix("U+"), 16))
    if len(found) != 8105:
        raise SystemExit(f"expected the 8,105 characters of the 2013 table, found {len(found)}")
    return found


def wanted_characters(unihan_other_mappings: Path) -> set[int]:
    chars = gb2312_characters() | general_standard_characters(unihan_other_mappings)
    chars |= set(range(0x20, 0x7F))  # printable ASCII
    chars |= set(range(0xA0, 0x100))  # Latin-1 (×, °, ·, accented Latin in transliterated names)
    chars |= set(range(0x2010, 0x2028))  # general punctuation: dashes, quotes, …, ‧
    chars |= set(range(0x3000, 0x3040))  # CJK symbols and punctuation (、。〇〓「」《》…)
    chars |= set(range(0xFF01, 0xFF5F)) | set(range(0xFFE0, 0xFFE7))  # full-width forms, ￥
    return chars


def subset_font(source: Path, unicodes: set[int]) -> TTFont:
    font = TTCollection(str(source)).fonts[SOURCE_FACE]
    cmap = font.getBestCmap()
    options = subset.Options()
    options.layout_features = []  # no GSUB/GPOS: no shaping needed for CJK
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]  # keep the copyright, licence and version records
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[u for u in unicodes if u in cmap])
    subsetter.subset(font)
    return font


def cff_to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by TrueType ones (glyf/loca), in place."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        glyph.recalcBounds(glyf)
        hmtx[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    font["maxp"] = maxp  # the remaining counts are recalculated on save
    post = font["post"]
    post.formatType = 2.0  # keep the glyph names (cid01234): the tests compare glyphs by name
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ttc", type=Path, help="NotoSansCJK-Regular.ttc from fonts-noto-cjk")
    parser.add_argument("unihan", type=Path, help="Unihan_OtherMappings.txt(.bz2) from unicode-data")
    args = parser.parse_args(argv)
    digest = hashlib.sha256(args.ttc.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        print(f"warning: source SHA-256 {digest} is not the recorded one", file=sys.stderr)
    font = subset_font(args.ttc, wanted_characters(args.unihan))
    cff_to_truetype(font)
    font.recalcTimestamp = False
    font.save(str(FONT))
    count = len(TTFont(str(FONT)).getBestCmap())
    print(f"{FONT.name}: {count} characters, {FONT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
