"""Views of the orgchart admin: Wagtail's generic views, scoped by the access rule and saving
through orgchart.services, plus the tree and roster actions (move, close, transfer, appoint...).

Objects outside the user's managed subtrees are looked up in a scoped queryset, so they answer
404 as if they did not exist; a missing permission (e.g. adding a transfer) answers with
Wagtail's usual "permission denied" redirect to the dashboard.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusFlagColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.log_actions import log

from . import admin_forms, services
from .admin_forms import add_service_error
from .models import (
    ALLOWED_CHILD_KINDS,
    Member,
    MemberCategory,
    Organisation,
    OrgKind,
    Post,
    PostTitle,
    Tenure,
    Transfer,
    TransferKind,
    current_tenure_q,
)

ROSTER_JOB_URL_NAME = "orgchart:roster_job"


# Shared machinery ---------------------------------------------------------------------------------


class ScopedObjectMixin:
    """Look objects up only among those the permission policy allows for `scope_action`."""

    scope_action = "change"

    def get_scoped_queryset(self) -> QuerySet:
        return self.permission_policy.instances_user_has_permission_for(self.request.user, self.scope_action)

    def get_base_object_queryset(self) -> QuerySet:  # Wagtail's BaseObjectMixin: history, actions
        return self.get_scoped_queryset()


class ScopedSingleObjectMixin(ScopedObjectMixin):
    """For Django's SingleObjectMixin views (Wagtail's edit and delete views)."""

    def get_queryset(self) -> QuerySet:
        return self.get_scoped_queryset()


class ServiceSaveMixin:
    """Create and edit views whose save is a service call; its ValidationError becomes form errors."""

    log_action = "wagtail.edit"

    def call_service(self, form):
        raise NotImplementedError

    def save_instance(self):
        return self.call_service(self.form)

    def form_valid(self, form):
        self.form = form
        try:
            self.object = self.save_instance()
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        log(self.object, self.log_action, user=self.request.user)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response


class ScopedHistoryView(ScopedObjectMixin, HistoryView):
    pass


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    scope_action = "view"

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_scoped_queryset(), pk=self.pk)


class ObjectFormView(
    ScopedObjectMixin, PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin, FormView
):
    """An admin page with a small form acting on one object through a service (move, close...)."""

    template_name = "orgchart/admin/action_form.html"
    permission_required = "change"
    model = None
    index_url_name = None
    edit_url_name = None
    inspect_url_name = None
    header_icon = ""
    submit_button_label = gettext_lazy("Save")
    intro = ""
    log_action = ""

    def perform(self, form) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def get_back_url(self) -> str:
        if self.edit_url_name:
            return reverse(self.edit_url_name, args=(quote(self.object.pk),))
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=(quote(self.object.pk),))
        return reverse(self.index_url_name)

    def get_success_url(self) -> str:
        return self.get_back_url()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": self.model._meta.verbose_name_plural},
            {"url": self.get_back_url(), "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def form_valid(self, form) -> HttpResponse:
        try:
            message = self.perform(form)
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        if self.log_action:
            log(self.object, self.log_action, user=self.request.user)
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def form_invalid(self, form) -> HttpResponse:
        messages.validation_error(self.request, _("The form could not be saved due to errors."), form)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["action_url"] = self.request.path
        context["submit_button_label"] = self.submit_button_label
        context["submit_button_active_label"] = self.submit_button_label
        context["media"] = context["form"].media
        context["intro"] = self.intro
        context["back_url"] = self.get_back_url()
        return context


def choice_filter(label, choices, method=None) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(label=label, choices=choices, method=method, empty_label=_("All"))


# Organisations -----------------------------------------------------------------------------------


class TreeTitleColumn(TitleColumn):
    """The organisation's name indented by its depth: the listing reads as the tree."""

    cell_template_name = "orgchart/admin/tree_title_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["indent"] = instance.depth - 1
        return context


