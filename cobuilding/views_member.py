"""The member's own report-in page (/cobuilding/me/report-in/): an employed member reports in to
the community where they live, sees their open report-in with the hours served there this year,
and ends it when they move.

Writes go through cobuilding.services (report_in / end_report_in, actor = the member): their
refusals, and bad input (no community, a community outside the member's street, a date in the
future, skills too long), answer 400 with the reason and write nothing. Members of another
category are managed where they live already (属地管理): the page explains that. No script.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.text import is_ascii_digits, normalise
from orgchart import queries as org_queries
from orgchart.models import COMMUNITY_KINDS, Member, MemberCategory, Organisation

from . import queries, services
from .models import ReportIn

TEMPLATE = "cobuilding/member_report_in.html"
SKILLS_MAX = ReportIn._meta.get_field("skills").max_length


def street_communities(member: Member) -> QuerySet[Organisation]:
    """The open communities (directly under the street) of the member's street."""
    street_path = member.organisation.path[: Organisation.steplen]
    return (
        Organisation.objects.open()
        .filter(kind__in=COMMUNITY_KINDS, depth=2, path__startswith=street_path)
        .order_by("path")
    )


def _not_future(day: dt.date) -> dt.date:
    if day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return day


class ReportInForm(forms.Form):
    community = forms.CharField(label=gettext_lazy("Community where you live"), required=False)
    skills = forms.CharField(
        label=gettext_lazy("Skills you offer"),
        required=False,
        max_length=SKILLS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reported_on = forms.DateField(label=gettext_lazy("Date"), required=False)

    def __init__(self, data=None, *, communities: list[Organisation]):
        super().__init__(data, label_suffix="", initial={"reported_on": timezone.localdate()})
        self.communities = communities

    def clean_community(self) -> Organisation:
        value = normalise(self.cleaned_data.get("community") or "")
        if not value:
            raise forms.ValidationError(_("Choose the community where you live."))
        wanted = int(value) if is_ascii_digits(value) and len(value) <= 9 else None
        for org in self.communities:
            if org.pk == wanted:
                return org
        raise forms.ValidationError(_("Choose a community of your street."))

    def clean_skills(self) -> str:
        return normalise(self.cleaned_data.get("skills") or "")

    def clean_reported_on(self) -> dt.date:
        return _not_future(self.cleaned_data.get("reported_on") or timezone.localdate())


class EndForm(forms.Form):
    ended_on = forms.DateField(label=gettext_lazy("Date you moved"), required=False)
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, I no longer live in this community"),
        required=True,
        error_messages={"required": gettext_lazy("Tick the box to confirm that you moved.")},
    )

    def __init__(self, data=None):
        super().__init__(data, label_suffix="", initial={"ended_on": timezone.localdate()})

    def clean_ended_on(self) -> dt.date:
        return _not_future(self.cleaned_data.get("ended_on") or timezone.localdate())


def _current(member: Member) -> ReportIn | None:
    return (
        ReportIn.objects.current()
        .filter(member=member)
        .select_related("member", "community")
        .order_by("-reported_on", "-pk")
        .first()
    )


def _service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal on the form: by field where the service names one it has."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def _page(request, member, *, report_form=None, end_form=None, message="", status=200) -> HttpResponse:
    context: dict = {"member": member, "message": message}
    if member is not None and member.category == MemberCategory.EMPLOYED:
        current = _current(member)
        context["current"] = current
        if current is not None:
            today = timezone.localdate()
            served = queries.with_hours([current], dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
            context["hours"] = served[0].hours
            context["end_form"] = end_form or EndForm()
        else:
            communities = list(street_communities(member))
            context["communities"] = communities
            context["form"] = report_form or ReportInForm(communities=communities)
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report_in(request: HttpRequest) -> HttpResponse:
    member = org_queries.my_record(request.user)
    if request.method == "GET" or member is None or member.category != MemberCategory.EMPLOYED:
        return _page(request, member, status=200 if request.method == "GET" else 400)
    if request.POST.get("action") == "end":
        return _end(request, member)
    communities = list(street_communities(member))
    form = ReportInForm(request.POST, communities=communities)
    if form.is_valid():
        try:
            services.report_in(
                actor=request.user,
                member=member,
                community=form.cleaned_data["community"],
                reported_on=form.cleaned_data["reported_on"],
                skills=form.cleaned_data["skills"],
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            return redirect("cobuilding_member:report_in")
    return _page(request, member, report_form=form, status=400)


def _end(request: HttpRequest, member: Member) -> HttpResponse:
    current = _current(member)
    if current is None:
        # Nothing to end (ended meanwhile, or never reported in): the report-in form with the reason.
        return _page(request, member, message=_("You have no open report-in to end."), status=400)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.end_report_in(current, actor=request.user, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            return redirect("cobuilding_member:report_in")
    return _page(request, member, end_form=form, status=400)


def own_record_links(member: Member) -> list[tuple[str, str]]:
    """For orgchart.own_links: an employed member's record page links to this page."""
    if member.category != MemberCategory.EMPLOYED:
        return []
    return [(_("My report-in"), reverse("cobuilding_member:report_in"))]
