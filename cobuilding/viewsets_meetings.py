"""Joint meetings (共建联席会议) in the Wagtail admin, in the co-building menu group.

- Meetings: list (date, community, units, decisions open and overdue), add (a new joint-meeting
  activity with the units taking part and the minutes, through cobuilding.meetings), inspect with
  the units' attendance and the decisions inline (overdue marked), and the actions "Record the
  minutes", "Unit attendance" and "Add a decision".
- Decisions: list of all decisions in scope (status and overdue filters, overdue marked) with the
  action "Mark done".
Scoped by the permission policies on the meeting's community (another community's rows and
forged ids answer 404); every write is a service call whose refusal is shown on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

from core.admin.columns import DayColumn
from core.admin.filters import AdminFilterSet, choice_filter
from core.admin.forms import BoundedModelMultipleChoiceField, ServiceErrorsMixin
from core.admin.policies import AccessRulePolicy
from core.admin.views import ObjectFormView, ScopedInspectView, ServiceSaveMixin
from core.admin.viewsets import ScopedModelViewSet

from . import access, meetings, meetings_access, meetings_invites
from .models import Agreement, AgreementStatus, Decision, DecisionStatus, JointMeeting, MeetingUnit
from .viewsets_followup import DecisionEditView, DecisionForm, DecisionInspectView, InviteView, ReopenView

POLICIES = {
    JointMeeting: AccessRulePolicy(JointMeeting, org_field="community", actions={"add", "view", "change"}),
    Decision: AccessRulePolicy(Decision, org_field="meeting__community", actions={"view", "change"}),
}


def overdue_mark(decision: Decision) -> str:
    return _("Overdue") if decision.overdue else ""


# Meetings ----------------------------------------------------------------------------------------


class MeetingIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet[JointMeeting]:
        today = timezone.localdate()
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("activity", "community")
            .annotate(
                unit_count=Count("units", distinct=True),
                open_count=Count("decisions", filter=Q(decisions__status=DecisionStatus.OPEN), distinct=True),
                overdue_count=Count(
                    "decisions",
                    filter=Q(decisions__status=DecisionStatus.OPEN, decisions__due_on__lt=today),
                    distinct=True,
                ),
            )
            .order_by("-activity__starts_at", "-pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("__str__"),
            Column("starts_at", label=gettext_lazy("Held at"), accessor="activity.starts_at"),
            Column("community", label=gettext_lazy("Community"), accessor="community.name"),
            Column("unit_count", label=gettext_lazy("Units")),
            Column("open_count", label=gettext_lazy("Decisions open")),
            Column("overdue_count", label=gettext_lazy("Overdue")),
        ]


class MeetingForm(ServiceErrorsMixin, WagtailAdminModelForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    starts_at = forms.DateTimeField(label=gettext_lazy("Starts at"), widget=AdminDateTimeInput)
    ends_at = forms.DateTimeField(label=gettext_lazy("Ends at"), widget=AdminDateTimeInput)
    agreements = BoundedModelMultipleChoiceField(
        label=gettext_lazy("Units taking part"),
        queryset=Agreement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invite = forms.BooleanField(
        label=gettext_lazy("Invite the units now"),
        required=False,
        help_text=gettext_lazy(
            "Their contacts and post-holders are told the date, place and agenda "
            "in the inbox (and by e-mail)."
        ),
    )

    class Meta:
        model = JointMeeting
        fields = ["community", "agenda", "minutes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["community"].queryset = access.choosable_communities(user)
        self.fields["agreements"].queryset = (
            access.manageable_agreements(user)
            .filter(status=AgreementStatus.ACTIVE)
            .select_related("community", "unit_org", "outside_unit")
        )
        self.order_fields(
            [
                "community",
                "title",
                "place",
                "starts_at",
                "ends_at",
                "agreements",
                "agenda",
                "invite",
                "minutes",
            ]
        )


class MeetingCreateView(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def get_success_buttons(self) -> list:
        return []

    def get_success_url(self) -> str:
        return reverse("cobuilding_meeting:inspect", args=(quote(self.saved_instance.pk),))

    @transaction.atomic
    def call_service(self, form) -> JointMeeting:
        data = form.cleaned_data
        meeting = meetings.create_joint_meeting(
            actor=self.request.user,
            community=data["community"],
            agreements=data["agreements"],
            minutes=data["minutes"],
            agenda=data["agenda"],
            title=data["title"],
            place=data["place"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
        )
        if data["invite"]:  # a refusal rolls the meeting back too: nothing written
            meetings_invites.invite_units(meeting, actor=self.request.user)
        return meeting


class MeetingInspectView(ScopedInspectView):
    template_name = "cobuilding/admin/meeting_inspect.html"
    minutes_url_name: str | None = None
    attendance_url_name: str | None = None
    decide_url_name: str | None = None
    invite_url_name: str | None = None

    def get_fields_context(self):
        meeting = self.object
        return [
            {"label": _("Community"), "value": meeting.community.name, "component": None},
            {"label": _("Held at"), "value": meeting.activity.starts_at, "component": None},
            {"label": _("Place"), "value": meeting.activity.place, "component": None},
            {"label": _("Agenda"), "value": meeting.agenda or "—", "component": None},
        ]

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        meeting = self.object
        pk = (quote(meeting.pk),)
        today = timezone.localdate()
        decisions = list(
            meeting.decisions.select_related("owner_user", "owner_unit_org", "owner_outside_unit")
        )
        can_manage = meetings_access.can_manage_meeting(self.request.user, meeting)
        context.update(
            units=meeting.units.select_related("agreement__unit_org", "agreement__outside_unit"),
            decisions=[
                {
                    "decision": d,
                    "overdue": d.is_overdue(today),
                    "done_url": reverse("cobuilding_decision:done", args=(quote(d.pk),))
                    if d.status == DecisionStatus.OPEN
                    else "",
                    "change_url": reverse("cobuilding_decision:change", args=(quote(d.pk),))
                    if d.status == DecisionStatus.OPEN
                    else "",
                    "reopen_url": reverse("cobuilding_decision:reopen", args=(quote(d.pk),))
                    if d.status == DecisionStatus.DONE
                    else "",
                    "inspect_url": reverse("cobuilding_decision:inspect", args=(quote(d.pk),)),
                }
                for d in decisions
            ],
            can_manage=can_manage,
            minutes_url=reverse(self.minutes_url_name, args=pk),
            attendance_url=reverse(self.attendance_url_name, args=pk),
            decide_url=reverse(self.decide_url_name, args=pk),
            invite_url=reverse(self.invite_url_name, args=pk)
            if meeting.activity.starts_at > timezone.now()
            else "",
        )
        return context


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=gettext_lazy("Minutes"), widget=forms.Textarea, required=False)


class MinutesView(ObjectFormView):
    form_class = MinutesForm
    page_title = gettext_lazy("Record the minutes")
    submit_button_label = gettext_lazy("Save the minutes")
    header_icon = "doc-full"
    log_action = "cobuilding.minutes"

    def get_initial(self):
        return {"minutes": self.object.minutes}

    def perform(self, form) -> str:
        meetings.record_minutes(self.object, actor=self.request.user, minutes=form.cleaned_data["minutes"])
        return _("The minutes are saved.")


class AttendanceForm(forms.Form):
    def __init__(self, *args, units: list[MeetingUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        for unit in units:
            self.fields[f"present_{unit.pk}"] = forms.BooleanField(
                label=_("%(unit)s: present") % {"unit": unit.agreement.unit},
                required=False,
                initial=unit.present,
            )
            self.fields[f"representative_{unit.pk}"] = forms.CharField(
                label=_("%(unit)s: representative") % {"unit": unit.agreement.unit},
                required=False,
                max_length=50,
                initial=unit.representative,
            )


class AttendanceView(ObjectFormView):
    form_class = AttendanceForm
    page_title = gettext_lazy("Unit attendance")
    submit_button_label = gettext_lazy("Save")
    header_icon = "group"
    log_action = "cobuilding.attendance"

    def get_form_kwargs(self):
        units = list(self.object.units.select_related("agreement__unit_org", "agreement__outside_unit"))
        return {**super().get_form_kwargs(), "units": units}

    def perform(self, form) -> str:
        for unit in form.units:
            meetings.record_attendance(
                self.object,
                actor=self.request.user,
                agreement=unit.agreement,
                present=form.cleaned_data[f"present_{unit.pk}"],
                representative=form.cleaned_data[f"representative_{unit.pk}"],
            )
        return _("The attendance is saved.")


class DecideView(ObjectFormView):
    form_class = DecisionForm
    page_title = gettext_lazy("Add a decision")
    submit_button_label = gettext_lazy("Add the decision")
    header_icon = "tasks"
    log_action = "cobuilding.decision"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.object}

    def perform(self, form) -> str:
        data = form.cleaned_data
        unit = data["owner_unit"]
        meetings.add_decision(
            self.object,
            actor=self.request.user,
            text=data["text"],
            due_on=data["due_on"],
            owner_user=data["owner_user"],
            owner_unit_org=unit.agreement.unit_org if unit else None,
            owner_outside_unit=unit.agreement.outside_unit if unit else None,
        )
        return _("The decision is added.")


class MeetingViewSet(ScopedModelViewSet):
    model = JointMeeting
    name = "cobuilding_meeting"
    url_prefix = "cobuilding/meetings"
    icon = "date"
    menu_label = gettext_lazy("Joint meetings")
    menu_order = 650
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = MeetingIndexView
    add_view_class = MeetingCreateView
    inspect_view_class = MeetingInspectView
    extra_views = {
        "minutes": (MinutesView, "minutes"),
        "attendance": (AttendanceView, "attendance"),
        "decide": (DecideView, "decide"),
        "invite": (InviteView, "invite"),
    }

    def get_form_class(self, for_update=False):
        return MeetingForm

    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), "edit_url_name": None, "delete_url_name": None}

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in {"edit", "delete", "history"}]


# Decisions ---------------------------------------------------------------------------------------


class DecisionFilterSet(AdminFilterSet):
    status = choice_filter(gettext_lazy("Status"), DecisionStatus.choices)
    overdue = choice_filter(
        gettext_lazy("Overdue"), [("yes", gettext_lazy("Overdue only"))], method="filter_overdue"
    )

    class Meta:
        model = Decision
        fields = ["status"]

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value == "yes" else queryset


class DecisionIndexView(generic.IndexView):
    filterset_class = DecisionFilterSet
    done_url_name: str | None = None
    change_url_name: str | None = None
    reopen_url_name: str | None = None

    def get_base_queryset(self) -> QuerySet[Decision]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related(
                "meeting__activity",
                "meeting__community",
                "owner_user",
                "owner_unit_org",
                "owner_outside_unit",
            )
            .order_by("status", "due_on", "pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("__str__"),
            Column("meeting", label=gettext_lazy("Joint meeting"), accessor="meeting.activity.title"),
            Column("owner", label=gettext_lazy("Owner"), accessor="owner_label"),
            DayColumn("due_on", label=gettext_lazy("Due on")),
            Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
            DayColumn("done_on", label=gettext_lazy("Done on")),
            Column("overdue", label=gettext_lazy("Overdue"), accessor=overdue_mark),
        ]

    def get_list_more_buttons(self, instance) -> list:
        buttons = super().get_list_more_buttons(instance)
        if instance.status == DecisionStatus.OPEN:
            url = reverse(self.done_url_name, args=(quote(instance.pk),))
            buttons.append(MenuItem(_("Mark done"), url, icon_name="check", priority=15))
            url = reverse(self.change_url_name, args=(quote(instance.pk),))
            buttons.append(MenuItem(_("Change"), url, icon_name="edit", priority=16))
        else:
            url = reverse(self.reopen_url_name, args=(quote(instance.pk),))
            buttons.append(MenuItem(_("Reopen"), url, icon_name="undo", priority=16))
        return buttons


class DoneForm(forms.Form):
    done_on = forms.DateField(
        label=gettext_lazy("Done on"),
        required=False,
        widget=AdminDateInput,
        help_text=gettext_lazy("Today if left empty."),
    )
    note = forms.CharField(label=gettext_lazy("What was done"), widget=forms.Textarea, required=False)


class DoneView(ObjectFormView):
    form_class = DoneForm
    page_title = gettext_lazy("Mark the decision done")
    submit_button_label = gettext_lazy("Mark done")
    header_icon = "check"
    log_action = "cobuilding.decision_done"

    def perform(self, form) -> str:
        meetings.complete_decision(
            self.object,
            actor=self.request.user,
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
        )
        return _("The decision is done.")


class DecisionViewSet(ScopedModelViewSet):
    """Decisions are added on their meeting's page; here they are followed to done."""

    model = Decision
    name = "cobuilding_decision"
    url_prefix = "cobuilding/decisions"
    icon = "tasks"
    menu_label = gettext_lazy("Meeting decisions")
    menu_order = 660
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = DecisionIndexView
    inspect_view_class = DecisionInspectView
    form_fields = ["text"]
    inspect_view_fields = ["meeting", "text", "due_on", "status", "done_on", "done_note"]
    extra_views = {
        "done": (DoneView, "done"),
        "change": (DecisionEditView, "change"),
        "reopen": (ReopenView, "reopen"),
    }

    def get_common_view_kwargs(self, **kwargs):
        return {
            **super().get_common_view_kwargs(**kwargs),
            "add_url_name": None,
            "edit_url_name": None,
            "delete_url_name": None,
        }

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in {"add", "edit", "delete", "history"}]