class OrganisationFilterSet(WagtailFilterSet):
    kind = choice_filter(gettext_lazy("Kind"), OrgKind.choices)
    status = choice_filter(
        gettext_lazy("Status"),
        [("open", gettext_lazy("Open")), ("closed", gettext_lazy("Closed"))],
        method="filter_status",
    )

    class Meta:
        model = Organisation
        fields = ["kind"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(closed_on__isnull=(value == "open")) if value else queryset


def _subquery_count(queryset: QuerySet) -> Subquery:
    """COUNT(*) of a correlated queryset as one scalar subquery (no GROUP BY, no N+1)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


class OrganisationIndexView(generic.IndexView):
    default_ordering = "path"
    filterset_class = OrganisationFilterSet
    search_fields = ["name", "code"]
    search_backend_name = None
    move_url_name = None
    close_url_name = None
    reopen_url_name = None

    def get_base_queryset(self) -> QuerySet[Organisation]:
        members_in_subtree = Member.objects.active().filter(organisation__path__startswith=OuterRef("path"))
        # Only a leaf without history may be deleted; computed here so the button costs no query.
        history = (
            Exists(Member.objects.filter(organisation=OuterRef("pk")))
            | Exists(Post.objects.filter(organisation=OuterRef("pk")))
            | Exists(
                Transfer.objects.filter(
                    Q(from_organisation=OuterRef("pk")) | Q(to_organisation=OuterRef("pk"))
                )
            )
        )
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .annotate(member_count=_subquery_count(members_in_subtree), has_history=history)
            .order_by("path")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TreeTitleColumn)(
                "name", label=_("Name"), get_url=lambda org: self.get_edit_url(org)
            ),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("code", label=_("Code")),
            Column("member_count", label=_("Members (whole subtree)")),
            StatusFlagColumn("is_closed", label=_("Status"), true_label=_("Closed"), false_label=None),
        ]

    def get_delete_url(self, instance):
        if instance.numchild or instance.has_history:
            return None
        return super().get_delete_url(instance)

    def get_list_more_buttons(self, instance) -> list:
        buttons = super().get_list_more_buttons(instance)
        pk = quote(instance.pk)
        if not instance.is_closed:
            if ALLOWED_CHILD_KINDS.get(instance.kind):
                buttons.append(
                    MenuItem(
                        _("Add sub-organisation"),
                        f"{reverse(self.add_url_name)}?parent={pk}",
                        icon_name="plus",
                        priority=11,
                    )
                )
            if instance.depth > 1:
                buttons.append(
                    MenuItem(_("Move"), reverse(self.move_url_name, args=(pk,)), "arrow-right-full", 12)
                )
            buttons.append(MenuItem(_("Close"), reverse(self.close_url_name, args=(pk,)), "lock", 13))
        else:
            buttons.append(MenuItem(_("Reopen"), reverse(self.reopen_url_name, args=(pk,)), "lock-open", 13))
        return buttons


class OrganisationCreateView(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if parent := self.request.GET.get("parent"):
            initial["parent"] = parent
        return initial

    def call_service(self, form) -> Organisation:
        data = form.cleaned_data
        fields = {name: data[name] for name in admin_forms.ORGANISATION_OWN_FIELDS[2:]}
        return services.create_organisation(
            parent=data.get("parent"),
            name=data["name"],
            kind=data["kind"],
            code=data["code"],
            actor=self.request.user,
            **fields,
        )


class OrganisationActionsMixin:
    """Header buttons for the tree actions on an organisation's own pages."""

    move_url_name = None
    close_url_name = None
    reopen_url_name = None

    def tree_action_buttons(self, org: Organisation) -> list[Button]:
        pk = quote(org.pk)
        if org.is_closed:
            return [Button(_("Reopen"), url=reverse(self.reopen_url_name, args=(pk,)), icon_name="lock-open")]
        buttons = [
            Button(_("Close"), url=reverse(self.close_url_name, args=(pk,)), icon_name="lock", priority=40)
        ]
        if org.depth > 1:
            buttons.insert(
                0,
                Button(_("Move"), url=reverse(self.move_url_name, args=(pk,)), icon_name="arrow-right-full"),
            )
        return buttons


class OrganisationEditView(
    OrganisationActionsMixin, ScopedSingleObjectMixin, ServiceSaveMixin, generic.EditView
):
    template_name = "orgchart/admin/organisation_edit.html"

    def call_service(self, form) -> Organisation:
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        return services.update_organisation(self.object, actor=self.request.user, **changed)

    @cached_property
    def can_delete(self) -> bool:
        return not self.object.numchild and not services.organisation_has_history(self.object)

    @cached_property
    def header_more_buttons(self) -> list:
        return [*super().header_more_buttons, *self.tree_action_buttons(self.object)]

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["parent"] = self.object.get_parent()
        return context


class OrganisationDeleteView(ScopedSingleObjectMixin, generic.DeleteView):
    """Deletes only mistakes: a leaf with no history. Anything else is closed instead."""

    scope_action = "delete"

    def blocked_reason(self) -> str | None:
        if self.object.numchild:
            return _("This organisation has sub-organisations; move or delete them first.")
        if services.organisation_has_history(self.object):
            return _(
                "This organisation has members, posts or transfers on record; "
                "close it instead of deleting it."
            )
        return None

    def refuse(self, reason: str) -> HttpResponse:
        messages.error(self.request, reason)
        return redirect(self.edit_url_name, quote(self.object.pk))

    def get(self, request, *args, **kwargs):
        if reason := self.blocked_reason():
            return self.refuse(reason)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        success_url = self.get_success_url()
        try:
            services.delete_organisation(self.object, actor=self.request.user)
        except (ValidationError, PermissionDenied) as exc:
            return self.refuse(" ".join(getattr(exc, "messages", [str(exc)])))
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(success_url)


class MoveOrganisationView(ObjectFormView):
    form_class = admin_forms.MoveOrganisationForm
    page_title = gettext_lazy("Move")
    header_icon = "arrow-right-full"
    submit_button_label = gettext_lazy("Move")
    intro = gettext_lazy(
        "The organisation moves with everything below it: sub-organisations, members and posts."
    )
    log_action = "orgchart.move"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.object, "user": self.request.user}

    def perform(self, form) -> str:
        target = form.cleaned_data["new_parent"]
        self.object = services.move_organisation(self.object, target, actor=self.request.user)
        return _("'%(org)s' moved under '%(parent)s'.") % {"org": self.object, "parent": target}


