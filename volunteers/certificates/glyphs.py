"""Which characters the committed font can draw, and what happens to the others.

The certificate embeds only fonts/NotoSansSC-Certificate.ttf (never a font that happens to be
installed): GB2312 in full (all 6,763 hanzi of levels 1 and 2 and its symbols), the 8,105
characters of the 2013 Table of General Standard Chinese Characters (with the name characters
GB2312 lacks, such as 喆, 堃, 䶮), ASCII, Latin-1, full-width forms and CJK punctuation. A
character outside it (a rarer one such as 龘 or 𪚥, an emoji) is printed as the substitution
mark "〓" – the traditional mark for a character the type case lacks – never as an empty box:
the certificate then carries a note naming the code points and saying that the record on the
portal is authoritative, and the renderer logs a warning. `unsupported_characters()` lets the
issuing view warn the person issuing beforehand.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = FONTS / "NotoSansSC-Certificate.ttf"

SUBSTITUTE = "\u3013"  # 〓 GETA MARK, in GB2312 and so in the font

_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_BLANKS = re.compile(" {2,}")


@cache
def coverage() -> frozenset[str]:
    """The characters the committed font has a glyph for."""
    font = TTFont(str(FONT), lazy=True)
    try:
        return frozenset(chr(code) for code in font.getBestCmap())
    finally:
        font.close()


def clean(text: str) -> str:
    """NFC, without variation selectors (the base character is drawn), with control and format
    characters, line breaks and odd spaces turned into single spaces."""
    text = _VARIATION_SELECTORS.sub("", unicodedata.normalize("NFC", text or ""))
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" and ch != "\u3000" else ch for ch in text)
    return _BLANKS.sub(" ", text).strip(" ")


def unsupported(text: str) -> set[str]:
    """The characters of `text` that the committed font cannot draw."""
    have = coverage()
    return {ch for ch in clean(text) if ch not in have}


def drawable(text: str) -> str:
    """`text` cleaned, with every character the font lacks replaced by the mark."""
    have = coverage()
    return "".join(ch if ch in have else SUBSTITUTE for ch in clean(text))
