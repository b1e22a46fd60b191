"""The 三会一课 compliance pages: the branches of a subtree (period cells green or red, 学时),
one branch's members with their 学时, and the Excel export. Managers of the subtree only
(activities.access.can_view_compliance): anyone else gets 403, an organisation outside what they
manage 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import access as activity_access
from core.spreadsheets import xlsx_response
from orgchart import access as org_access
from orgchart.models import OrgKind

from .compliance import compliance, compliance_workbook

FIRST_YEAR = 2000


def _year(request: HttpRequest) -> int:
    """?year=, within reason; this year when absent or not a year."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return this_year
    return year if FIRST_YEAR <= year <= this_year else this_year


def _root(request: HttpRequest):
    """The subtree asked for (?org=, one the user manages) or the top one they manage."""
    if not org_access.is_manager(request.user):
        raise PermissionDenied(_("Only secretaries and committees see organisation-life compliance."))
    roots = activity_access.compliance_roots(request.user).order_by("path")
    org_id = request.GET.get("org", "")
    if org_id:
        if not org_id.isdigit():
            raise Http404
        return get_object_or_404(org_access.manageable_organisations(request.user), pk=int(org_id)), roots
    root = roots.first()
    if root is None:
        raise Http404
    return root, roots


@login_required
def compliance_page(request: HttpRequest) -> HttpResponse:
    root, roots = _root(request)
    year = _year(request)
    result = compliance(root, year)
    return render(
        request,
        "volunteers/compliance.html",
        {
            "result": result,
            "roots": roots,
            "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1)[:6],
        },
    )


@login_required
def compliance_branch(request: HttpRequest, pk: int) -> HttpResponse:
    if not org_access.is_manager(request.user):
        raise PermissionDenied(_("Only secretaries and committees see organisation-life compliance."))
    branch = get_object_or_404(
        org_access.manageable_organisations(request.user).filter(kind=OrgKind.BRANCH), pk=pk
    )
    year = _year(request)
    result = compliance(branch, year)
    return render(
        request,
        "volunteers/compliance_branch.html",
        {"result": result, "item": result.branches[0] if result.branches else None, "branch": branch},
    )


@login_required
def compliance_export(request: HttpRequest) -> HttpResponse:
    root, _roots = _root(request)
    year = _year(request)
    content = compliance_workbook(compliance(root, year))
    return xlsx_response(content, f"三会一课-{root.name}-{year}.xlsx")
