"""Admin edit pages of co-building rows (cobuilding.editing): an agreement's term and contacts,
a resource, an open need. Small forms on one object (core.admin.views.ObjectFormView): the row is
looked up in the user's scope (another community's row: 404), the service checks again next to
the write, and its refusal is shown on the form with nothing written."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets import AdminDateInput

from core.admin.forms import BoundedModelMultipleChoiceField
from core.admin.views import ObjectFormView

from . import access, editing
from .models import Agreement, Need, ResourceKind


def _date(label, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=AdminDateInput)


def _text(label, max_length: int) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=max_length)


class AgreementEditForm(forms.Form):
    starts_on = _date(gettext_lazy("Term starts"))
    ends_on = _date(gettext_lazy("Term ends"))
    signed_on = _date(gettext_lazy("Signed on"), required=False)
    community_contact = forms.CharField(
        label=gettext_lazy("Community contact"), required=False, max_length=50
    )
    community_contact_phone = forms.CharField(
        label=gettext_lazy("Community contact phone"), required=False, max_length=30
    )
    unit_contact = forms.CharField(label=gettext_lazy("Unit contact"), required=False, max_length=50)
    unit_contact_phone = forms.CharField(
        label=gettext_lazy("Unit contact phone"), required=False, max_length=30
    )
    content = forms.CharField(label=gettext_lazy("Content"), required=False, widget=forms.Textarea)


class ResourceEditForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ResourceKind.choices)
    description = forms.CharField(label=gettext_lazy("Description"), required=False, widget=forms.Textarea)
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1)
    available_from = _date(gettext_lazy("Available from"))
    available_until = _date(gettext_lazy("Available until"), required=False)


class NeedEditForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ResourceKind.choices)
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea)
    wanted_from = _date(gettext_lazy("Wanted from"))
    wanted_until = _date(gettext_lazy("Wanted until"))
    published_to_orgs = BoundedModelMultipleChoiceField(
        label=gettext_lazy("Published to unit organisations"),
        queryset=Agreement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    published_to_outside = BoundedModelMultipleChoiceField(
        label=gettext_lazy("Published to outside units"),
        queryset=Agreement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_to_orgs"].queryset = access.choosable_unit_orgs(user).order_by("path")
        self.fields["published_to_outside"].queryset = access.choosable_outside_units(user).order_by("name")


class EditRowView(ObjectFormView):
    """Edit through a service: the form starts from the row's values."""

    header_icon = "edit"
    submit_button_label = gettext_lazy("Save")
    log_action = "wagtail.edit"
    fields: tuple[str, ...] = ()

    def get_initial(self) -> dict[str, Any]:
        return {name: getattr(self.object, name) for name in self.fields}

    def changes(self, form) -> dict[str, Any]:
        return {name: form.cleaned_data.get(name) for name in self.fields}


class EditAgreementView(EditRowView):
    form_class = AgreementEditForm
    page_title = gettext_lazy("Edit the agreement")
    intro = gettext_lazy(
        "The community and the unit stay as they are; to change them, end this agreement and record a new "
        "one. An ended agreement is not edited."
    )
    fields = editing.AGREEMENT_FIELDS

    def perform(self, form) -> str:
        editing.update_agreement(self.object, actor=self.request.user, **self.changes(form))
        return _("The agreement is saved.")


class EditResourceView(EditRowView):
    form_class = ResourceEditForm
    page_title = gettext_lazy("Edit the resource")
    fields = editing.RESOURCE_FIELDS

    def perform(self, form) -> str:
        editing.update_resource(self.object, actor=self.request.user, **self.changes(form))
        return _("The resource is saved.")


class EditNeedView(EditRowView):
    form_class = NeedEditForm
    page_title = gettext_lazy("Edit the need")
    intro = gettext_lazy("Only an open need is edited.")
    fields = editing.NEED_FIELDS

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        need: Need = self.object
        return {
            **super().get_initial(),
            "published_to_orgs": list(need.published_to_orgs.all()),
            "published_to_outside": list(need.published_to_outside.all()),
        }

    def perform(self, form) -> str:
        published = [*form.cleaned_data["published_to_orgs"], *form.cleaned_data["published_to_outside"]]
        editing.update_need(
            self.object, actor=self.request.user, published_to=published, **self.changes(form)
        )
        return _("The need is saved.")
