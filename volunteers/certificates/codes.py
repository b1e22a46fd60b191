"""Verification codes: short, read aloud over the phone, typed back in by anyone.

Ten symbols from a 32-symbol alphabet (digits 2-9 and the letters without I and O) give 50
random bits from `secrets`: guessing a valid code among even a million issued certificates is a
one-in-a-billion chance per try. A code is shown in two groups of five ("7KQ2M-X9TDP") and stored
and looked up in its normal form, without the dash ("7KQ2MX9TDP").
"""

from __future__ import annotations

import re
import secrets
import unicodedata

# No 0/O and no 1/I: the pairs people confuse when reading a code aloud or copying it by hand.
VERIFICATION_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
VERIFICATION_CODE_LENGTH = 10
GROUP_SIZE = 5

# What a person may type between the symbols: any Unicode space or dash (after NFKC the
# full-width "－" is already "-"; "—", "–", "‐", "ー" and the ideographic space are caught here).
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\u00b7\u30fb_.]+")
_WELL_FORMED = re.compile(f"[{VERIFICATION_CODE_ALPHABET}]{{{VERIFICATION_CODE_LENGTH}}}")


def new_verification_code() -> str:
    """A fresh random code in its display form, e.g. "7KQ2M-X9TDP"."""
    raw = "".join(secrets.choice(VERIFICATION_CODE_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))
    return format_verification_code(raw)


def normalise_verification_code(text: str) -> str:
    """The look-up form of what a person typed: NFKC (full-width to ASCII), no spaces or dashes,
    upper case. "ａｂｃｄ－ｅｆｇｈ　２３" gives "ABCDEFGH23". It does not check the alphabet:
    see `is_well_formed_verification_code`."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SEPARATORS.sub("", text).upper()


def is_well_formed_verification_code(text: str) -> bool:
    """Whether `text`, once normalised, could be a code at all (length and alphabet)."""
    return _WELL_FORMED.fullmatch(normalise_verification_code(text)) is not None


def format_verification_code(text: str) -> str:
    """The display form: normalised and cut into groups of five joined by "-"."""
    code = normalise_verification_code(text)
    return "-".join(code[i : i + GROUP_SIZE] for i in range(0, len(code), GROUP_SIZE))
