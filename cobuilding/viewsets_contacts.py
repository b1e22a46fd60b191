"""Unit contacts (共建单位联系人) in the admin: the list of those named for the units the user
manages, a form to name one (by login name), and "Remove" — through services.add_unit_contact /
remove_unit_contact, which check the actor: a tree unit's or the street's post-holders, or, for an
outside unit, the keeper of its record. Another street's contact answers 404."""

from __future__ import annotations

from django import forms
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic

from core.admin.policies import AccessRulePolicy
from core.admin.views import ObjectFormView, ServiceSaveMixin
from core.admin.viewsets import ScopedModelViewSet
from core.text import normalise

from . import access, services
from .models import UnitContact

POLICY = AccessRulePolicy(
    UnitContact, org_field=("unit_org", "outside_unit__organisation"), actions={"add", "view", "change"}
)


class UnitContactForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Login name"),
        max_length=150,
        help_text=gettext_lazy("The contact person's login; create it first if they have none."),
    )
    unit_org = forms.ModelChoiceField(
        label=gettext_lazy("Unit party organisation"), queryset=UnitContact.objects.none(), required=False
    )
    outside_unit = forms.ModelChoiceField(
        label=gettext_lazy("Outside unit"), queryset=UnitContact.objects.none(), required=False
    )

    def __init__(self, *args, for_user, **kwargs):
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.fields["unit_org"].queryset = access.choosable_unit_orgs(for_user).order_by("path")
        self.fields["outside_unit"].queryset = access.choosable_outside_units(for_user).order_by("name")

    def clean_username(self):
        name = normalise(self.cleaned_data.get("username"))
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active login has this name."), code="user")
        return user


class UnitContactIndexView(generic.IndexView):
    remove_url_name: str | None = None
    search_fields = ["user__username"]
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[UnitContact]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("user", "unit_org", "outside_unit")
            .order_by("-created_at", "-pk")
        )

    @cached_property
    def columns(self):
        return [
            Column("user", label=gettext_lazy("Login name"), accessor="user.username"),
            Column("unit", label=gettext_lazy("Unit"), accessor="unit"),
            DateColumn("created_at", label=gettext_lazy("Named on")),
        ]

    def get_list_more_buttons(self, instance) -> list:
        url = reverse(self.remove_url_name, args=(quote(instance.pk),))
        return [MenuItem(_("Remove"), url, icon_name="bin", priority=15)]


class UnitContactCreateView(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def get_form_class(self):
        return UnitContactForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}

    def get_success_buttons(self) -> list:
        return []

    def get_success_url(self) -> str:
        return reverse(self.index_url_name)

    def call_service(self, form) -> UnitContact:
        data = form.cleaned_data
        return services.add_unit_contact(
            actor=self.request.user,
            user=data["username"],
            unit_org=data.get("unit_org"),
            outside_unit=data.get("outside_unit"),
        )


class ConfirmForm(forms.Form):
    pass


class RemoveUnitContactView(ObjectFormView):
    form_class = ConfirmForm
    page_title = gettext_lazy("Remove the unit contact")
    submit_button_label = gettext_lazy("Remove")
    header_icon = "bin"
    intro = gettext_lazy("Their login no longer sees the unit's co-building rows.")
    log_action = ""

    def get_back_url(self) -> str:
        return reverse(self.index_url_name)

    def perform(self, form) -> str:
        services.remove_unit_contact(self.object, actor=self.request.user)
        return _("The unit contact is removed.")


class UnitContactViewSet(ScopedModelViewSet):
    model = UnitContact
    name = "cobuilding_unitcontact"
    url_prefix = "cobuilding/unit-contacts"
    icon = "user"
    menu_order = 700
    add_to_reference_index = False
    index_view_class = UnitContactIndexView
    add_view_class = UnitContactCreateView
    extra_views = {"remove": (RemoveUnitContactView, "remove")}

    def get_form_class(self, for_update=False):
        return UnitContactForm

    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), "edit_url_name": None, "delete_url_name": None}

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in {"edit", "delete", "history"}]

    def register_admin_url_finder(self):
        pass
