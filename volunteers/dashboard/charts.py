"""The dashboard's charts (core.charts geometry): columns by period for hours, participants and
activities held; bars by kind, by team and by organisation."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.charts import BarChart, ColumnChart, bar_chart, column_chart

from .figures import MONTH, Dashboard, Period

TOP_ORGANISATIONS = 10  # bars; the table below lists them all


@dataclass
class DashboardCharts:
    hours: ColumnChart
    participants: ColumnChart
    activities: ColumnChart
    kinds: BarChart
    teams: BarChart
    organisations: BarChart

    @property
    def series(self) -> list[ColumnChart]:
        return [self.hours, self.participants, self.activities]


def axis_label(period: Period, many_years: bool) -> str:
    """Short enough to sit under a column: 3月 (26/3 when the range spans years), or 3/2 for a week."""
    if period.granularity == MONTH:
        if many_years:
            return f"{period.start:%y}/{period.start.month}"
        return _("M%(n)s") % {"n": period.start.month}
    return f"{period.start.month}/{period.start.day}"


def team_label(name: str) -> str:
    return name or _("No team")


def organisation_label(row) -> str:
    if row.own:
        return _("%(organisation)s (own activities)") % {"organisation": row.organisation.name}
    return row.organisation.name


def dashboard_charts(board: Dashboard, query: dict | None = None) -> DashboardCharts:
    """The charts of `board`; `query` (the page's other filters) makes each organisation's bar a
    link to its own dashboard."""
    many_years = board.start.year != board.end.year
    points = [(p.label, axis_label(p, many_years), p) for p in board.periods]
    by_month = board.granularity == MONTH

    def series(title: str, unit: str, attr: str) -> ColumnChart:
        return column_chart(title, [(label, axis, getattr(p, attr)) for label, axis, p in points], unit=unit)

    def link(row) -> str:
        if row.own:
            return ""
        return f"{reverse('volunteers:dashboard')}?{urlencode({**(query or {}), 'org': row.organisation.pk})}"

    hours_unit = pgettext("chart unit", "hours")
    return DashboardCharts(
        hours=series(
            _("Service hours by month") if by_month else _("Service hours by week"), hours_unit, "hours"
        ),
        participants=series(
            _("Participants by month") if by_month else _("Participants by week"),
            pgettext("chart unit", "people"),
            "participants",
        ),
        activities=series(
            _("Activities held by month") if by_month else _("Activities held by week"),
            pgettext("chart unit", "activities"),
            "activities",
        ),
        kinds=bar_chart(
            _("Service hours by kind"), [(k.label, k.hours) for k in board.kinds], unit=hours_unit
        ),
        teams=bar_chart(
            _("Service hours by team"),
            [(team_label(t.name), t.hours) for t in board.teams],
            unit=hours_unit,
            note=_("An activity run by two teams counts for both."),
        ),
        organisations=bar_chart(
            _("Organisations by service hours"),
            [(organisation_label(r), r.hours, link(r)) for r in board.organisations[:TOP_ORGANISATIONS]],
            unit=hours_unit,
        ),
    )
