"""The residents' figures (/residents/figures/) and their Excel export, for officers of a street or
community; the organisation is picked among those they keep (another id reads like an unknown one)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.spreadsheets import xlsx_response
from core.text import is_ascii_digits, normalise

from . import access
from .figures import figures_page, figures_workbook

TEMPLATE = "residents/figures.html"


def _choose(request: HttpRequest):
    organisations = list(access.figure_roots(request.user).order_by("path"))
    if not organisations:
        raise PermissionDenied(_("Only officers of the street or a community see the residents' figures."))
    value = normalise(request.GET.get("org", ""))
    if not value:
        return organisations[0], organisations, None
    wanted = int(value) if is_ascii_digits(value) and len(value) <= 9 else None
    chosen = next((o for o in organisations if o.pk == wanted), None)
    return chosen, organisations, None if chosen else _("Choose a street or community you keep.")


def _picker(organisations):
    top = min((org.depth for org in organisations), default=1)
    return [(org, "\u3000" * (org.depth - top) + org.name) for org in organisations]


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    root, organisations, error = _choose(request)
    if error:
        return render(request, TEMPLATE, {"error": error, "picker": _picker(organisations)}, status=400)
    page = figures_page(root, timezone.localdate())
    return render(
        request,
        TEMPLATE,
        {
            "page": page,
            "picker": _picker(organisations),
            "export_url": f"{reverse('residents:figures_export')}?{urlencode({'org': root.pk})}",
        },
    )


@login_required
def figures_export(request: HttpRequest) -> HttpResponse:
    root, organisations, error = _choose(request)
    if error:
        return render(request, TEMPLATE, {"error": error, "picker": _picker(organisations)}, status=400)
    page = figures_page(root, timezone.localdate())
    return xlsx_response(
        figures_workbook(page), f"{_('Residents figures')}-{root.name}-{page.today:%Y%m%d}.xlsx"
    )
