"""Help-request figures per community: requests by service item and the on-time rate, as SVG
bar charts (core.charts) and a workbook. A section of the residents figures page (the include
templates/residents/_help_figures.html takes `help_figures`) and a page of its own at
/residents/help/figures/ with its Excel export.

For post-holders of a street or a community (access_help.catalogue_organisations); others 403.
Constant queries whatever the number of requests: two grouped counts and the organisations' names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.charts import BarChart, bar_chart
from core.spreadsheets import safe_row, xlsx_response
from core.text import is_ascii_digits, normalise
from orgchart.models import Organisation

from . import access_help as access
from .models_help import HelpRequest, HelpStatus


@dataclass
class CommunityHelp:
    """One community's (or the street queue's) help requests."""

    name: str
    total: int = 0
    open: int = 0
    closed: int = 0
    on_time: int = 0
    by_item: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        return round(100.0 * self.on_time / self.closed, 1) if self.closed else None

    @property
    def on_time_display(self) -> str:
        return "—" if self.on_time_rate is None else f"{self.on_time_rate:g}%"


@dataclass
class HelpFigures:
    root: Organisation
    today: dt.date
    rows: list[CommunityHelp]
    by_item: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def closed(self) -> int:
        return sum(row.closed for row in self.rows)

    @property
    def on_time_display(self) -> str:
        closed = self.closed
        return "—" if not closed else f"{round(100.0 * sum(r.on_time for r in self.rows) / closed, 1):g}%"

    @property
    def charts(self) -> dict[str, BarChart]:
        return {
            "items": bar_chart(_("Help requests by service item"), self.by_item, unit=_("requests")),
            "on_time": bar_chart(
                _("Closed on time, by community"),
                [(row.name, row.on_time_rate or 0) for row in self.rows if row.closed],
                unit="%",
            ),
        }


def help_figures(root: Organisation, today: dt.date | None = None) -> HelpFigures:
    """The figures of requests answered in `root`'s subtree (a street: its queue too)."""
    requests = HelpRequest.objects.filter(
        Q(community__path__startswith=root.path)
        | Q(community__isnull=True, street__path__startswith=root.path)
    )
    counts = (
        requests.values("community", "item__name")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("community", "item__name", "n")
    )
    states = (
        requests.values("community")
        .annotate(
            open=Count("pk", filter=~Q(status=HelpStatus.CLOSED)),
            closed=Count("pk", filter=Q(status=HelpStatus.CLOSED)),
            on_time=Count("pk", filter=Q(status=HelpStatus.CLOSED, closed_at__lte=F("due_at"))),
        )
        .order_by()
        .values_list("community", "open", "closed", "on_time")
    )
    rows: dict[int | None, CommunityHelp] = {}
    for community, open_, closed, on_time in states:
        rows[community] = CommunityHelp(
            name="", total=open_ + closed, open=open_, closed=closed, on_time=on_time
        )
    totals: dict[str, int] = {}
    for community, item, n in counts:
        rows[community].by_item[item] = rows[community].by_item.get(item, 0) + n
        totals[item] = totals.get(item, 0) + n
    names = dict(Organisation.objects.filter(pk__in=[pk for pk in rows if pk]).values_list("pk", "name"))
    for pk, row in rows.items():
        row.name = names.get(pk, "") if pk else _("Street queue (not yet assigned)")
    ordered = sorted(rows.items(), key=lambda kv: (kv[0] is None, kv[1].name))
    return HelpFigures(
        root=root,
        today=today or timezone.localdate(),
        rows=[row for _pk, row in ordered],
        by_item=sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])),
    )


def help_workbook(figures: HelpFigures) -> bytes:
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("By community"))
    summary.append(
        safe_row(
            summary,
            [_("Community"), _("Requests"), _("Open"), _("Closed"), _("Closed on time"), _("On-time rate")],
        )
    )
    for row in figures.rows:
        summary.append(
            safe_row(summary, [row.name, row.total, row.open, row.closed, row.on_time, row.on_time_display])
        )
    items = book.create_sheet(_("By service item"))
    items.append(safe_row(items, [_("Community"), _("Service item"), _("Requests")]))
    for row in figures.rows:
        for item, n in sorted(row.by_item.items()):
            items.append(safe_row(items, [row.name, item, n]))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _root(request: HttpRequest) -> tuple[Organisation | None, list[Organisation]]:
    organisations = list(access.catalogue_organisations(request.user).order_by("path"))
    if not organisations:
        raise PermissionDenied(
            _("Only post-holders of the street or a community see the help-request figures.")
        )
    value = normalise(request.GET.get("org", ""))
    if not value:
        return organisations[0], organisations
    wanted = int(value) if is_ascii_digits(value) and len(value) <= 9 else None
    return next((org for org in organisations if org.pk == wanted), None), organisations


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    root, organisations = _root(request)
    context = {"organisations": organisations}
    if root is None:
        context["refusal"] = _("Choose a street or community you manage.")
        return render(request, "residents/help_figures.html", context, status=400)
    context.update(
        help_figures=help_figures(root),
        export_url=f"{reverse('residents_help:figures_export')}?{urlencode({'org': root.pk})}",
    )
    return render(request, "residents/help_figures.html", context)


@login_required
def figures_export(request: HttpRequest) -> HttpResponse:
    root, organisations = _root(request)
    if root is None:
        context = {"organisations": organisations, "refusal": _("Choose a street or community you manage.")}
        return render(request, "residents/help_figures.html", context, status=400)
    data = help_figures(root)
    return xlsx_response(help_workbook(data), f"{_('Help requests')}-{root.name}-{data.today:%Y%m%d}.xlsx")


def help_section(root: Organisation, today: dt.date):
    """The help-request figures as a section of the residents' figures page (residents.figures)."""
    from .figures import Section

    figures = help_figures(root, today)
    return Section(
        key="help",
        title=_("Help requests"),
        charts=list(figures.charts.values()),
        headers=[
            _("Community"),
            _("Requests"),
            _("Open"),
            _("Closed"),
            _("Closed on time"),
            _("On-time rate"),
        ],
        rows=[[r.name, r.total, r.open, r.closed, r.on_time, r.on_time_display] for r in figures.rows],
        empty_text=_("No help requests."),
    )
