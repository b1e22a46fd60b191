"""The street figures page's data (/cobuilding/figures/): queries.street_figures for the chosen
street or community, broken down by community, as charts (core.charts) and a workbook.

Constant queries whatever the number of rows: street_figures' five, five grouped counts (one per
figure, by the row's community) and one for the communities' names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.charts import BarChart, bar_chart
from core.spreadsheets import safe_row
from orgchart.models import Organisation

from .models import (
    Agreement,
    AgreementStatus,
    Need,
    NeedStatus,
    Project,
    ProjectStatus,
    ReportIn,
    Resource,
    ResourceKind,
)
from .queries import StreetFigures, street_figures


@dataclass
class CommunityRow:
    """One community's (or the street's own) figures."""

    organisation: Organisation
    agreements_active: int = 0
    resources: int = 0
    needs_open: int = 0
    needs_met: int = 0
    projects_done: int = 0
    report_ins_current: int = 0


@dataclass
class FiguresPage:
    root: Organisation
    today: dt.date
    totals: StreetFigures
    rows: list[CommunityRow] = field(default_factory=list)

    @property
    def resources_total(self) -> int:
        return sum(self.totals.resources_by_kind.values())

    @property
    def decisions(self) -> tuple[int, int] | None:
        """(done on time, due) of joint-meeting decisions this year, when street_figures counts
        them (joint meetings, merged separately) and any was due; None otherwise."""
        due = getattr(self.totals, "decisions_due", 0)
        if not due:
            return None
        return getattr(self.totals, "decisions_done_on_time", 0), due

    @property
    def decisions_display(self) -> str:
        return f"{self.decisions[0]} / {self.decisions[1]}" if self.decisions else ""

    @property
    def resources_by_kind(self) -> list[tuple[str, str, int]]:
        """Every kind, in the list's order, with its count (0 included): (kind, label, count)."""
        counts = self.totals.resources_by_kind
        return [(kind.value, str(kind.label), counts.get(kind.value, 0)) for kind in ResourceKind]


def _grouped(queryset, key: str) -> dict[int, int]:
    return dict(queryset.values(key).annotate(n=Count("pk")).values_list(key, "n"))


def figures_page(root: Organisation, today: dt.date) -> FiguresPage:
    """The figures of `root`'s subtree with one row per community that has any."""
    totals = street_figures(root, today)
    agreements = _grouped(
        Agreement.objects.in_subtree(root).filter(
            status=AgreementStatus.ACTIVE, starts_on__lte=today, ends_on__gte=today
        ),
        "community",
    )
    resources = _grouped(Resource.objects.in_subtree(root), "community")
    needs = {
        pk: (open_, met)
        for pk, open_, met in Need.objects.in_subtree(root)
        .values("community")
        .annotate(
            open=Count("pk", filter=Q(status=NeedStatus.OPEN)),
            met=Count("pk", filter=Q(status=NeedStatus.MET)),
        )
        .values_list("community", "open", "met")
    }
    done = _grouped(Project.objects.in_subtree(root).filter(status=ProjectStatus.DONE), "need__community")
    report_ins = _grouped(ReportIn.objects.in_subtree(root).current(), "community")
    ids = set(agreements) | set(resources) | set(needs) | set(done) | set(report_ins)
    rows = [
        CommunityRow(
            organisation=org,
            agreements_active=agreements.get(org.pk, 0),
            resources=resources.get(org.pk, 0),
            needs_open=needs.get(org.pk, (0, 0))[0],
            needs_met=needs.get(org.pk, (0, 0))[1],
            projects_done=done.get(org.pk, 0),
            report_ins_current=report_ins.get(org.pk, 0),
        )
        for org in Organisation.objects.filter(pk__in=ids).order_by("path")
    ]
    return FiguresPage(root=root, today=today, totals=totals, rows=rows)


@dataclass
class FiguresCharts:
    resources: BarChart
    needs: BarChart
    agreements: BarChart


def figures_charts(page: FiguresPage) -> FiguresCharts:
    return FiguresCharts(
        resources=bar_chart(
            _("Resources by kind"),
            [(label, n) for _kind, label, n in page.resources_by_kind],
            unit=_("items"),
        ),
        needs=bar_chart(
            _("Needs"),
            [
                (str(NeedStatus.OPEN.label), page.totals.needs_open),
                (str(NeedStatus.MET.label), page.totals.needs_met),
            ],
            unit=_("needs"),
        ),
        agreements=bar_chart(
            _("Agreements in force by community"),
            [(row.organisation.name, row.agreements_active) for row in page.rows],
            unit=_("agreements"),
        ),
    )


def row_headers() -> list[str]:
    return [
        _("Organisation"),
        _("Agreements in force"),
        _("Resources"),
        _("Needs open"),
        _("Needs met"),
        _("Projects done"),
        _("Members reported in"),
    ]


def row_cells(row: CommunityRow) -> list:
    return [
        row.organisation.name,
        row.agreements_active,
        row.resources,
        row.needs_open,
        row.needs_met,
        row.projects_done,
        row.report_ins_current,
    ]


def figures_workbook(page: FiguresPage) -> bytes:
    """A summary sheet, resources by kind, and one row per community; names stay text."""
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("Summary"))
    totals = page.totals
    for label, value in (
        (_("Organisation"), page.root.name),
        (_("As of"), page.today.isoformat()),
        (_("Agreements in force"), totals.agreements_active),
        (_("Resources"), page.resources_total),
        (_("Needs open"), totals.needs_open),
        (_("Needs met"), totals.needs_met),
        (_("Projects done"), totals.projects_done),
        (_("Members reported in"), totals.report_ins_current),
        *([(_("Decisions done on time"), page.decisions_display)] if page.decisions else []),
    ):
        summary.append(safe_row(summary, [label, value]))
    kinds = book.create_sheet(_("Resources by kind"))
    kinds.append(safe_row(kinds, [_("Kind"), _("Resources")]))
    for _kind, label, count in page.resources_by_kind:
        kinds.append(safe_row(kinds, [label, count]))
    communities = book.create_sheet(_("By community"))
    communities.append(safe_row(communities, row_headers()))
    for row in page.rows:
        communities.append(safe_row(communities, row_cells(row)))
    out = BytesIO()
    book.save(out)
    return out.getvalue()
