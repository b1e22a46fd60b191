"""Forms of the residents' pages: they parse; residents.services checks and writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgchart.models import Gender

from .models import Category, Housing

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HousingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Housing) -> str:
        return f"{obj.community.name} · {obj.address}"


class RegistrationForm(forms.Form):
    housing = HousingChoiceField(label=_("Housing"), queryset=Housing.objects.none())
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    origin = forms.CharField(label=_("Place of origin"), max_length=100)
    phone = forms.CharField(
        label=_("Mobile"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    joined_person = forms.CharField(label=_("Person joined (joining family)"), max_length=50, required=False)
    relation = forms.CharField(label=_("Relation (joining family)"), max_length=20, required=False)
    school = forms.CharField(label=_("School (study)"), max_length=100, required=False)
    course = forms.CharField(label=_("Course (study)"), max_length=100, required=False)
    arrived_on = forms.DateField(label=_("Arrived on"), widget=DATE)
    over_beds_reason = forms.CharField(
        label=_("Reason for more tenants than beds (only if so)"), max_length=200, required=False
    )

    def __init__(self, *args, housing_qs, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["housing"].queryset = housing_qs.select_related("community")


class MoveForm(forms.Form):
    housing = HousingChoiceField(label=_("New housing"), queryset=Housing.objects.none())
    moved_on = forms.DateField(label=_("Moved on"), widget=DATE)
    over_beds_reason = forms.CharField(
        label=_("Reason for more tenants than beds (only if so)"), max_length=200, required=False
    )

    def __init__(self, *args, housing_qs, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["housing"].queryset = housing_qs.select_related("community")


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Departure date"), widget=DATE)
    leave_reason = forms.CharField(label=_("Reason for leaving"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class ExportForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for a full (unmasked) export"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for a masked export. A reason is recorded in the audit trail."),
    )
