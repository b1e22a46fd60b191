"""Views of the portal's content outside Wagtail's page serving: recording study, read reports, search."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.admin.forms import add_service_error
from core.search.segment import query_words
from core.spreadsheets import xlsx_response
from orgchart import access

from . import queries, services
from .forms import SearchForm, StudyRecordForm
from .models import NoticePage
from .reports import read_report_workbook


def record_study_from_page(request: HttpRequest, page) -> HttpResponse | StudyRecordForm:
    """POST on a study page: record the reader's study and redirect, or return the bound form
    with its errors for the page to show again."""
    if not request.user.is_authenticated:
        return redirect_to_login(page.url)
    form = StudyRecordForm(request.POST)
    if form.is_valid():
        try:
            services.record_study(page, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your study has been recorded."))
            return redirect(page.url)
    return form


def _notice_for_publisher(request: HttpRequest, pk: int) -> NoticePage:
    """A notice whose read report `request.user` may see: they manage its publishing organisation."""
    notice = get_object_or_404(NoticePage.objects.select_related("organisation"), pk=pk)
    if notice.organisation is None or not access.can_manage(request.user, notice.organisation):
        raise Http404
    return notice


@login_required
@never_cache
def read_report(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_for_publisher(request, pk)
    rows = queries.read_report(notice)
    return TemplateResponse(
        request,
        "portal/read_report.html",
        {"notice": notice, "rows": rows, "not_passed_on": [row for row in rows if row.not_passed_on]},
    )


@login_required
@never_cache
def read_report_export(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_for_publisher(request, pk)
    return xlsx_response(
        read_report_workbook(notice, queries.read_report(notice)), f"阅读情况-{notice.pk}.xlsx"
    )


RESULTS_PER_PAGE = 10


def search(request: HttpRequest) -> HttpResponse:
    """/search/?q=: live pages the visitor may open, best first, the query's words highlighted."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form, "query": query, "page_obj": None, "hits": [], "no_words": False}
    if query and not query_words(query):
        context["no_words"] = True
    elif query:
        results = queries.search_pages(request.user, query)
        page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            page_obj=page_obj,
            hits=queries.search_hits(page_obj.object_list, query),
        )
    return render(request, "portal/search.html", context)
