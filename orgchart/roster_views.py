"""Members roster import and export pages.

Thin: parse the request, call orgchart.roster, render. Only managers (orgchart.access) may
import or export; anonymous users are sent to the login page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import access, roster
from .forms import RosterUploadForm
from .models import ImportJob, Organisation

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_manager(request: HttpRequest) -> None:
    if not access.is_manager(request.user):
        raise PermissionDenied(_("Only secretaries and organisation staff may import or export members."))


def _own_job(request: HttpRequest, pk: int) -> ImportJob:
    """A job the user uploaded (a superuser sees all); 404 for others' jobs."""
    _require_manager(request)
    job = get_object_or_404(ImportJob, pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404(_("No such import."))
    return job


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    # RFC 5987 filename* for the Chinese name, as FileResponse does.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"  # it holds identity numbers
    return response


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
    job = _own_job(request, pk)
    return render(request, "orgchart/roster/job.html", {"job": job, "errors": job.errors or []})


@login_required
@require_GET
@never_cache
def roster_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """A small JSON status the job page polls every two seconds."""
    job = _own_job(request, pk)
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
    return _xlsx_response(roster.build_template(request.user), "党员名册导入模板.xlsx")


@login_required
@require_GET
def roster_export(request: HttpRequest, org_pk: int) -> HttpResponse:
    """The active members of an organisation's subtree, in the template's format."""
    org = get_object_or_404(Organisation, pk=org_pk)
    if not access.can_manage(request.user, org):
        raise PermissionDenied(_("You do not manage this organisation."))
    content = roster.export_subtree(org, actor=request.user)
    return _xlsx_response(content, f"党员名册-{org.name}-{timezone.localdate():%Y%m%d}.xlsx")


urlpatterns = [
    path("roster/import/", roster_import, name="roster_import"),
    path("roster/help/", roster_help, name="roster_help"),
    path("roster/template.xlsx", roster_template, name="roster_template"),
    path("roster/jobs/<int:pk>/", roster_job, name="roster_job"),
    path("roster/jobs/<int:pk>/status/", roster_job_status, name="roster_job_status"),
    path("<int:org_pk>/export.xlsx", roster_export, name="roster_export"),
]
