"""Members in the admin: listing, create, edit, inspect, transfer and the login account."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import quote
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button

from core.admin.filters import AdminFilterSet, choice_filter, isnull_filter
from core.admin.views import ObjectFormView, ScopedInspectView, ScopedSingleObjectMixin, ServiceSaveMixin

from .. import admin_forms, services
from ..models import (
    Member,
    MemberCategory,
)
from .base import OrgchartViewSet


class MemberFilterSet(AdminFilterSet):
    status = isnull_filter(
        "left_on",
        gettext_lazy("Status"),
        empty=("active", gettext_lazy("Active")),
        filled=("left", gettext_lazy("Left the street")),
    )
    category = choice_filter(gettext_lazy("Category"), MemberCategory.choices)

    class Meta:
        model = Member
        fields = ["category"]


class MemberIndexView(generic.IndexView):
    filterset_class = MemberFilterSet
    search_fields = ["name"]
    search_backend_name = None
    default_ordering = None
    transfer_url_name = None
    account_url_name = None

    def get_base_queryset(self) -> QuerySet[Member]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "change")
            .select_related("organisation")
            .order_by("organisation__path", "name", "pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("name"),
            Column("organisation", label=_("Branch"), accessor="organisation.name"),
            Column("category", label=_("Category"), accessor="get_category_display"),
            Column("id_number_masked", label=_("ID number")),
            Column("masked_mobile", label=_("Mobile")),
            DateColumn("left_on", label=_("Left the street on")),
        ]

    def get_list_more_buttons(self, instance) -> list:
        buttons = super().get_list_more_buttons(instance)
        if instance.is_active:
            url = reverse(self.transfer_url_name, args=(quote(instance.pk),))
            buttons.append(MenuItem(_("Transfer"), url, icon_name="arrow-right-full", priority=15))
        url = reverse(self.account_url_name, args=(quote(instance.pk),))
        buttons.append(MenuItem(_("Login account"), url, icon_name="key", priority=16))
        return buttons


class MemberCreateView(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def call_service(self, form) -> Member:
        id_number = form.cleaned_data["id_number"] or None
        if form.cleaned_data.get("transferred_in_from", "").strip():
            return services.transfer_in(
                outside_organisation=form.cleaned_data["transferred_in_from"],
                id_number=id_number,
                actor=self.request.user,
                **form.member_fields,
            )
        return services.create_member(id_number=id_number, actor=self.request.user, **form.member_fields)


TRANSFER_INSPECT_URL_NAME = "orgchart_transfer:inspect"


def member_history(member: Member) -> dict[str, Any]:
    transfers = list(member.transfers.select_related("from_organisation", "to_organisation", "recorded_by"))
    pending = next((t for t in transfers if t.is_pending), None)
    return {
        "transfers": transfers,
        "pending_transfer": pending,
        "pending_transfer_url": reverse(TRANSFER_INSPECT_URL_NAME, args=(pending.pk,)) if pending else "",
        "tenures": member.tenures.select_related("post__organisation", "from_organisation"),
    }


class MemberEditView(ScopedSingleObjectMixin, ServiceSaveMixin, generic.EditView):
    template_name = "orgchart/admin/member_edit.html"
    transfer_url_name = None
    account_url_name = None

    def call_service(self, form) -> Member:
        return services.update_member(
            self.object,
            id_number=form.cleaned_data["id_number"] or None,
            actor=self.request.user,
            **form.member_fields,
        )

    @cached_property
    def can_delete(self) -> bool:
        return False

    @cached_property
    def header_more_buttons(self) -> list:
        buttons = list(super().header_more_buttons)
        pending = self.object.transfers.pending().first()
        if pending is not None:
            url = reverse(TRANSFER_INSPECT_URL_NAME, args=(pending.pk,))
            buttons.insert(0, Button(_("Transfer awaiting acceptance"), url=url, icon_name="time"))
        elif self.object.is_active:
            url = reverse(self.transfer_url_name, args=(quote(self.object.pk),))
            buttons.insert(0, Button(_("Transfer"), url=url, icon_name="arrow-right-full"))
        url = reverse(self.account_url_name, args=(quote(self.object.pk),))
        buttons.insert(
            1 if self.object.is_active else 0, Button(_("Login account"), url=url, icon_name="key")
        )
        return buttons

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **member_history(self.object)}


class MemberInspectView(ScopedInspectView):
    template_name = "orgchart/admin/member_inspect.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **member_history(self.object)}


class TransferMemberView(ObjectFormView):
    form_class = admin_forms.TransferMemberForm
    page_title = gettext_lazy("Transfer")
    header_icon = "arrow-right-full"
    submit_button_label = gettext_lazy("Transfer")
    intro = gettext_lazy(
        "Moves the member's organisational relation to another branch of the street, or out of the "
        "street. The transfer is kept in the member's history."
    )
    log_action = "orgchart.transfer"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "member": self.object}

    def perform(self, form) -> str:
        data = form.cleaned_data
        services.transfer_member(
            self.object,
            to_organisation=data["to_organisation"],
            outside_organisation=data["outside_organisation"],
            on=data["transferred_on"],
            reason=data["reason"],
            actor=self.request.user,
        )
        return _("%(member)s transferred.") % {"member": self.object.name}


class MemberAccountView(ObjectFormView):
    """A member's login: create it, reset its password, disable or enable it. Passwords are never
    logged; who may is access.login_refusal, asked by the services."""

    template_name = "orgchart/admin/member_account.html"
    page_title = gettext_lazy("Login account")
    header_icon = "key"

    @method_decorator(sensitive_post_parameters("password1", "password2"))
    def dispatch(self, request, *args, **kwargs) -> HttpResponse:
        # Keep passwords out of error reports.
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def action(self) -> str:
        """What this request does: decided by the account's state, and the button pressed."""
        if self.object.user is None:
            return "create"
        if self.request.method == "POST" and self.request.POST.get("action") in ("disable", "enable"):
            return self.request.POST["action"]
        return "reset"

    def get_form_class(self) -> type:
        return {
            "create": admin_forms.CreateLoginForm,
            "reset": admin_forms.NewPasswordForm,
            "disable": admin_forms.ConfirmForm,
            "enable": admin_forms.ConfirmForm,
        }[self.action]

    def get_initial(self) -> dict[str, Any]:
        return {"username": self.object.mobile} if self.action == "create" else {}

    @property
    def submit_button_label(self) -> str:
        return _("Create login") if self.action == "create" else _("Reset password")

    def get_success_url(self) -> str:
        return self.request.path

    def perform(self, form) -> str:
        actor, member = self.request.user, self.object
        self.log_action = f"orgchart.login_{self.action}"
        if self.action == "create":
            user = services.create_login(
                member,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                actor=actor,
            )
            return _("Login %(username)s created for %(member)s.") % {
                "username": user.get_username(),
                "member": member.name,
            }
        if self.action == "reset":
            services.reset_password(member, password=form.cleaned_data["password1"], actor=actor)
            return _("Password of %(member)s reset.") % {"member": member.name}
        if self.action == "enable":
            services.enable_login(member, actor=actor)
            return _("Login of %(member)s enabled.") % {"member": member.name}
        services.disable_login(member, actor=actor)
        return _("Login of %(member)s disabled.") % {"member": member.name}

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        login = self.object.user
        context["login"] = login
        context["login_state"] = "none" if login is None else ("active" if login.is_active else "disabled")
        context["account_action"] = "create" if self.action == "create" else "reset"
        # A member who left gets no new login; an existing one can still be disabled.
        context["show_form"] = self.object.is_active
        return context


class MemberViewSet(OrgchartViewSet):
    model = Member
    name = "orgchart_member"
    url_prefix = "orgchart/members"
    icon = "user"
    menu_order = 200
    list_per_page = 50
    inspect_view_enabled = True
    inspect_view_fields = [
        "name",
        "gender",
        "birth_date",
        "education",
        "joined_party_on",
        "category",
        "organisation",
        "id_number_masked",
        "mobile",
        "left_on",
    ]
    index_view_class = MemberIndexView
    add_view_class = MemberCreateView
    edit_view_class = MemberEditView
    inspect_view_class = MemberInspectView
    extra_views = {
        "transfer": (TransferMemberView, "transfer"),
        "account": (MemberAccountView, "account"),
    }

    def get_form_class(self, for_update=False):
        return admin_forms.MemberForm
