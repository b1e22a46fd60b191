"""Recurring series in the Wagtail admin (志愿服务 → 系列活动), scoped by the access rule.

An organiser sees and edits the series of the organisations they manage (AccessRulePolicy on the
organiser); the organiser and team choices offer only those. Creating calls
volunteers.series.create_series (activities.series checks the rule, the occurrences are generated
at once), editing calls update_series (future occurrences change, those on them are told, dates
dropped are cancelled); their refusals are shown on the form. A series is stopped (deactivated)
rather than deleted; only one nobody ever signed up for may be deleted, with its occurrences.

The rule is picked from presets worded by activities.recurrence (每周六, 每月第一个周六, …) or
typed as an RRULE; "Preview dates" shows the next dates the form's rule gives, writing nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, StatusFlagColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets import AdminDateInput, AdminTimeInput
from wagtail.admin.widgets.button import Button

from activities import recurrence
from activities.models import LIVE_STATES, ActivitySeries
from core.admin.columns import MomentColumn
from core.admin.filters import AdminFilterSet, choice_filter
from core.admin.forms import ServiceErrorsMixin, add_service_error
from core.admin.policies import EDIT_ACTIONS, AccessRulePolicy
from core.admin.views import ObjectFormView, ScopedSingleObjectMixin, ServiceDeleteMixin, ServiceSaveMixin
from core.admin.viewsets import ScopedModelViewSet
from orgchart import access as org_access
from orgchart.admin_forms import TreeChoiceField
from orgchart.models import Organisation

from . import access
from . import series as series_services
from .models import Team

# The series' own fields in the form, in the order they are shown; `rule` and `exdates` are
# filled from the preset and the list of dates by the form.
SERIES_FIELDS = [
    "kind",
    "meeting_type",
    "title",
    "description",
    "place",
    "start_time",
    "duration_minutes",
    "capacity",
    "signup_deadline_hours",
    "cancel_cutoff_hours",
    "eligibility",
    "rule",
    "starts_on",
    "until",
    "count",
]
CUSTOM_RULE = "custom"
MAX_EXDATES_TEXT = 4000

POLICIES = {
    ActivitySeries: AccessRulePolicy(
        ActivitySeries, org_field="organiser", actions=EDIT_ACTIONS | {"delete"}
    ),
}


class SeriesForm(ServiceErrorsMixin, WagtailAdminModelForm):
    rule_preset = forms.ChoiceField(label=gettext_lazy("Repeats"), choices=())
    exdates = forms.CharField(
        label=gettext_lazy("Dates left out"),
        required=False,
        max_length=MAX_EXDATES_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026-10-01\n2027-01-01"}),
        help_text=gettext_lazy("One date a line (YYYY-MM-DD): no occurrence on these days, e.g. holidays."),
    )
    teams = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Teams running the series: each occurrence is linked to them."),
    )

    class Meta:
        model = ActivitySeries
        fields = SERIES_FIELDS
        widgets = {
            "start_time": AdminTimeInput,
            "starts_on": AdminDateInput,
            "until": AdminDateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        presets = recurrence.preset_choices()
        self.fields["rule_preset"].choices = [
            *presets,
            (CUSTOM_RULE, _("Other: write an RRULE below")),
        ]
        rule = self.fields["rule"]
        rule.required = False  # the service says what a missing rule should look like
        rule.label = _("RRULE (for experts)")
        rule.help_text = _(
            "Used when Repeats is Other. RFC 5545, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH or "
            "FREQ=MONTHLY;BYDAY=-1FR; the first and last dates and the time are set below."
        )
        self.fields["count"].help_text = _("Or a last date; empty both: no end.")
        self.fields["teams"].queryset = access.manageable_teams(self.for_user).order_by(
            "organisation__path", "name"
        )
        if self.instance.pk:
            current = self.instance.rule
            self.initial["rule_preset"] = current if current in recurrence.PRESETS else CUSTOM_RULE
            self.initial["exdates"] = "\n".join(self.instance.exdates or [])
            self.initial["teams"] = list(self.instance.teams.all())
        else:
            self.initial.setdefault("rule_preset", recurrence.PRESETS[0])
        # The preset picker stands just before the RRULE field.
        order = [name for name in self.fields if name != "rule_preset"]
        order.insert(order.index("rule"), "rule_preset")
        self.order_fields(order)

    def clean_teams(self) -> list[Team]:
        """The teams ticked, and those linked by someone else the user may not unlink (not offered)."""
        teams = list(self.cleaned_data.get("teams") or [])
        if self.instance.pk:
            offered = self.fields["teams"].queryset
            teams += [team for team in self.instance.teams.all() if team not in offered]
        return teams

    def clean_exdates(self) -> list[str]:
        text = self.cleaned_data.get("exdates") or ""
        return [item for item in re.split(r"[\s,，;；]+", text) if item]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        preset = data.get("rule_preset")
        if preset and preset != CUSTOM_RULE:
            data["rule"] = preset
        return data

    def series_values(self) -> dict[str, Any]:
        """The service's keyword arguments from the cleaned form (teams apart)."""
        values = {name: self.cleaned_data.get(name) for name in SERIES_FIELDS}
        values["exdates"] = self.cleaned_data.get("exdates") or []
        values["rule"] = values["rule"] or ""
        return values


