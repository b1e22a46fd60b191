"""The volunteer-hours certificate (志愿服务时长证明) as an A4 PDF, drawn with fpdf2.

Page 1 carries the whole certificate: title, the statement, the total, issuer and date, the
verification code with a QR code of the verification address, then the table of service
entries, which runs on over as many pages as it needs with its header row repeated. Every page
has a footer with the verification code and "page X of Y"; later pages have a running head with
the holder's name.

The text is the active language's (gettext, English msgids); the portal renders with zh-hans
active. Only the committed font in fonts/ is used and embedded (see glyphs.py for the
characters it lacks). Type is large for older readers: 14 pt body, 12 pt table, 10 pt footer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

import segno
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableCellFillMode, TableHeadingsDisplay, TextMode, WrapMode, XPos, YPos

from . import glyphs
from .codes import format_verification_code, is_well_formed_verification_code

logger = logging.getLogger(__name__)
# fpdf2 subsets the fonts with fontTools on every output, which logs each step at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

FAMILY = "cert"

# Layout, in millimetres and points.
MARGIN = 20.0
CONTENT_WIDTH = 210.0 - 2 * MARGIN
BODY_PT = 14
TABLE_PT = 12
SMALL_PT = 11
FOOTER_PT = 10
RED = (176, 18, 18)
INK = (20, 20, 20)
GREY = (95, 95, 95)
RULE = (150, 150, 150)
ACTIVITY_WIDTH = 88.0
CELL_PADDING_X = 2.0

MASK_CHARACTERS = "*＊•●"

# Line breaking for Chinese (禁则): no line starts with closing punctuation, none ends with
# opening punctuation; a run of Latin letters, digits and ASCII symbols (a number, a masked
# identifier, "2025年") is kept whole unless it is wider than the line.
_NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}～")
_NO_LINE_END = set("（《「『【〔〈“‘([{")
_TOKENS = re.compile(r"\d+(?:\.\d+)?[年月日号]?|[A-Za-z0-9*＊@#%&+\-_=/\\:.?~]+| +|.", re.S)


class IdentifierKind(StrEnum):
    ID_NUMBER = "id_number"
    MOBILE = "mobile"


@dataclass(frozen=True)
class CertificateRow:
    date: date
    activity: str
    hours: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "hours", _decimal(self.hours, "hours"))


@dataclass(frozen=True)
class CertificateData:
    """What a certificate states. The caller masks the identifier ("110***********1234",
    "138****5678") and stores the verification code; `rows` may be long (the table paginates)
    and, when given, must add up to `total_hours`."""

    holder_name: str
    holder_identifier: str
    identifier_kind: IdentifierKind
    organisation: str
    period_start: date
    period_end: date
    total_hours: Decimal
    rows: tuple[CertificateRow, ...]
    issuer: str
    issued_on: date
    verification_code: str
    verification_url: str

    def __post_init__(self) -> None:
        rows = tuple(row if isinstance(row, CertificateRow) else CertificateRow(*row) for row in self.rows)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "identifier_kind", IdentifierKind(self.identifier_kind))
        total = _decimal(self.total_hours, "total_hours")
        object.__setattr__(self, "total_hours", total)
        if not self.holder_name.strip():
            raise ValueError("holder_name is empty")
        if self.holder_identifier and not any(ch in MASK_CHARACTERS for ch in self.holder_identifier):
            raise ValueError("holder_identifier must be masked by the caller (e.g. 138****5678)")
        if self.period_start > self.period_end:
            raise ValueError("period_start is after period_end")
        if total < 0 or any(row.hours < 0 for row in rows):
            raise ValueError("hours cannot be negative")
        if rows and sum((row.hours for row in rows), Decimal(0)) != total:
            raise ValueError("the rows' hours do not add up to total_hours")
        if not self.verification_code.strip() or not self.verification_url.strip():
            raise ValueError("a certificate needs its verification code and address")

    def texts(self) -> Iterable[str]:
        """Every piece of caller-supplied text the certificate prints."""
        yield from (self.holder_name, self.holder_identifier, self.organisation, self.issuer)
        yield from (self.verification_code, self.verification_url)
        yield from (row.activity for row in self.rows)


def _decimal(value: object, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal (or int), not {type(value).__name__}")
    return Decimal(value)


def unsupported_characters(data: CertificateData) -> set[str]:
    """Characters of the certificate that the committed font cannot draw (printed as "〓").
    An issuing view can call this first and warn the person issuing."""
    return set().union(*(glyphs.unsupported(text) for text in data.texts()))


def format_hours(value: Decimal) -> str:
    """12.50 → "12.5", 3 → "3", never scientific notation."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _long_date(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def render_certificate(data: CertificateData) -> bytes:
    """The certificate as PDF bytes, in the active language."""
    missing = unsupported_characters(data)
    if missing:
        logger.warning(
            "Certificate %s: the certificate font lacks %s; printed as %s",
            data.verification_code,
            ", ".join(f"U+{ord(ch):04X}" for ch in sorted(missing)),
            glyphs.SUBSTITUTE,
        )
    pdf = _CertificatePDF(data)
    pdf.draw(missing)
    return bytes(pdf.output())


