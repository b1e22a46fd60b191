"""Pages of the organisation chart: a node's members, a member's record, the user's own record,
and the members roster's import, help, template, job and export pages.

The tree and each node's statistics are the Wagtail OrgChartPage (portal.models). Every view here
needs a login; who may see what is orgchart.access's decision, never restated here. Thin: parse
the request, call orgchart.roster or a query, render. URL patterns are in orgchart/urls.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.spreadsheets import XLSX_TYPE, xlsx_response

from . import access, own_links, queries, roster
from .forms import RosterUploadForm
from .models import ImportJob, Member, Organisation, Tenure, current_tenure_q

MEMBERS_PER_PAGE = 30


@login_required
def org_members(request: HttpRequest, org_pk: int) -> HttpResponse:
    """The active members of a node's subtree, paginated; only for those who manage the node."""
    org = get_object_or_404(Organisation, pk=org_pk)
    if not access.can_view_members_of(request.user, org):
        raise PermissionDenied(_("You may only see the members of organisations you manage."))
    members = (
        Member.objects.active()
        .in_subtree(org)
        .select_related("organisation")
        .order_by("organisation__path", "name", "pk")
    )
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    # Cross-holding (兼职): holders of this organisation's posts who come from a unit.
    part_time = (
        Tenure.objects.filter(current_tenure_q(), part_time=True, post__organisation=org)
        .select_related("member", "post", "from_organisation")
        .order_by("post__title", "pk")
    )
    return render(
        request,
        "orgchart/org_members.html",
        {"org": org, "page_obj": page, "members": page.object_list, "part_time": list(part_time)},
    )


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One member's record: posts held and transfers. Hidden (404) from those who may not see it."""
    member = get_object_or_404(Member.objects.select_related("organisation"), pk=pk)
    if not access.can_view_member(request.user, member):
        # 404, not 403: do not confirm to a stranger that the record exists.
        raise Http404(_("No such member."))
    personal = access.personal_data(request.user, member)
    tenures = member.tenures.select_related("post__organisation", "from_organisation").order_by("-started_on")
    transfers = member.transfers.select_related("from_organisation", "to_organisation")
    return render(
        request,
        "orgchart/member_detail.html",
        {
            "member": member,
            "show_personal": personal.full,
            "id_number": personal.id_number,
            "mobile": personal.mobile,
            "age": member.age_on(),
            "tenures": list(tenures),
            "transfers": list(transfers),
            "can_view_branch_members": access.can_view_members_of(request.user, member.organisation),
            "own_links": own_links.links_for(member) if member.user_id == request.user.pk else [],
        },
    )


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """Send the user to their own record, or explain that their account has none."""
    member = queries.my_record(request.user)
    if member is not None:
        return redirect("orgchart:member_detail", pk=member.pk)
    return render(request, "orgchart/no_record.html")


# Members roster ---------------------------------------------------------------------------------


def _require_manager(request: HttpRequest) -> None:
    if not access.is_manager(request.user):
        raise PermissionDenied(_("Only secretaries and organisation staff may import or export members."))


def _visible_job(request: HttpRequest, pk: int) -> ImportJob:
    """A job the access rule lets the user see (orgchart.access.can_view_import_job); else 404."""
    _require_manager(request)
    job = get_object_or_404(ImportJob, pk=pk)
    if not access.can_view_import_job(request.user, job):
        raise Http404(_("No such import."))
    return job


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request: HttpRequest) -> HttpResponse:
    """The upload form; a good file is imported (or queued) and the user sent to its job page."""
    _require_manager(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = roster.start_import(form.cleaned_data["file"], actor=request.user)
        except roster.RosterFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("orgchart:roster_job", pk=job.pk)
    recent = ImportJob.objects.filter(created_by=request.user).order_by("-created_at")[:10]
    return render(
        request,
        "orgchart/roster/import.html",
        {
            "form": form,
            "recent_jobs": recent,
            "targets": roster.target_organisations(request.user),
            "inline_max_rows": settings.IMPORT_INLINE_MAX_ROWS,
            "max_rows": roster.MAX_ROWS,
        },
    )


@login_required
@require_GET
def roster_help(request: HttpRequest) -> HttpResponse:
    """Every column of the template, its rule and an example (the same table as the docs)."""
    _require_manager(request)
    return render(
        request, "orgchart/roster/help.html", {"columns": roster.COLUMNS, "rules": roster.GENERAL_RULES}
    )


@login_required
@require_GET
@never_cache
def roster_job(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's progress, its outcome and, when it failed, every bad row."""
    job = _visible_job(request, pk)
    return render(request, "orgchart/roster/job.html", {"job": job, "errors": job.errors or []})


@login_required
@require_GET
@never_cache
def roster_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """A small JSON status the job page polls every two seconds."""
    job = _visible_job(request, pk)
    return JsonResponse(
        {
            "id": job.pk,
            "status": job.status,
            "status_display": job.get_status_display(),
            "total_rows": job.total_rows,
            "processed_rows": job.processed_rows,
            "imported_count": job.imported_count,
            "progress_percent": job.progress_percent,
            "is_finished": job.is_finished,
            "error_count": len(job.errors or []),
        }
    )


@login_required
@require_GET
def roster_template(request: HttpRequest) -> HttpResponse:
    """The blank roster, with a help sheet and the codes of the branches the user manages."""
    _require_manager(request)
    return xlsx_response(roster.build_template(request.user), "党员名册导入模板.xlsx")


@login_required
@require_GET
def roster_export(request: HttpRequest, org_pk: int) -> HttpResponse:
    """The active members of an organisation's subtree, in the template's format."""
    org = get_object_or_404(Organisation, pk=org_pk)
    if not access.can_manage(request.user, org):
        raise PermissionDenied(_("You do not manage this organisation."))
    content = roster.export_subtree(org, actor=request.user)
    return xlsx_response(content, f"党员名册-{org.name}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_GET
@never_cache
def roster_job_file(request: HttpRequest, pk: int) -> FileResponse:
    """The stored upload of a job still waiting or running, for those who may see the job.

    The only way an uploaded roster leaves the server: the imports folder is never served as
    media (portal/urls.py), in any setting, since the file holds identity numbers.
    """
    job = _visible_job(request, pk)
    if not job.file:
        raise Http404(_("No such import."))
    try:
        fileobj = job.file.open("rb")
    except (OSError, ValueError):
        raise Http404(_("No such import.")) from None
    response = FileResponse(
        fileobj, as_attachment=True, filename=job.original_name or "roster.xlsx", content_type=XLSX_TYPE
    )
    response["Cache-Control"] = "private, no-store"
    return response