class SeriesCreateForm(SeriesForm):
    organiser = TreeChoiceField(label=gettext_lazy("Organiser"), queryset=Organisation.objects.none())

    class Meta(SeriesForm.Meta):
        fields = ["organiser", *SERIES_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = (
            org_access.manageable_organisations(self.for_user).open().order_by("path")
        )


class SeriesEditForm(SeriesForm):
    class Meta(SeriesForm.Meta):
        fields = [*SERIES_FIELDS, "active"]

    def series_values(self) -> dict[str, Any]:
        return {**super().series_values(), "active": self.cleaned_data.get("active", True)}


# Views -----------------------------------------------------------------------------------------


class PreviewMixin:
    """A "Preview dates" submit shows the next dates the form's rule gives and saves nothing;
    without it the edit page previews the saved rule."""

    preview_error = None

    def preview_series(self, form) -> ActivitySeries:
        values = form.series_values()
        values.pop("active", None)
        organiser = form.cleaned_data.get("organiser") or getattr(self.object, "organiser", None)
        return ActivitySeries(organiser=organiser, **values)

    def form_valid(self, form):
        if "preview" not in self.request.POST:
            return super().form_valid(form)
        self.form = form
        try:
            self.preview = recurrence.next_dates(self.preview_series(form))
        except ValidationError as exc:
            add_service_error(form, exc)
            self.preview = None
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["preview"] = getattr(self, "preview", None)
        context["preview_count"] = recurrence.PREVIEW_DATES
        return context


class SeriesFilterSet(AdminFilterSet):
    active = choice_filter(
        gettext_lazy("Status"),
        [("1", gettext_lazy("Generating")), ("0", gettext_lazy("Stopped"))],
        method="filter_active",
    )

    class Meta:
        model = ActivitySeries
        fields = []

    def filter_active(self, queryset, name, value):
        return queryset.filter(active=value == "1") if value else queryset


class SeriesIndexView(generic.IndexView):
    filterset_class = SeriesFilterSet
    search_fields = ["title", "place"]
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[ActivitySeries]:
        future = Q(occurrences__starts_at__gt=timezone.now(), occurrences__state__in=LIVE_STATES)
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "change")
            .select_related("organiser")
            .annotate(
                next_start=Min("occurrences__starts_at", filter=future),
                future_count=Count("occurrences", filter=future),
            )
            .order_by("organiser__path", "title", "pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("title"),
            Column("organiser", label=_("Organiser"), accessor="organiser.name"),
            Column("rule", label=_("Repeats"), accessor=recurrence.describe_series),
            MomentColumn("next_start", label=_("Next occurrence")),
            Column("future_count", label=_("Coming occurrences")),
            StatusFlagColumn(
                "active", label=_("Status"), true_label=_("Generating"), false_label=_("Stopped")
            ),
        ]