class _CertificatePDF(FPDF):
    def __init__(self, data: CertificateData) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.data = data
        self.code = (
            format_verification_code(data.verification_code)
            if is_well_formed_verification_code(data.verification_code)
            else glyphs.drawable(data.verification_code)
        )
        self.name = glyphs.drawable(data.holder_name)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=22)
        self.add_font(FAMILY, "", str(glyphs.FONT))
        self.set_font(FAMILY, size=BODY_PT)
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)
        self.set_title(_("Volunteer Service Hours Certificate"))
        self.set_author(glyphs.drawable(data.issuer))
        self.set_subject(self.name)
        self.set_creator("portal")
        self.set_lang(translation.to_locale(translation.get_language() or "zh-hans").replace("_", "-"))

    # Page furniture ------------------------------------------------------------------------

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(10)
        self.set_font(FAMILY, size=FOOTER_PT)
        self.set_text_color(*GREY)
        text = _("Volunteer Service Hours Certificate (continued): %(name)s") % {"name": self.name}
        self.cell(w=CONTENT_WIDTH, h=6, text=text, align=Align.L)
        self.set_y(MARGIN)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-16)
        self.set_font(FAMILY, size=FOOTER_PT)
        self.set_text_color(*GREY)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y(), MARGIN + CONTENT_WIDTH, self.get_y())
        self.cell(w=CONTENT_WIDTH / 2, h=7, text=_("Verification code: %(code)s") % {"code": self.code})
        pages = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": self.str_alias_nb_pages}
        self.cell(w=CONTENT_WIDTH / 2, h=7, text=pages, align=Align.R)
        self.set_text_color(*INK)

    def lines(self, text: str, width: float) -> str:
        """`text` with line breaks ("\\n") where it must wrap in `width` mm at the current font,
        following the Chinese line-breaking rules above; fpdf2 then draws the lines as given.
        (The font has no kerning, so a line's width is the sum of its tokens' widths.)"""
        width -= 2 * self.c_margin + 0.3  # what multi_cell leaves for text, less rounding
        if self.get_string_width(text) <= width:
            return text
        tokens: list[tuple[str, float]] = []
        for token in _TOKENS.findall(text):
            size = self.get_string_width(token)
            if size > width:  # a run wider than the line is cut anywhere
                tokens.extend((ch, self.get_string_width(ch)) for ch in token)
            else:
                tokens.append((token, size))
        lines: list[str] = []
        line: list[tuple[str, float]] = []
        used = 0.0
        for token, size in tokens:
            if not line or used + (0 if token.isspace() else size) <= width:
                line.append((token, size))
                used += size
                continue
            carry = [] if token.isspace() else [(token, size)]
            for _attempt in range(2):  # pull back at most two tokens to keep the rules
                if (
                    len(line) > 1
                    and carry
                    and (carry[0][0][0] in _NO_LINE_START or line[-1][0][-1] in _NO_LINE_END)
                ):
                    carry.insert(0, line.pop())
            lines.append("".join(t for t, _ in line).rstrip())
            line = carry
            used = sum(size for _, size in line)
        if line:
            lines.append("".join(t for t, _ in line).rstrip())
        return "\n".join(lines)

    # The certificate -----------------------------------------------------------------------

    def draw(self, missing: set[str]) -> None:
        self.add_page()
        self._title()
        self._statement()
        self._total()
        self._issuer()
        self._verification()
        if missing:
            self._missing_note(missing)
        self._entries()

    def _title(self) -> None:
        self.set_y(MARGIN + 4)
        self.set_font(FAMILY, size=26)
        self.set_text_color(*RED)
        # The committed font has one weight: the title is made heavier with an outline stroke.
        self.set_draw_color(*RED)
        self.set_line_width(0.35)
        with self.local_context(text_mode=TextMode.FILL_STROKE):
            self.cell(
                w=CONTENT_WIDTH,
                h=14,
                text=_("Volunteer Service Hours Certificate"),
                align=Align.C,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        self.set_line_width(0.6)
        y = self.get_y() + 2
        self.line(MARGIN, y, MARGIN + CONTENT_WIDTH, y)
        self.set_line_width(0.2)
        self.set_draw_color(*RULE)
        self.set_text_color(*INK)
        self.set_y(y + 8)

    def _statement(self) -> None:
        data = self.data
        values = {
            "name": self.name,
            "organisation": glyphs.drawable(data.organisation),
            "start": _long_date(data.period_start),
            "end": _long_date(data.period_end),
            "hours": format_hours(data.total_hours),
        }
        if data.holder_identifier:
            values["identifier_label"] = (
                _("ID number") if data.identifier_kind == IdentifierKind.ID_NUMBER else _("Mobile number")
            )
            values["identifier"] = glyphs.drawable(data.holder_identifier)
            text = (
                _(
                    "This is to certify that %(name)s (%(identifier_label)s: %(identifier)s) took part "
                    "in volunteer service with %(organisation)s from %(start)s to %(end)s, serving a "
                    "total of %(hours)s hours."
                )
                % values
            )
        else:
            text = (
                _(
                    "This is to certify that %(name)s took part in volunteer service with "
                    "%(organisation)s from %(start)s to %(end)s, serving a total of %(hours)s hours."
                )
                % values
            )
        self.set_font(FAMILY, size=BODY_PT)
        # (the Chinese msgstr starts with two ideographic spaces: the usual paragraph indent)
        self.multi_cell(
            w=CONTENT_WIDTH,
            h=9,
            text=self.lines(text, CONTENT_WIDTH),
            align=Align.L,
            wrapmode=WrapMode.CHAR,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.ln(4)

    def _total(self) -> None:
        self.set_font(FAMILY, size=18)
        self.set_text_color(*RED)
        text = _("Total hours of service: %(hours)s") % {"hours": format_hours(self.data.total_hours)}
        self.cell(w=CONTENT_WIDTH, h=11, text=text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(6)

    def _issuer(self) -> None:
        self.set_font(FAMILY, size=BODY_PT)
        for text in (
            _("Issued by: %(issuer)s") % {"issuer": glyphs.drawable(self.data.issuer)},
            _("Date of issue: %(date)s") % {"date": _long_date(self.data.issued_on)},
        ):
            self.multi_cell(
                w=CONTENT_WIDTH,
                h=9,
                text=self.lines(text, CONTENT_WIDTH),
                align=Align.R,
                wrapmode=WrapMode.CHAR,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        self.ln(6)

    def _verification(self) -> None:
        qr_size = 34.0
        box_top = self.get_y()
        text_width = CONTENT_WIDTH - qr_size - 12
        qr_x = MARGIN + CONTENT_WIDTH - qr_size - 4
        url = self.data.verification_url.strip()

        self.set_xy(MARGIN + 4, box_top + 4)
        self.set_font(FAMILY, size=SMALL_PT)
        self.set_text_color(*GREY)
        self.cell(w=text_width, h=6, text=_("Verification code"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_x(MARGIN + 4)
        self.set_font(FAMILY, size=22)
        self.set_text_color(*INK)
        self.set_char_spacing(1.5)
        self.cell(w=text_width, h=12, text=self.code, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_char_spacing(0)
        self.set_font(FAMILY, size=SMALL_PT)
        self.set_x(MARGIN + 4)
        self.multi_cell(
            w=text_width,
            h=6,
            text=self.lines(
                _(
                    "Scan the QR code, or visit the address below and enter the verification code, "
                    "to check this certificate."
                ),
                text_width,
            ),
            wrapmode=WrapMode.CHAR,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_x(MARGIN + 4)
        self.set_text_color(0, 70, 160)
        self.multi_cell(
            w=text_width,
            h=6,
            text=glyphs.drawable(url),
            link=url,
            wrapmode=WrapMode.CHAR,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_text_color(*INK)

        self._qr(url, qr_x, box_top + 4, qr_size)
        box_bottom = max(self.get_y() + 4, box_top + qr_size + 8)
        self.set_draw_color(*RULE)
        self.rect(MARGIN, box_top, CONTENT_WIDTH, box_bottom - box_top)
        self.set_y(box_bottom + 6)

    def _qr(self, url: str, x: float, y: float, size: float) -> None:
        qr = segno.make(url, error="m", micro=False)
        matrix = [list(row) for row in qr.matrix]
        module = size / len(matrix)
        self.set_fill_color(0, 0, 0)
        for r, row in enumerate(matrix):
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                # a hair wider than the run, so that neighbouring rows leave no white seams
                self.rect(
                    x + start * module, y + r * module, (c - start) * module + 0.01, module + 0.01, style="F"
                )
        self.link(x, y, size, size, url)

    def _missing_note(self, missing: set[str]) -> None:
        self.set_font(FAMILY, size=SMALL_PT)
        self.set_text_color(*GREY)
        codepoints = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(missing))
        text = _(
            "Note: %(mark)s stands for a character this certificate's typeface cannot print "
            "(%(codepoints)s); the record on the portal is authoritative."
        ) % {"mark": glyphs.SUBSTITUTE, "codepoints": codepoints}
        self.multi_cell(
            w=CONTENT_WIDTH,
            h=6,
            text=self.lines(text, CONTENT_WIDTH),
            wrapmode=WrapMode.CHAR,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_text_color(*INK)
        self.ln(4)

    def _entries(self) -> None:
        rows = self.data.rows
        self.set_font(FAMILY, size=BODY_PT)
        heading = ngettext(
            "Service record: %(count)s entry", "Service record: %(count)s entries", len(rows)
        ) % {"count": len(rows)}
        self.cell(w=CONTENT_WIDTH, h=10, text=heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if not rows:
            self.set_font(FAMILY, size=TABLE_PT)
            self.cell(w=CONTENT_WIDTH, h=8, text=_("No service entries in this period."))
            return
        self.set_font(FAMILY, size=TABLE_PT)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        with self.table(
            width=CONTENT_WIDTH,
            col_widths=(14, 38, ACTIVITY_WIDTH, 30),
            text_align=(Align.C, Align.C, Align.L, Align.R),
            line_height=7,
            padding=(1.2, CELL_PADDING_X),
            wrapmode=WrapMode.CHAR,
            headings_style=FontFace(family=FAMILY, size_pt=TABLE_PT, fill_color=(232, 232, 232)),
            cell_fill_mode=TableCellFillMode.NONE,
            repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
        ) as table:
            heading_row = table.row()
            for text in (_("No."), _("Date"), _("Activity"), _("Hours served")):
                heading_row.cell(text, align=Align.C)
            for number, row in enumerate(rows, start=1):
                cells = table.row()
                cells.cell(str(number))
                cells.cell(_long_date(row.date))
                cells.cell(self.lines(glyphs.drawable(row.activity), ACTIVITY_WIDTH - 2 * CELL_PADDING_X))
                cells.cell(format_hours(row.hours))
            total = table.row()
            total.cell(_("Total"), colspan=3, align=Align.R)
            total.cell(format_hours(self.data.total_hours))
