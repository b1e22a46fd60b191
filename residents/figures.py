"""The residents' figures page (/residents/figures/) and its workbook, built from sections.

A section is a function `(root, today) -> Section`: a title, charts (core.charts) and one table,
which the page draws in turn and the workbook writes as one sheet each. Another part of the app
(help requests) adds its figures by appending its function to SECTIONS (register_section) — the
page, the template and the workbook need no change. Each section takes a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.charts import BarChart, ColumnChart, bar_chart, column_chart
from core.spreadsheets import safe_row
from orgchart.models import Organisation

from . import queries
from .models import Category, Housing


@dataclass
class Section:
    key: str
    title: str
    charts: list[BarChart | ColumnChart] = field(default_factory=list)

    @property
    def drawn(self) -> list[tuple[str, BarChart | ColumnChart]]:
        """(template kind, chart): "columns" for a ColumnChart, "bars" for a BarChart."""
        return [("columns" if isinstance(c, ColumnChart) else "bars", c) for c in self.charts]

    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    empty_text: str = ""

    @property
    def labelled_rows(self) -> list[list[tuple[str, object]]]:
        """Each row as (column header, cell): a phone's card shows each figure with its label."""
        headers = self.headers
        return [
            [(headers[i] if i < len(headers) else "", cell) for i, cell in enumerate(row)]
            for row in self.rows
        ]


SectionBuilder = Callable[[Organisation, dt.date], Section]
SECTIONS: list[SectionBuilder] = []


def register_section(builder: SectionBuilder) -> SectionBuilder:
    if builder not in SECTIONS:
        SECTIONS.append(builder)
    return builder


@dataclass
class FiguresPage:
    root: Organisation
    today: dt.date
    sections: list[Section]


def figures_page(root: Organisation, today: dt.date) -> FiguresPage:
    return FiguresPage(root=root, today=today, sections=[build(root, today) for build in SECTIONS])


@register_section
def registered_by_category(root: Organisation, today: dt.date) -> Section:
    counts = queries.by_category(root)
    ids = {community for community, _category in counts}
    communities = list(Organisation.objects.filter(pk__in=ids).order_by("path"))
    totals = {c.value: sum(n for (_o, cat), n in counts.items() if cat == c.value) for c in Category}
    rows = [
        [
            org.name,
            *[counts.get((org.pk, c.value), 0) for c in Category],
            sum(counts.get((org.pk, c.value), 0) for c in Category),
        ]
        for org in communities
    ]
    return Section(
        key="by-category",
        title=_("Registered residents by category"),
        charts=[
            bar_chart(
                _("Registered residents by category"),
                [(str(c.label), totals[c.value]) for c in Category],
                unit=_("people"),
            ),
        ],
        headers=[_("Community"), *[str(c.label) for c in Category], _("Total")],
        rows=rows,
        empty_text=_("No residents registered."),
    )


@register_section
def arrivals_and_departures(root: Organisation, today: dt.date) -> Section:
    months = queries.month_starts(today)
    arrivals = queries.per_month(root, "arrived_on", months[0])
    departures = queries.per_month(root, "left_on", months[0])

    def points(counts):
        return [(f"{m:%Y-%m}", f"{m.month}", counts.get(m, 0)) for m in months]

    return Section(
        key="per-month",
        title=_("Arrivals and departures per month"),
        charts=[
            column_chart(_("Arrivals"), points(arrivals), unit=_("people")),
            column_chart(_("Departures"), points(departures), unit=_("people")),
        ],
        headers=[_("Month"), _("Arrivals"), _("Departures")],
        rows=[[f"{m:%Y-%m}", arrivals.get(m, 0), departures.get(m, 0)] for m in months],
    )


@register_section
def overcrowded_housing(root: Organisation, today: dt.date) -> Section:
    flats = list(
        queries.overcrowded(Housing.objects.in_subtree(root).select_related("community")).order_by(
            "community__path", "address"
        )
    )
    per_community: dict[str, int] = {}
    for flat in flats:
        per_community[flat.community.name] = per_community.get(flat.community.name, 0) + 1
    return Section(
        key="overcrowded",
        title=_("Overcrowded housing (more tenants than beds)"),
        charts=[
            bar_chart(_("Overcrowded housing by community"), list(per_community.items()), unit=_("flats"))
        ],
        headers=[_("Community"), _("Address"), _("Beds"), _("Registered tenants")],
        rows=[[f.community.name, f.address, f.beds, f.tenant_count] for f in flats],
        empty_text=_("No overcrowded housing."),
    )


def figures_workbook(page: FiguresPage) -> bytes:
    """A summary sheet, then one sheet per section; text stays text."""
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("Summary"))
    for row in ((_("Organisation"), page.root.name), (_("As of"), page.today.isoformat())):
        summary.append(safe_row(summary, row))
    for section in page.sections:
        sheet = book.create_sheet(section.title[:31])
        sheet.append(safe_row(sheet, section.headers))
        for row in section.rows:
            sheet.append(safe_row(sheet, row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()
