"""Admin views following joint meetings up (wired in viewsets_meetings): a decision's edit (text,
owner, due date with a reason) and reopening, its page with its history, and inviting the units
to a meeting. Each is a service call (cobuilding.meetings_followup / meetings_invites) whose
refusal shows on the form, nothing written; scoped as the viewsets (others 404)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets import AdminDateInput

from core.admin.views import ObjectFormView, ScopedInspectView

from . import meetings_access, meetings_followup, meetings_invites
from .models import DecisionStatus, JointMeeting, MeetingUnit


class DecisionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Decision"), widget=forms.Textarea, required=False)
    owner_user = forms.ModelChoiceField(
        label=gettext_lazy("Owner (person)"), queryset=get_user_model().objects.none(), required=False
    )
    owner_unit = forms.ModelChoiceField(
        label=gettext_lazy("Owner (unit taking part)"), queryset=MeetingUnit.objects.none(), required=False
    )
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=AdminDateInput, required=False)
    field_aliases = {"owner": "owner_user"}

    def __init__(self, *args, meeting: JointMeeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = meetings_access.choosable_owner_users(meeting).order_by(
            "username"
        )
        self.fields["owner_unit"].queryset = meeting.units.select_related(
            "agreement__unit_org", "agreement__outside_unit"
        )


class DecisionEditForm(DecisionForm):
    """DecisionForm with a reason for a moved due date; empty fields keep what the decision has."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Required when the due date is moved; kept in the decision's history."),
    )

    def __init__(self, *args, meeting: JointMeeting, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        self.fields["owner_user"].help_text = _("Leave both owner fields empty to keep the owner.")


class DecisionEditView(ObjectFormView):
    form_class = DecisionEditForm
    page_title = gettext_lazy("Change the decision")
    submit_button_label = gettext_lazy("Save the changes")
    header_icon = "edit"
    log_action = "cobuilding.decision_edit"

    def get_initial(self):
        return {"text": self.object.text, "due_on": self.object.due_on}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.object.meeting}

    def perform(self, form) -> str:
        data = form.cleaned_data
        unit = data["owner_unit"]
        meetings_followup.edit_decision(
            self.object,
            actor=self.request.user,
            text=data["text"],
            due_on=data["due_on"],
            reason=data["reason"],
            owner_user=data["owner_user"],
            owner_unit_org=unit.agreement.unit_org if unit else None,
            owner_outside_unit=unit.agreement.outside_unit if unit else None,
        )
        return _("The decision is changed.")


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is reopened"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReopenView(ObjectFormView):
    form_class = ReopenForm
    page_title = gettext_lazy("Reopen the decision")
    submit_button_label = gettext_lazy("Reopen")
    header_icon = "undo"
    log_action = "cobuilding.decision_reopen"

    def perform(self, form) -> str:
        meetings_followup.reopen_decision(
            self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        return _("The decision is open again.")


class DecisionInspectView(ScopedInspectView):
    """A decision with its history (moved due dates, reopenings, edits) and its actions."""

    template_name = "cobuilding/admin/decision_inspect.html"
    done_url_name: str | None = None
    change_url_name: str | None = None
    reopen_url_name: str | None = None

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        decision = self.object
        pk = (quote(decision.pk),)
        is_open = decision.status == DecisionStatus.OPEN
        context.update(
            changes=list(decision.changes.select_related("changed_by")),
            overdue=decision.is_overdue(timezone.localdate()),
            can_manage=meetings_access.can_manage_meeting(self.request.user, decision.meeting),
            done_url=reverse(self.done_url_name, args=pk) if is_open else "",
            change_url=reverse(self.change_url_name, args=pk) if is_open else "",
            reopen_url="" if is_open else reverse(self.reopen_url_name, args=pk),
        )
        return context


class InviteForm(forms.Form):
    agenda = forms.CharField(
        label=gettext_lazy("Agenda"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=gettext_lazy("Sent with the date and place to each unit's contacts and post-holders."),
    )


class InviteView(ObjectFormView):
    form_class = InviteForm
    page_title = gettext_lazy("Invite the units")
    submit_button_label = gettext_lazy("Send the invitations")
    header_icon = "mail"
    log_action = "cobuilding.invite"
    intro = gettext_lazy("Each person hears of a meeting once: sending again tells only those not told yet.")

    def get_initial(self):
        return {"agenda": self.object.agenda}

    def perform(self, form) -> str:
        sent = meetings_invites.invite_units(
            self.object, actor=self.request.user, agenda=form.cleaned_data["agenda"]
        )
        return _(
            "%(invited)d people invited now, %(already)d invited before; "
            "%(nobody)d units have no contact or post-holder with a login."
        ) % {"invited": sent.invited, "already": sent.already, "nobody": sent.units_without_anyone}
