"""The volunteer-service dashboard of a subtree (/activities/dashboard/) and its Excel export.

Managers of a subtree only (volunteers.access.can_view_dashboards): anyone else gets 403, the
anonymous the sign-in page. The filters are volunteers.forms.DashboardForm: an organisation outside
what the user manages, a junk date or a range too long is a message on the page (status 400).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.spreadsheets import xlsx_response
from core.tree import path_prefix_q
from orgchart.models import Organisation

from . import access
from .dashboard import dashboard, dashboard_charts, dashboard_workbook
from .forms import DashboardForm

TEMPLATE = "volunteers/dashboard.html"


def _form(request: HttpRequest) -> tuple[DashboardForm, list[Organisation]]:
    if not access.can_view_dashboards(request.user):
        raise PermissionDenied(_("Only secretaries and committees see the volunteer-service dashboard."))
    roots = list(access.dashboard_roots(request.user))
    form = DashboardForm(
        request.GET,
        organisations=access.dashboard_organisations(request.user),
        default_root=roots[0] if roots else None,
        today=timezone.localdate(),
    )
    return form, roots


def _picker(roots: list[Organisation], current: Organisation | None) -> list[tuple[Organisation, str]]:
    """The organisations offered in the picker, with their labels indented by depth: each root the
    user manages and the open ones just below it (one query), and the one shown if it lies deeper
    (reached from a link in the organisations' chart)."""
    q = Q(pk__in=[root.pk for root in roots])
    for root in roots:
        q |= path_prefix_q(root.path) & Q(depth=root.depth + 1, closed_on__isnull=True)
    found = list(Organisation.objects.filter(q).order_by("path"))
    if current is not None and all(org.pk != current.pk for org in found):
        found.append(current)
    top = min((org.depth for org in found), default=1)
    # An ideographic space: HTML keeps it where it strips ASCII spaces at the start of an option.
    return [(org, "\u3000" * (org.depth - top) + org.name) for org in found]


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    form, roots = _form(request)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form, "picker": _picker(roots, None)}, status=400)
    data = form.cleaned_data
    root = data["org"]
    board = dashboard(root, data["start"], data["end"], data["by"])
    filters = {"start": data["start"].isoformat(), "end": data["end"].isoformat(), "by": data["by"]}
    query = urlencode({"org": root.pk, **filters})
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "board": board,
            "charts": dashboard_charts(board, filters),
            "picker": _picker(roots, root),
            "export_url": f"{reverse('volunteers:dashboard_export')}?{query}",
        },
    )


@login_required
def dashboard_export(request: HttpRequest) -> HttpResponse:
    form, roots = _form(request)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form, "picker": _picker(roots, None)}, status=400)
    data = form.cleaned_data
    board = dashboard(data["org"], data["start"], data["end"], data["by"])
    filename = f"{_('Volunteer service')}-{board.root.name}-{board.start:%Y%m%d}-{board.end:%Y%m%d}.xlsx"
    return xlsx_response(dashboard_workbook(board), filename)