class CloseOrganisationView(ObjectFormView):
    form_class = admin_forms.CloseOrganisationForm
    page_title = gettext_lazy("Close")
    header_icon = "lock"
    submit_button_label = gettext_lazy("Close organisation")
    intro = gettext_lazy(
        "Closing keeps all history. Sub-organisations are closed too and their posts end; members must "
        "be transferred out first."
    )
    log_action = "orgchart.close"

    def perform(self, form) -> str:
        self.object = services.close_organisation(
            self.object, on=form.cleaned_data["closed_on"], actor=self.request.user
        )
        return _("'%(org)s' closed.") % {"org": self.object.name}


class ReopenOrganisationView(ObjectFormView):
    form_class = admin_forms.ConfirmForm
    page_title = gettext_lazy("Reopen")
    header_icon = "lock-open"
    submit_button_label = gettext_lazy("Reopen organisation")
    intro = gettext_lazy("Only this organisation is reopened; reopen its sub-organisations one by one.")
    log_action = "orgchart.reopen"

    def perform(self, form) -> str:
        self.object = services.reopen_organisation(self.object, actor=self.request.user)
        return _("'%(org)s' reopened.") % {"org": self.object.name}


# Members -------------------------------------------------------------------------------------------


class MemberFilterSet(WagtailFilterSet):
    status = choice_filter(
        gettext_lazy("Status"),
        [("active", gettext_lazy("Active")), ("left", gettext_lazy("Left the street"))],
        method="filter_status",
    )
    category = choice_filter(gettext_lazy("Category"), MemberCategory.choices)

    class Meta:
        model = Member
        fields = ["category"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(left_on__isnull=(value == "active")) if value else queryset


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


def member_history(member: Member) -> dict[str, Any]:
    return {
        "transfers": member.transfers.select_related("from_organisation", "to_organisation", "recorded_by"),
        "tenures": member.tenures.select_related("post__organisation"),
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
        if self.object.is_active:
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
    """A member's login: create it, reset its password, or disable it. Passwords are never logged."""

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
        if self.request.method == "POST" and self.request.POST.get("action") == "disable":
            return "disable"
        return "reset"

    def get_form_class(self) -> type:
        return {
            "create": admin_forms.CreateLoginForm,
            "reset": admin_forms.NewPasswordForm,
            "disable": admin_forms.ConfirmForm,
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


# Posts -----------------------------------------------------------------------------------------------


class HolderColumn(Column):
    """The current holder, or a clearly visible "vacant" tag."""

    cell_template_name = "orgchart/admin/holder_cell.html"


class PostFilterSet(WagtailFilterSet):
    title = choice_filter(gettext_lazy("Post"), PostTitle.choices)
    vacancy = choice_filter(
        gettext_lazy("Holder"),
        [("vacant", gettext_lazy("Vacant")), ("filled", gettext_lazy("Filled"))],
        method="filter_vacancy",
    )

    class Meta:
        model = Post
        fields = ["title"]

    def filter_vacancy(self, queryset, name, value):
        if not value:
            return queryset
        filled = Exists(Tenure.objects.filter(current_tenure_q(), post=OuterRef("pk")))
        return queryset.filter(filled if value == "filled" else ~filled)


class PostIndexView(generic.IndexView):
    filterset_class = PostFilterSet
    search_fields = ["organisation__name"]
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[Post]:
        current = Tenure.objects.filter(current_tenure_q(), post=OuterRef("pk")).order_by("-started_on")
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "change")
            .select_related("organisation")
            .annotate(
                holder_name=Subquery(current.values("member__name")[:1]),
                holder_since=Subquery(current.values("started_on")[:1]),
            )
            .order_by("organisation__path", "title")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("title"),
            Column("organisation", label=_("Organisation"), accessor="organisation.indented_name"),
            HolderColumn("holder_name", label=_("Current holder")),
        ]


class PostCreateView(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"
    inspect_url_name = None

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if org := self.request.GET.get("organisation"):
            initial["organisation"] = org
        return initial

    def call_service(self, form) -> Post:
        org = form.cleaned_data["organisation"]
        # The choices are already the user's subtree; the check stays next to the write.
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "add", Post(organisation=org)
        ):
            raise PermissionDenied(_("You do not manage this organisation."))
        return services.ensure_post(org, form.cleaned_data["title"])

    def get_success_url(self) -> str:
        return reverse(self.inspect_url_name, args=(quote(self.object.pk),))

    def get_success_buttons(self) -> list:
        return []


class PostInspectView(ScopedInspectView):
    template_name = "orgchart/admin/post_inspect.html"
    appoint_url_name = None
    vacate_url_name = None
    scope_action = "change"

    @cached_property
    def current_tenure(self) -> Tenure | None:
        return self.object.current_tenure()

    @cached_property
    def header_more_buttons(self) -> list:
        pk = quote(self.object.pk)
        if self.object.organisation.is_closed:
            return []
        buttons = [Button(_("Appoint"), url=reverse(self.appoint_url_name, args=(pk,)), icon_name="user")]
        if self.current_tenure:
            buttons.append(
                Button(_("Vacate"), url=reverse(self.vacate_url_name, args=(pk,)), icon_name="cross")
            )
        return buttons

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["current_tenure"] = self.current_tenure
        context["tenures"] = self.object.tenures.select_related("member__organisation")
        return context


class AppointView(ObjectFormView):
    form_class = admin_forms.AppointForm
    page_title = gettext_lazy("Appoint")
    header_icon = "user"
    submit_button_label = gettext_lazy("Appoint")
    intro = gettext_lazy("The current holder's term ends the day before the new term starts.")
    log_action = "orgchart.appoint"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form) -> str:
        data = form.cleaned_data
        services.appoint(
            self.object,
            data["member"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            actor=self.request.user,
        )
        return _("%(member)s appointed %(post)s.") % {"member": data["member"].name, "post": self.object}


class VacateView(ObjectFormView):
    form_class = admin_forms.VacateForm
    page_title = gettext_lazy("Vacate")
    header_icon = "cross"
    submit_button_label = gettext_lazy("Leave the post vacant")
    intro = gettext_lazy("The holder's last day is the day before the date given.")
    log_action = "orgchart.vacate"

    def perform(self, form) -> str:
        ended = services.vacate(self.object, on=form.cleaned_data["on"], actor=self.request.user)
        if not ended:
            return _("%(post)s was already vacant.") % {"post": self.object}
        return _("%(post)s is now vacant.") % {"post": self.object}


# Transfers and roster imports (read-only) -----------------------------------------------------------


class TransferFilterSet(WagtailFilterSet):
    kind = choice_filter(gettext_lazy("Kind"), TransferKind.choices)

    class Meta:
        model = Transfer
        fields = ["kind"]


def transfer_destination(transfer: Transfer) -> str:
    return str(transfer.to_organisation) if transfer.to_organisation else transfer.outside_organisation


def transfer_origin(transfer: Transfer) -> str:
    return str(transfer.from_organisation) if transfer.from_organisation else transfer.outside_organisation


class TransferIndexView(generic.IndexView):
    filterset_class = TransferFilterSet
    search_fields = ["member__name"]
    search_backend_name = None

    def get_base_queryset(self) -> QuerySet[Transfer]:
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("member", "from_organisation", "to_organisation")
            .order_by("-transferred_on", "-pk")
        )

    @cached_property
    def columns(self):
        return [
            self._get_title_column("member", label=_("Member"), accessor="member.name"),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("from", label=_("From"), accessor=transfer_origin),
            Column("to", label=_("To"), accessor=transfer_destination),
            DateColumn("transferred_on", label=_("Transferred on")),
            Column("reason", label=_("Reason")),
        ]

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        column_class = self._get_title_column_class(column_class)
        return column_class(field_name, get_url=self.get_inspect_url, **kwargs)


def roster_job_url(job) -> str | None:
    """The roster import page for `job`, if that page is installed."""
    try:
        return reverse(ROSTER_JOB_URL_NAME, args=(job.pk,))
    except NoReverseMatch:
        return None


class ImportJobIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .select_related("created_by")
            .order_by("-created_at")
        )

    @cached_property
    def columns(self):
        title = self._get_title_column_class(TitleColumn)
        return [
            title("original_name", label=_("File name"), accessor=str, get_url=roster_job_url),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda job: job.status == "succeeded",
            ),
            Column("progress_percent", label=_("Progress (%)")),
            Column("imported_count", label=_("Members imported")),
            Column("created_by", label=_("Uploaded by")),
            DateColumn("created_at", label=_("Uploaded at")),
        ]

    def get_list_more_buttons(self, instance) -> list:
        return []

    @cached_property
    def header_buttons(self) -> list:
        try:
            upload_url = reverse("orgchart:roster_import")
        except NoReverseMatch:
            return []
        return [HeaderButton(_("Import a roster"), url=upload_url, icon_name="upload")]
