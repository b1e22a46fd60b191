"""Pages of dual reporting (双报到) for post-holders, under /cobuilding/:

- /cobuilding/report-ins/ — the organisations the user manages, to open either report;
- /cobuilding/report-ins/<org>/ — a community's reported-in members (name, home branch, skills,
  since, hours this year), filter "not served this year", and a form inviting the chosen (or
  all) not-served members to one of the community's open activities; `export.xlsx`;
- /cobuilding/home-branch/<org>/ — a home branch's members reported in elsewhere with the hours
  they gave there (the per-branch report); `export.xlsx`.

Access by cobuilding.access: someone who manages nothing gets 403; an organisation they do not
manage (or a forged id) 404. A bad year is a message on the page (400). Constant queries.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.spreadsheets import xlsx_response
from orgchart import access as org_access
from orgchart.models import COMMUNITY_KINDS, Organisation, OrgKind

from . import access, dual, queries


def _require_manager(request: HttpRequest) -> None:
    if not access.is_cobuilding_manager(request.user):
        raise PermissionDenied(_("Only post-holders see the dual reporting reports."))


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    _require_manager(request)
    return get_object_or_404(org_access.manageable_organisations(request.user), pk=pk)


def _year(request: HttpRequest) -> tuple[int, str]:
    """The year asked (this year by default) and an error message for a bad one."""
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "").strip()
    if not raw:
        return this_year, ""
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not 2000 <= year <= this_year:
        return this_year, _("Give a year from 2000 to %(year)s.") % {"year": this_year}
    return year, ""


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    paths = org_access.managed_paths(request.user)
    tops = Q(depth=1) if "" in paths else Q(path__in=paths)
    orgs = list(
        org_access.manageable_organisations(request.user)
        .open()
        .filter(tops | Q(kind__in=COMMUNITY_KINDS, depth=2))
        .order_by("path")
    )
    rows = [
        {
            "org": org,
            "community": org.kind == OrgKind.STREET or (org.kind in COMMUNITY_KINDS and org.depth == 2),
        }
        for org in orgs
    ]
    return render(request, "cobuilding/dual/index.html", {"rows": rows})


@login_required
def community(request: HttpRequest, pk: int) -> HttpResponse:
    org = _organisation(request, pk)
    year, error = _year(request)
    rows = queries.community_report_ins(org, year)
    only_not_served = request.GET.get("filter") == "not-served"
    waiting = dual.not_served(rows)
    this_year = year == timezone.localdate().year
    context = {
        "org": org,
        "year": year,
        "error": error,
        "rows": waiting if only_not_served else rows,
        "only_not_served": only_not_served,
        "total": sum(row.hours for row in rows),
        "served_count": sum(1 for row in rows if row.served),
        "count": len(rows),
        "not_served_count": len(waiting),
        # Invitations are for this year's not-served members still reported in.
        "invitable": waiting if this_year else [],
        "activities": list(dual.invitable_activities(org)) if this_year else [],
        "export_url": reverse("cobuilding_dual:community-export", args=[org.pk])
        + "?"
        + urlencode({"year": year}),
    }
    return render(request, "cobuilding/dual/community.html", context, status=400 if error else 200)


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    org = _organisation(request, pk)
    everyone = request.POST.get("who") == "all"
    try:
        member_ids = None if everyone else [int(v) for v in request.POST.getlist("member")]
    except ValueError:
        member_ids = [-1]  # junk: refused as an unknown member, with no hint
    try:
        result = dual.invite_not_served(
            actor=request.user, community=org, activity_id=request.POST.get("activity"), member_ids=member_ids
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Invited %(invited)s; told before: %(already)s; without a login: %(no_login)s.")
            % {"invited": result.invited, "already": result.already, "no_login": result.no_login},
        )
    return redirect(reverse("cobuilding_dual:community", args=[org.pk]) + "?filter=not-served")


@login_required
def community_export(request: HttpRequest, pk: int) -> HttpResponse:
    org = _organisation(request, pk)
    year, _error = _year(request)
    rows = queries.community_report_ins(org, year)
    return xlsx_response(dual.community_workbook(org, year, rows), f"双报到-{org.name}-{year}.xlsx")


@login_required
def home(request: HttpRequest, pk: int) -> HttpResponse:
    org = _organisation(request, pk)
    year, error = _year(request)
    rows = queries.home_branch_report_ins(org, year)
    context = {
        "org": org,
        "year": year,
        "error": error,
        "rows": rows,
        "total": sum(row.hours for row in rows),
        "served_count": sum(1 for row in rows if row.served),
        "export_url": reverse("cobuilding_dual:home-export", args=[org.pk]) + "?" + urlencode({"year": year}),
    }
    return render(request, "cobuilding/dual/home.html", context, status=400 if error else 200)


@login_required
def home_export(request: HttpRequest, pk: int) -> HttpResponse:
    org = _organisation(request, pk)
    year, _error = _year(request)
    rows = queries.home_branch_report_ins(org, year)
    return xlsx_response(dual.home_workbook(org, year, rows), f"双报到-{org.name}-在外服务-{year}.xlsx")
