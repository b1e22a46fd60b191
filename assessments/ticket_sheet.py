"""The printable sheet of rating tickets (评议票): A4, ten tickets a page in two columns, each
with its community, the code, a QR code of the ticket's rating address, and dashed cut lines.

The QR code holds the entry address with the code as its #fragment (`qr_payload`): browsers do
not send a fragment to the server, so the code never appears in a request line or an access log;
the entry page's script (static/assessments/ticket.js) puts it into the form, which POSTs it.

Drawn with fpdf2 and the committed CJK font of volunteers.certificates (embedded, subset).
The codes exist in clear only in this PDF: it is made once, when the tickets are generated.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import segno
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from volunteers.certificates import glyphs

logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

FAMILY = "ticket"
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 10.0
COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
CELL_W = (PAGE_W - 2 * MARGIN) / COLUMNS
CELL_H = (PAGE_H - 2 * MARGIN) / ROWS
QR_SIZE = 36.0
PAD = 4.0


def format_code(code: str) -> str:
    """ABCDE-FGHJK: easier to read out and type in; the dash is ignored when typed."""
    return f"{code[:5]}-{code[5:]}" if len(code) == 10 else code


def qr_payload(entry_url: str, code: str) -> str:
    """What a ticket's QR code holds: the entry address, the code only in its #fragment."""
    return f"{entry_url.split('#', 1)[0]}#{code}"


def _qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    matrix = [list(row) for row in segno.make(url, error="m", micro=False).matrix]
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(
                x + start * module, y + r * module, (c - start) * module + 0.01, module + 0.01, style="F"
            )


def render_ticket_sheet(*, title: str, community: str, codes: Sequence[str], entry_url: str) -> bytes:
    """The sheet's PDF bytes: one ticket per code."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FAMILY, "", str(glyphs.FONT))
    title, community = glyphs.drawable(title), glyphs.drawable(community)
    for index, code in enumerate(codes):
        slot = index % PER_PAGE
        if slot == 0:
            pdf.add_page()
            _cut_lines(pdf)
        x = MARGIN + (slot % COLUMNS) * CELL_W
        y = MARGIN + (slot // COLUMNS) * CELL_H
        text_w = CELL_W - QR_SIZE - 3 * PAD
        pdf.set_text_color(176, 18, 18)
        pdf.set_font(FAMILY, size=15)
        pdf.set_xy(x + PAD, y + PAD)
        pdf.cell(text_w, 8, glyphs.drawable(_("Rating ticket")), new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_text_color(20, 20, 20)
        pdf.set_font(FAMILY, size=10)
        pdf.set_x(x + PAD)
        pdf.multi_cell(text_w, 5, f"{title}\n{community}", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FAMILY, size=18)
        pdf.set_x(x + PAD)
        pdf.cell(text_w, 11, format_code(code), new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FAMILY, size=8)
        pdf.set_text_color(95, 95, 95)
        pdf.set_x(x + PAD)
        pdf.multi_cell(
            text_w,
            4,
            glyphs.drawable(
                _("Scan the code, or open %(url)s and type in the code. One rating per ticket; anonymous.")
                % {"url": entry_url}
            ),
        )
        _qr(pdf, qr_payload(entry_url, code), x + CELL_W - QR_SIZE - PAD, y + PAD, QR_SIZE)
    if not codes:
        pdf.add_page()
    return bytes(pdf.output())


def _cut_lines(pdf: FPDF) -> None:
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=2, gap=2)
    for column in range(COLUMNS + 1):
        x = MARGIN + column * CELL_W
        pdf.line(x, MARGIN, x, PAGE_H - MARGIN)
    for row in range(ROWS + 1):
        y = MARGIN + row * CELL_H
        pdf.line(MARGIN, y, PAGE_W - MARGIN, y)
    pdf.set_dash_pattern()
