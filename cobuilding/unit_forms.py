"""Forms of the unit's own page (views_unit): offer or change a resource, answer a need.

Choices are what the user may pick (their units, the communities those co-build with, their
unit's resources fitting the need); the services check everything again and refuse in Chinese.
Length limits are the services' (one rule), so a form carries none of its own.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from orgchart.models import Organisation

from .models import Resource, ResourceKind
from .unit_access import unit_value

QUANTITY_MAX = 1_000_000_000


class UnitChoiceMixin:
    """A `unit` field among `units` (hidden when there is one)."""

    def _set_units(self, units: list) -> None:
        self.units = {unit_value(u): u for u in units}
        field = self.fields["unit"]
        field.choices = [(key, unit.name) for key, unit in self.units.items()]
        if len(units) == 1:  # the only unit: no choice to make (a value sent must still be it)
            field.initial = next(iter(self.units))
            field.required = False
            field.widget = forms.HiddenInput()

    def clean_unit(self):
        value = self.cleaned_data["unit"] or (next(iter(self.units)) if len(self.units) == 1 else "")
        return self.units[value]


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[("", gettext_lazy("— choose —")), *ResourceKind.choices],
        required=False,
    )
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1, max_value=QUANTITY_MAX)
    available_from = forms.DateField(
        label=gettext_lazy("Available from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    available_until = forms.DateField(
        label=gettext_lazy("Available until (empty: open-ended)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def resource_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ResourceForm.base_fields}


class OfferForm(UnitChoiceMixin, ResourceForm):
    unit = forms.ChoiceField(label=gettext_lazy("Unit"))
    community = forms.TypedChoiceField(label=gettext_lazy("On the list of"), coerce=int)

    field_order = ["unit", "community", "kind", "quantity", "available_from", "available_until"]

    def __init__(self, *args, units: list, communities: list[Organisation], **kwargs):
        kwargs.setdefault("initial", {"quantity": 1, "available_from": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._set_units(units)
        self.communities = {org.pk: org for org in communities}
        self.fields["community"].choices = [(org.pk, org.name) for org in communities]

    def clean_community(self) -> Organisation:
        return self.communities[self.cleaned_data["community"]]


def resource_label(resource: Resource) -> str:
    until = f"{resource.available_until:%Y-%m-%d}" if resource.available_until else ""
    text = f"{resource.get_kind_display()} ×{resource.quantity} · {resource.available_from:%Y-%m-%d}–{until}"
    return f"{text} · {resource.description[:40]}" if resource.description else text


class AnswerForm(UnitChoiceMixin, forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("Unit"))
    resources = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Which of our resources"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the community"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, units: list, resources: list[Resource], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._set_units(units)
        self.fields["resources"].choices = [(r.pk, resource_label(r)) for r in resources]
