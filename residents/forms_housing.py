"""Forms of landlords, their logins and rented housing: they parse; residents.services_housing
checks and writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Landlord

PHONE = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
NEW_PASSWORD = forms.PasswordInput(attrs={"autocomplete": "new-password"})


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class LandlordEditForm(_Form):
    name = forms.CharField(label=_("Landlord's name"), max_length=50)
    phone = forms.CharField(label=_("Contact phone"), max_length=20, widget=PHONE)


class LoginForm(_Form):
    username = forms.CharField(
        label=_("User name of the new login"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    password = forms.CharField(label=_("Initial password"), max_length=128, widget=NEW_PASSWORD)


class LandlordForm(LandlordEditForm):
    """A new landlord; a user name and initial password create their login (optional)."""

    community = forms.ModelChoiceField(label=_("Community"), queryset=Landlord.objects.none())
    username = forms.CharField(
        label=_("User name of a new login (optional)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
        help_text=_("A new login the landlord signs in with to register their own tenants."),
    )
    password = forms.CharField(
        label=_("Initial password (with a user name)"), max_length=128, required=False, widget=NEW_PASSWORD
    )
    field_order = ["community", "name", "phone", "username", "password"]

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class PasswordForm(_Form):
    password = forms.CharField(label=_("New password"), max_length=128, widget=NEW_PASSWORD)


class LandlordChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Landlord) -> str:
        return f"{obj.name} {obj.masked_phone}"


class HousingForm(_Form):
    landlord = LandlordChoiceField(label=_("Landlord"), queryset=Landlord.objects.none())
    address = forms.CharField(label=_("Address"), max_length=200)
    rooms = forms.IntegerField(label=_("Rooms"), min_value=1, max_value=100)
    beds = forms.IntegerField(label=_("Beds"), min_value=1, max_value=500)

    def __init__(self, *args, landlords, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["landlord"].queryset = landlords


class HousingEditForm(HousingForm):
    over_beds_reason = forms.CharField(
        label=_("Reason for fewer beds than tenants (only if so)"), max_length=200, required=False
    )
