"""Forms of a correction: the registration's own fields (no housing) plus a required reason, or,
for a landlord, the mobile and a reason. They parse; residents.corrections checks and writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import RegistrationForm


class _ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=200,
        help_text=_("For example: a typing error at registration, checked against the ID card."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class CorrectionForm(_ReasonForm, RegistrationForm):
    """An officer's correction: every detail of the registration except where they live."""

    housing = None
    over_beds_reason = None

    field_order = [
        *(f for f in RegistrationForm.base_fields if f not in ("housing", "over_beds_reason")),
        "reason",
    ]

    def __init__(self, *args, **kwargs):
        forms.Form.__init__(self, *args, label_suffix="", **kwargs)  # no housing to choose


class PhoneCorrectionForm(_ReasonForm):
    """A landlord's correction of a current tenant's mobile."""

    phone = RegistrationForm.base_fields["phone"]

    field_order = ["phone", "reason"]
