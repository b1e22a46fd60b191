"""Forms of the orgchart admin. They collect and check input; orgchart.services does the writing.

The views map the ValidationError a service raises (a message or a field dict) onto the form
with core.admin.forms.add_service_error, so bad input ends as form errors, never as a 500.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from core.admin.forms import ServiceErrorsMixin
from core.tree import path_prefix_q

from . import access
from .models import MEMBER_ORG_KINDS, Member, Organisation, Post
from .validators import (
    clean_mobile,
    clean_name,
    normalise_id_number,
    validate_birth_date,
    validate_id_number,
)


class TreeChoiceField(forms.ModelChoiceField):
    """Organisations listed in tree order, indented by depth."""

    def label_from_instance(self, obj: Organisation) -> str:
        return obj.indented_name


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.organisation.name}）"


def date_field(label, required: bool = True, initial_today: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=AdminDateInput,
        initial=timezone.localdate if initial_today else None,
    )


def open_manageable(user) -> QuerySet[Organisation]:
    return access.manageable_organisations(user).open().order_by("path")


# Organisations --------------------------------------------------------------------------------

ORGANISATION_OWN_FIELDS = ["name", "code", "address", "phone", "established_on", "description"]


class OrganisationCreateForm(ServiceErrorsMixin, WagtailAdminModelForm):
    parent = TreeChoiceField(
        label=_("Parent organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("Only open organisations you manage are listed."),
    )

    class Meta:
        model = Organisation
        fields = ["parent", "name", "code", "kind", *ORGANISATION_OWN_FIELDS[2:]]
        widgets = {"established_on": AdminDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = open_manageable(self.for_user)
        if self.for_user is not None and self.for_user.is_superuser:
            # Only a system administrator may start a new street (a tree root).
            self.fields["parent"].required = False
            self.fields["parent"].help_text = _("Leave empty to create a new street committee.")


class OrganisationEditForm(ServiceErrorsMixin, WagtailAdminModelForm):
    class Meta:
        model = Organisation
        fields = ORGANISATION_OWN_FIELDS
        widgets = {"established_on": AdminDateInput}


class MoveOrganisationForm(forms.Form):
    field_aliases = {"parent": "new_parent"}
    new_parent = TreeChoiceField(label=_("New parent organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args, organisation: Organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Not under itself, not where it already is.
        self.fields["new_parent"].queryset = (
            open_manageable(user)
            .exclude(path_prefix_q(organisation.path))
            .exclude(path=organisation.path[: -Organisation.steplen] or None)
        )


class CloseOrganisationForm(forms.Form):
    closed_on = date_field(_("Closed on"))


class ConfirmForm(forms.Form):
    """A POST with nothing to fill in: reopen, vacate without a date..."""


class TransferDecisionForm(forms.Form):
    """Accept or withdraw a pending transfer; a reason may be given."""

    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class TransferDeclineForm(forms.Form):
    """Decline a pending transfer: the sender is told why."""

    reason = forms.CharField(
        label=_("Reason"), max_length=200, help_text=_("Why the transfer is declined; the sender sees it.")
    )


# Members ----------------------------------------------------------------------------------------

MEMBER_FIELDS = ["name", "gender", "birth_date", "education", "joined_party_on", "mobile", "category"]


class CleanedCharField(forms.CharField):
    """Text normalised and checked by `cleaner` (orgchart.validators) before any validator runs."""

    cleaner = staticmethod(lambda value: value)

    def to_python(self, value):
        value = super().to_python(value)
        return self.cleaner(value) if value not in self.empty_values else value


class NameField(CleanedCharField):
    cleaner = staticmethod(clean_name)


class MobileField(CleanedCharField):
    cleaner = staticmethod(clean_mobile)


class MemberForm(ServiceErrorsMixin, WagtailAdminModelForm):
    """Create or edit a member; the identity number is typed in, checked and stored encrypted."""

    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=18,
        help_text=_("18 characters: 17 digits and a final digit or X."),
    )
    transferred_in_from = forms.CharField(
        label=_("Transferred in from"),
        required=False,
        max_length=200,
        help_text=_(
            "For a member whose organisational relation comes from outside the street: the organisation "
            "they come from. Recorded in their transfer history."
        ),
    )

    class Meta:
        model = Member
        fields = [*MEMBER_FIELDS, "organisation"]
        widgets = {"birth_date": AdminDateInput, "joined_party_on": AdminDateInput}
        field_classes = {"organisation": TreeChoiceField, "name": NameField, "mobile": MobileField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A member changes branch only through a transfer, which keeps the history.
            del self.fields["organisation"]
            del self.fields["transferred_in_from"]
            if self.instance.id_number_masked:
                self.fields["id_number"].help_text = _(
                    "Current: %(masked)s. Leave empty to keep it; type a new number to replace it."
                ) % {"masked": self.instance.id_number_masked}
        else:
            self.fields["organisation"].queryset = open_manageable(self.for_user).filter(
                kind__in=MEMBER_ORG_KINDS
            )
        # Never echo an identity number back into the page.
        self.fields["id_number"].widget.render_value = False

    def clean_id_number(self) -> str:
        return normalise_id_number(self.cleaned_data.get("id_number"))

    def clean_birth_date(self):
        birth_date = self.cleaned_data.get("birth_date")
        validate_birth_date(birth_date)
        return birth_date

    def _post_clean(self) -> None:
        # The model's own checks (run by super()) must see the new number with the new birth
        # date, not the stored number: set it on the instance first if it is well-formed.
        id_number = self.cleaned_data.get("id_number")
        if id_number:
            try:
                validate_id_number(id_number)
            except ValidationError as exc:
                self.add_error("id_number", exc)
            else:
                self.instance.set_id_number(id_number)
        super()._post_clean()

    @property
    def member_fields(self) -> dict:
        """The cleaned values a service takes as keyword arguments."""
        extra = ("id_number", "transferred_in_from")
        return {name: self.cleaned_data[name] for name in self.fields if name not in extra}


class TransferMemberForm(forms.Form):
    to_organisation = TreeChoiceField(
        label=_("To branch in the street"), queryset=Organisation.objects.none(), required=False
    )
    outside_organisation = forms.CharField(
        label=_("Or to an organisation outside the street"), max_length=200, required=False
    )
    transferred_on = date_field(_("Transferred on"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        street_path = member.organisation.path[: Organisation.steplen]
        self.fields["to_organisation"].queryset = (
            Organisation.objects.open()
            .in_subtree(street_path)
            .filter(kind__in=MEMBER_ORG_KINDS)
            .exclude(pk=member.organisation_id)
            .order_by("path")
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        to, outside = cleaned.get("to_organisation"), (cleaned.get("outside_organisation") or "").strip()
        if to and outside:
            raise ValidationError(_("Choose a branch in the street or an organisation outside it, not both."))
        if not to and not outside and not self.errors:
            raise ValidationError(
                _("Give the branch to transfer to, or the organisation outside the street.")
            )
        return cleaned


class NewPasswordForm(forms.Form):
    """A new password typed twice; Django's password validators run in the service."""

    field_aliases = {"password": "password1"}
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not all digits, not too common, not like the user name."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self) -> str:
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise ValidationError(_("The two passwords do not match."))
        return password2


