"""Forms of the volunteer pages: parse only; the rules are in volunteers.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models import ActivityKind
from orgchart.models import COMMUNITY_KINDS, Organisation


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ActivityKind.choices]
    )
    organisation = forms.ModelChoiceField(
        label=_("Organiser"),
        required=False,
        empty_label=_("All organisations"),
        queryset=Organisation.objects.open().filter(depth__lte=2),
    )
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.DateInput(attrs={"type": "month"}), max_length=7
    )

    def clean_month(self) -> tuple[int, int] | None:
        value = self.cleaned_data.get("month") or ""
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
        except ValueError:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from None
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        return year, month


class CheckInForm(forms.Form):
    # Typed on a phone: capitals, no autocorrect or suggestions getting in the way.
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class HoursForm(forms.Form):
    hours = forms.CharField(label=_("Hours"), max_length=10)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CancelActivityForm(forms.Form):
    reason = forms.CharField(label=_("Reason (told to everyone signed up)"), max_length=200, required=False)


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile"), max_length=20)
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Organisation.objects.open().filter(kind__in=COMMUNITY_KINDS, depth=2),
        empty_label=_("Choose your community"),
    )
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)


# A date input takes and shows only ISO dates: in the zh-hans date format (2026/01/01) the
# browser drops the value, and the default period would show as empty fields.
ISO_DATE = "%Y-%m-%d"


class CertificateForm(forms.Form):
    # A context of their own: the bare "From"/"To" are the transfer form's 转出组织/转入组织.
    start = forms.DateField(
        label=pgettext_lazy("certificate period", "From"),
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )
    end = forms.DateField(
        label=pgettext_lazy("certificate period", "To"),
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=30,
        help_text=_("The code printed on the certificate, e.g. 7KQ2M-X9TDP."),
    )
