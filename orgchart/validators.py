"""Checks for personal identifiers and names, written once for forms, the API and the import.

Input is normalised first (NFKC, core.text): full-width digits become ASCII, so one identity
number has one spelling and one hash. Identity numbers and mobiles are then ASCII digits only;
`\\d` would also take full-width and Arabic-Indic digits, and did.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.text import has_letter, hidden_characters, normalise

MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(
            _("Mobile number must be 11 digits starting with 13–19, e.g. 13812345678."), code="mobile"
        )


def clean_mobile(value: str | None) -> str:
    """The mobile normalised (full-width digits become ASCII) and checked; raises ValidationError."""
    value = normalise(value)
    validate_mobile(value)
    return value


def id_check_char(first17: str) -> str:
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalise_id_number(value: str | None) -> str:
    """NFKC, trimmed, upper case: `３１０１…ｘ` and `3101…x` are one number."""
    return normalise(value).upper()


def id_birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def validate_id_number(value: str, birth_date: dt.date | None = None) -> None:
    """GB 11643-1999: 18 characters, a valid birth date, the right check character."""
    value = normalise_id_number(value)
    if not ID_RE.match(value):
        raise ValidationError(
            _("ID number must be 18 characters: 17 digits and a final digit or X."), code="id_format"
        )
    born = id_birth_date(value)
    if born is None:
        raise ValidationError(_("ID number contains an impossible birth date."), code="id_birth")
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("ID number check digit is wrong; please check the number for a typing error."), code="id_check"
        )
    if birth_date is not None and born != birth_date:
        raise ValidationError(
            _("The birth date in the ID number (%(id_date)s) differs from the birth date given (%(date)s).")
            % {"id_date": born.isoformat(), "date": birth_date.isoformat()},
            code="id_birth_mismatch",
        )


def clean_id_number(value: str | None, birth_date: dt.date | None = None) -> str:
    """The identity number normalised and checked; raises ValidationError."""
    value = normalise_id_number(value)
    validate_id_number(value, birth_date)
    return value


def clean_name(value: str | None) -> str:
    """A person's name normalised; refuses hidden, direction-changing and letter-less values."""
    value = normalise(value)
    if hidden_characters(value):
        raise ValidationError(
            _("The name contains invisible or control characters; type it again without them."),
            code="name_hidden",
        )
    if value and not has_letter(value):
        raise ValidationError(_("The name must contain letters or Chinese characters."), code="name_letters")
    return value


def validate_birth_date(value: dt.date | None) -> None:
    if value is not None and value < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("Birth dates before %(date)s are not accepted; check the year.")
            % {"date": EARLIEST_BIRTH_DATE.isoformat()},
            code="birth_date_early",
        )


def build_id_number(region: str, birth_date: dt.date, sequence: int) -> str:
    """A well-formed identity number (right check character) for demo data and tests."""
    first17 = f"{region[:6]:0<6}{birth_date:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_char(first17)
