"""The dashboard as an Excel workbook: a summary sheet, then one per view (by month or week, by
kind, by team, by organisation). Figures are numbers (hours to two decimals, rates as percentages
Excel can sum and sort); names go through core.spreadsheets so none becomes a formula."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core.spreadsheets import safe_row

from .charts import organisation_label, team_label
from .figures import MONTH, Dashboard, Figures


def _number(value) -> float | int:
    return value if isinstance(value, int) else float(value)


def _rate(sheet, figures: Figures):
    rate = figures.attendance_rate
    if rate is None:
        return None
    cell = WriteOnlyCell(sheet, value=round(rate, 4))
    cell.number_format = "0.0%"
    return cell


def _figure_headers(activities: bool = True) -> list[str]:
    return [
        _("Service hours"),
        *([_("Activities held")] if activities else []),
        _("Sign-ups"),
        _("Attendances"),
        _("No-shows"),
        _("Attendance rate"),
        _("Participants"),
    ]


def _figure_cells(sheet, figures: Figures, activities: bool = True) -> list:
    return [
        float(figures.hours),
        *([figures.activities] if activities else []),
        figures.signups,
        figures.attendances,
        figures.no_shows,
        _rate(sheet, figures),
        figures.participants,
    ]


def dashboard_workbook(board: Dashboard) -> bytes:
    book = Workbook(write_only=True)

    summary = book.create_sheet(_("Summary"))
    summary.append(safe_row(summary, [_("Organisation"), board.root.name]))
    summary.append([_("Start date"), board.start])
    summary.append([_("End date"), board.end])
    for header, value in zip(_figure_headers(), _figure_cells(summary, board.total), strict=True):
        summary.append(safe_row(summary, [header, value]))

    by_period = book.create_sheet(_("By month") if board.granularity == MONTH else _("By week"))
    by_period.append([_("Month") if board.granularity == MONTH else _("Week starting"), *_figure_headers()])
    for period in board.periods:
        by_period.append([period.label, *_figure_cells(by_period, period)])

    kinds = book.create_sheet(_("By kind"))
    kinds.append([_("Kind"), *_figure_headers()])
    for row in board.kinds:
        kinds.append([row.label, *_figure_cells(kinds, row)])

    teams = book.create_sheet(_("By team"))
    # Activities held are counted by period and kind only (a team sheet shows what people did).
    teams.append([_("Team"), *_figure_headers(activities=False)])
    for row in board.teams:
        teams.append(safe_row(teams, [team_label(row.name), *_figure_cells(teams, row, activities=False)]))

    orgs = book.create_sheet(_("By organisation"))
    orgs.append([_("Organisation"), _("Code"), _("Service hours")])
    for row in board.organisations:
        orgs.append(safe_row(orgs, [organisation_label(row), row.organisation.code, _number(row.hours)]))

    out = BytesIO()
    book.save(out)
    return out.getvalue()
