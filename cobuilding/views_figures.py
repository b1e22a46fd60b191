"""The street's co-building figures (/cobuilding/figures/) and their Excel export.

For post-holders of a street or a community (cobuilding.access.choosable_communities: the
streets and communities they manage); anyone else gets 403, the anonymous the sign-in page. The
organisation is picked among those; another id, junk or one of another street is a message on
the page with status 400 — it reads like an unknown id, so nothing leaks.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import xlsx_response
from core.text import is_ascii_digits, normalise
from orgchart.models import Organisation

from . import access
from .figures import figures_charts, figures_page, figures_workbook

TEMPLATE = "cobuilding/figures.html"


class FiguresForm(forms.Form):
    org = forms.CharField(label=gettext_lazy("Organisation"), required=False)

    def __init__(self, data, *, organisations: list[Organisation]):
        super().__init__({"org": normalise(data.get("org", ""))}, label_suffix="")
        self.organisations = organisations

    def clean_org(self) -> Organisation:
        value = self.cleaned_data.get("org") or ""
        if not value:
            if not self.organisations:
                raise forms.ValidationError(_("You manage no street or community."))
            return self.organisations[0]
        wanted = int(value) if is_ascii_digits(value) and len(value) <= 9 else None
        for org in self.organisations:
            if org.pk == wanted:
                return org
        raise forms.ValidationError(_("Choose a street or community you manage."))


def _picker(organisations: list[Organisation]) -> list[tuple[Organisation, str]]:
    top = min((org.depth for org in organisations), default=1)
    # An ideographic space: HTML keeps it where it strips ASCII spaces at the start of an option.
    return [(org, "\u3000" * (org.depth - top) + org.name) for org in organisations]


def _form(request: HttpRequest) -> tuple[FiguresForm, list[Organisation]]:
    organisations = list(access.choosable_communities(request.user).order_by("path"))
    if not organisations:
        raise PermissionDenied(
            _("Only post-holders of the street or a community see the co-building figures.")
        )
    return FiguresForm(request.GET, organisations=organisations), organisations


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    form, organisations = _form(request)
    picker = _picker(organisations)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form, "picker": picker}, status=400)
    root = form.cleaned_data["org"]
    page = figures_page(root, timezone.localdate())
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "page": page,
            "charts": figures_charts(page),
            "picker": picker,
            "export_url": f"{reverse('cobuilding:figures_export')}?{urlencode({'org': root.pk})}",
        },
    )


@login_required
def figures_export(request: HttpRequest) -> HttpResponse:
    form, organisations = _form(request)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form, "picker": _picker(organisations)}, status=400)
    page = figures_page(form.cleaned_data["org"], timezone.localdate())
    filename = f"{_('Co-building figures')}-{page.root.name}-{page.today:%Y%m%d}.xlsx"
    return xlsx_response(figures_workbook(page), filename)
