"""The volunteer-hours certificate (志愿服务时长证明): a PDF with a verification code.

`render_certificate(CertificateData(...))` gives the PDF bytes (A4, Chinese when zh-hans is
active, fonts embedded from fonts/); `new_verification_code()` makes the code to store with it
and `normalise_verification_code()` turns what a person types into the form to look up.
"""

from .codes import (
    VERIFICATION_CODE_ALPHABET,
    VERIFICATION_CODE_LENGTH,
    format_verification_code,
    is_well_formed_verification_code,
    new_verification_code,
    normalise_verification_code,
)
from .pdf import (
    CertificateData,
    CertificateRow,
    IdentifierKind,
    format_hours,
    render_certificate,
    unsupported_characters,
)

__all__ = [
    "VERIFICATION_CODE_ALPHABET",
    "VERIFICATION_CODE_LENGTH",
    "CertificateData",
    "CertificateRow",
    "IdentifierKind",
    "format_hours",
    "format_verification_code",
    "is_well_formed_verification_code",
    "new_verification_code",
    "normalise_verification_code",
    "render_certificate",
    "unsupported_characters",
]
