"""Text input normalisation, written once: NFKC, and the characters a person's name never holds.

Full-width digits and letters (１３８, ＸＹ) are what Chinese input methods type; NFKC turns them
into ASCII, so one identity number cannot be registered again in another spelling. Digits of
other scripts (Arabic-Indic ٣, Devanagari ३) are not changed by NFKC and are refused by the
callers that require ASCII digits.
"""

from __future__ import annotations

import unicodedata

ASCII_DIGITS = frozenset("0123456789")
# Control, format (zero-width, direction overrides, BOM), private use, surrogates, unassigned,
# line and paragraph separators: invisible or reordering, never part of a name.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def normalise(value: str | None) -> str:
    """NFKC, surrounding whitespace removed; None becomes ""."""
    return unicodedata.normalize("NFKC", value or "").strip()


def is_ascii_digits(value: str) -> bool:
    """Non-empty and only 0-9 (str.isdigit also takes full-width and other scripts' digits)."""
    return bool(value) and all(char in ASCII_DIGITS for char in value)


def hidden_characters(value: str) -> list[str]:
    """The invisible or direction-changing characters in `value`, as U+XXXX codes."""
    return [f"U+{ord(char):04X}" for char in value if unicodedata.category(char) in HIDDEN_CATEGORIES]


def has_letter(value: str) -> bool:
    """Whether `value` holds at least one letter of any script (an emoji-only value holds none)."""
    return any(unicodedata.category(char).startswith("L") for char in value)
