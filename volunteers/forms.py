"""Forms of the volunteer pages: parse only; the rules are in volunteers.services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models import ActivityKind
from core.dates import add_years
from core.text import is_ascii_digits, normalise
from orgchart.models import COMMUNITY_KINDS, Organisation

from .dashboard.figures import MONTH, WEEK


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


class DashboardForm(forms.Form):
    """The dashboard's filters (?org=&start=&end=&by=). Blank fields take the defaults: the top
    organisation the user manages, this year to today, by month. Every refusal is a message on the
    field, never an error page: an organisation outside `organisations` reads like an unknown one."""

    FIRST_DAY = dt.date(2000, 1, 1)
    MAX_YEARS = 5
    MAX_YEARS_BY_WEEK = 1

    org = forms.CharField(label=_("Organisation"), required=False)
    start = forms.DateField(
        label=_("Start date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give dates as YYYY-MM-DD, e.g. 2026-03-01.")},
    )
    end = forms.DateField(
        label=_("End date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give dates as YYYY-MM-DD, e.g. 2026-03-01.")},
    )
    by = forms.ChoiceField(
        label=_("Show by"),
        required=False,
        choices=[(MONTH, _("Month")), (WEEK, _("Week"))],
        error_messages={"invalid_choice": _("Show figures by month or by week.")},
    )

    def __init__(self, data, *, organisations, default_root, today: dt.date):
        fields = ("org", "start", "end", "by")
        super().__init__({name: normalise(data.get(name, "")) for name in fields}, label_suffix="")
        self.organisations = organisations
        self.default_root = default_root
        self.today = today

    def clean_org(self):
        value = self.cleaned_data.get("org") or ""
        if not value:
            if self.default_root is None:
                raise forms.ValidationError(_("You manage no organisation."))
            return self.default_root
        # Ids only, and short enough for any integer column: junk is refused here, not by the database.
        found = (
            self.organisations.filter(pk=int(value)).first()
            if is_ascii_digits(value) and len(value) <= 9
            else None
        )
        if found is None:
            raise forms.ValidationError(_("Choose an organisation you manage."))
        return found

    def clean(self):
        data = super().clean()
        if any(name in self.errors for name in ("start", "end", "by")):
            return data
        start, end = data.get("start"), data.get("end")
        if start is None:
            start = (end or self.today).replace(month=1, day=1)
        if end is None:
            end = self.today if self.today >= start else start.replace(month=12, day=31)
        last_day = dt.date(self.today.year + 1, 12, 31)
        if not (self.FIRST_DAY <= start <= last_day and self.FIRST_DAY <= end <= last_day):
            raise forms.ValidationError(
                _("Dates run from %(first)s to %(last)s.") % {"first": self.FIRST_DAY, "last": last_day}
            )
        if end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        by = data.get("by") or MONTH
        if by == WEEK and end >= add_years(start, self.MAX_YEARS_BY_WEEK):
            raise forms.ValidationError(_("By week, the range can be at most one year."))
        if end >= add_years(start, self.MAX_YEARS):
            raise forms.ValidationError(
                _("The range can be at most %(years)s years.") % {"years": self.MAX_YEARS}
            )
        data.update(start=start, end=end, by=by)
        return data
