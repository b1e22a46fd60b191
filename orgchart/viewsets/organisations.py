"""Organisations in the admin: the tree listing, create, edit, delete, move, close, reopen."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import quote
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusFlagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button

from core.admin.filters import AdminFilterSet, choice_filter, isnull_filter
from core.admin.views import ObjectFormView, ScopedSingleObjectMixin, ServiceDeleteMixin, ServiceSaveMixin

from .. import admin_forms, queries, services
from ..models import (
    ALLOWED_CHILD_KINDS,
    Organisation,
    OrgKind,
)
from .base import OrgchartViewSet


class TreeTitleColumn(TitleColumn):
    """The organisation's name indented by its depth: the listing reads as the tree."""

    cell_template_name = "orgchart/admin/tree_title_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["indent"] = instance.depth - 1
        return context


class OrganisationFilterSet(AdminFilterSet):
    kind = choice_filter(gettext_lazy("Kind"), OrgKind.choices)
    status = isnull_filter(
        "closed_on",
        gettext_lazy("Status"),
        empty=("open", gettext_lazy("Open")),
        filled=("closed", gettext_lazy("Closed")),
    )

    class Meta:
        model = Organisation
        fields = ["kind"]


class OrganisationIndexView(generic.IndexView):
    default_ordering = "path"
    filterset_class = OrganisationFilterSet
    search_fields = ["name", "code"]
    search_backend_name = None
    move_url_name = None
    close_url_name = None
    reopen_url_name = None

    def get_base_queryset(self) -> QuerySet[Organisation]:
        # Whether each row has history is annotated so that its delete button costs no query.
        return (
            self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
            .annotate(
                member_count=queries.subtree_member_count(),
                has_history=queries.organisation_history_exists(),
            )
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
        if services.organisation_deletion_refusal(
            instance, actor=self.request.user, has_history=instance.has_history
        ):
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
    def deletion_refusal(self) -> str | None:
        return services.organisation_deletion_refusal(self.object, actor=self.request.user)

    @cached_property
    def can_delete(self) -> bool:
        return self.deletion_refusal is None

    @cached_property
    def header_more_buttons(self) -> list:
        return [*super().header_more_buttons, *self.tree_action_buttons(self.object)]

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["parent"] = self.object.get_parent()
        context["deletion_refusal"] = self.deletion_refusal
        return context


class OrganisationDeleteView(ServiceDeleteMixin, ScopedSingleObjectMixin, generic.DeleteView):
    """Deletes only mistakes: a leaf with no history. Anything else is closed instead."""

    scope_action = "delete"

    def refusal_reason(self) -> str | None:
        return services.organisation_deletion_refusal(self.object, actor=self.request.user)

    def call_service(self) -> None:
        services.delete_organisation(self.object, actor=self.request.user)


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


class OrganisationViewSet(OrgchartViewSet):
    model = Organisation
    name = "orgchart_organisation"
    url_prefix = "orgchart/organisations"
    icon = "site"
    menu_order = 100
    list_per_page = 100
    index_view_class = OrganisationIndexView
    add_view_class = OrganisationCreateView
    edit_view_class = OrganisationEditView
    delete_view_class = OrganisationDeleteView
    extra_views = {
        "move": (MoveOrganisationView, "move"),
        "close": (CloseOrganisationView, "close"),
        "reopen": (ReopenOrganisationView, "reopen"),
    }

    def get_form_class(self, for_update=False):
        return admin_forms.OrganisationEditForm if for_update else admin_forms.OrganisationCreateForm