class SeriesCreateView(PreviewMixin, ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def call_service(self, form) -> ActivitySeries:
        return series_services.create_series(
            actor=self.request.user,
            organiser=form.cleaned_data["organiser"],
            teams=form.cleaned_data["teams"],
            **form.series_values(),
        )


class SeriesEditView(PreviewMixin, ScopedSingleObjectMixin, ServiceSaveMixin, generic.EditView):
    deactivate_url_name = None

    def call_service(self, form) -> ActivitySeries:
        report = series_services.update_series(
            self.request.user, self.object, teams=form.cleaned_data["teams"], **form.series_values()
        )
        return report.series

    @cached_property
    def deletion_refusal(self) -> str | None:
        return series_services.deletion_refusal(self.object)

    @cached_property
    def can_delete(self) -> bool:
        return self.deletion_refusal is None and super().can_delete

    @cached_property
    def header_more_buttons(self) -> list:
        buttons = list(super().header_more_buttons)
        if self.object.active and self.deactivate_url_name:
            url = reverse(self.deactivate_url_name, args=(quote(self.object.pk),))
            buttons.append(Button(_("Stop the series"), url=url, icon_name="circle-xmark", priority=40))
        return buttons

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # As saved: the form's instance carries what was typed.
        saved = ActivitySeries.objects.get(pk=self.object.pk)
        context["rule_words"] = recurrence.describe_series(saved)
        if context["preview"] is None and "preview" not in self.request.POST:
            try:
                context["preview"] = recurrence.next_dates(saved)
            except ValidationError:  # a rule saved before the checks tightened
                context["preview"] = None
        context["deletion_refusal"] = self.deletion_refusal
        return context


class SeriesDeleteView(ServiceDeleteMixin, ScopedSingleObjectMixin, generic.DeleteView):
    """Deletes only a mistake: a series nobody ever signed up for, with its occurrences."""

    scope_action = "delete"

    def refusal_reason(self) -> str | None:
        return series_services.deletion_refusal(self.object)

    def call_service(self) -> None:
        series_services.delete_series(self.request.user, self.object)


class DeactivateForm(forms.Form):
    cancel_future = forms.BooleanField(
        label=gettext_lazy("Also cancel the occurrences not yet started"),
        required=False,
        help_text=gettext_lazy("Everyone signed up or waiting for them is told. Unticked, they take place."),
    )


class SeriesDeactivateView(ObjectFormView):
    form_class = DeactivateForm
    page_title = gettext_lazy("Stop the series")
    header_icon = "circle-xmark"
    submit_button_label = gettext_lazy("Stop the series")
    intro = gettext_lazy(
        "No new occurrences are generated; the series and its history stay. To start it again, "
        "tick Generating on its edit page."
    )
    log_action = "volunteers.series.deactivate"

    def perform(self, form) -> str:
        report = series_services.deactivate_series(
            self.request.user, self.object, cancel_future=form.cleaned_data["cancel_future"]
        )
        self.object = report.series
        if report.cancelled:
            return _("'%(title)s' stopped; %(n)s occurrences cancelled.") % {
                "title": self.object.title,
                "n": len(report.cancelled),
            }
        return _("'%(title)s' stopped.") % {"title": self.object.title}


class SeriesViewSet(ScopedModelViewSet):
    """Recurring series of the organisations the user manages (志愿服务 → 系列活动)."""

    model = ActivitySeries
    name = "volunteers_series"
    url_prefix = "volunteers/series"
    icon = "rotate"
    menu_order = 150
    list_per_page = 50
    index_view_class = SeriesIndexView
    add_view_class = SeriesCreateView
    edit_view_class = SeriesEditView
    delete_view_class = SeriesDeleteView
    create_template_name = "volunteers/admin/series_form.html"
    edit_template_name = "volunteers/admin/series_form.html"
    add_to_reference_index = False
    inspect_view_enabled = False
    extra_views = {"deactivate": (SeriesDeactivateView, "deactivate")}

    def get_form_class(self, for_update=False):
        return SeriesEditForm if for_update else SeriesCreateForm