class CreateLoginForm(NewPasswordForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("The member signs in with it; by default their mobile number."),
    )
    field_order = ["username", "password1", "password2"]


# Posts ------------------------------------------------------------------------------------------


class PostCreateForm(ServiceErrorsMixin, WagtailAdminModelForm):
    class Meta:
        model = Post
        fields = ["organisation", "title"]
        field_classes = {"organisation": TreeChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = open_manageable(self.for_user)


class AppointForm(forms.Form):
    member = MemberChoiceField(label=_("Member"), queryset=Member.objects.none())
    started_on = date_field(_("Term starts"))
    ended_on = date_field(_("Term ends"), required=False, initial_today=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            access.managed_members(user)
            .active()
            .select_related("organisation")
            .order_by("organisation__path", "name")
        )


class VacateForm(forms.Form):
    on = date_field(_("Vacant from"))


class PartTimeAppointForm(forms.Form):
    """Appoint a unit party organisation's member to a part-time (兼职) post: cross-holding."""

    from_organisation = TreeChoiceField(
        label=_("From the unit party organisation"), queryset=Organisation.objects.none()
    )
    member = MemberChoiceField(label=_("Member"), queryset=Member.objects.none())
    started_on = date_field(_("Term starts"))
    ended_on = date_field(_("Term ends"), required=False, initial_today=False)

    def __init__(self, *args, origins: QuerySet[Organisation], candidates: QuerySet[Member], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_organisation"].queryset = origins.order_by("path")
        self.fields["member"].queryset = candidates.select_related("organisation").order_by(
            "organisation__path", "name"
        )
