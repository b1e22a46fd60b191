"""Wagtail admin wiring for the organisation tree: the "组织管理" menu and its viewsets.

Permission policies come first: Wagtail must find ours before any view asks for a fallback.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from . import admin_forms, admin_views
from .models import ImportJob, Member, Organisation, Post, Transfer
from .permissions import POLICIES

for _model, _policy in POLICIES.items():
    register_permission_policy(_model, _policy, exact_class=True)


class OrgchartViewSet(ModelViewSet):
    """Common ground: no copy, no usage page, no Django permission rows (the access rule decides).

    `extra_views` maps a URL name to (view class, URL suffix) for actions on one object.
    """

    copy_view_enabled = False
    # Saving members must not also re-index references: roster imports save thousands.
    add_to_reference_index = False
    history_view_class = admin_views.ScopedHistoryView
    inspect_view_class = admin_views.ScopedInspectView
    extra_views: dict[str, tuple[type, str]] = {}
    read_only = False

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs["usage_url_name"] = None
        for name in self.extra_views:
            view_kwargs[f"{name}_url_name"] = self.get_url_name(name)
        if self.read_only:
            view_kwargs.update(
                add_url_name=None, edit_url_name=None, delete_url_name=None, history_url_name=None
            )
        return view_kwargs

    def get_permissions_to_register(self):
        return Permission.objects.none()

    def register_admin_url_finder(self):
        if not self.read_only:
            super().register_admin_url_finder()

    def get_urlpatterns(self):
        if self.read_only:
            urlpatterns = [
                path("", self.index_view, name="index"),
                path("results/", self.index_results_view, name="index_results"),
            ]
            if self.inspect_view_enabled:
                urlpatterns.append(path("inspect/<int:pk>/", self.inspect_view, name="inspect"))
        else:
            urlpatterns = [p for p in super().get_urlpatterns() if p.name != "usage"]
        for name, (view_class, suffix) in self.extra_views.items():
            view = self.construct_view(view_class)
            urlpatterns.append(path(f"{suffix}/<int:pk>/", view, name=name))
        return urlpatterns


class OrganisationViewSet(OrgchartViewSet):
    model = Organisation
    name = "orgchart_organisation"
    url_prefix = "orgchart/organisations"
    icon = "site"
    menu_order = 100
    list_per_page = 100
    index_view_class = admin_views.OrganisationIndexView
    add_view_class = admin_views.OrganisationCreateView
    edit_view_class = admin_views.OrganisationEditView
    delete_view_class = admin_views.OrganisationDeleteView
    extra_views = {
        "move": (admin_views.MoveOrganisationView, "move"),
        "close": (admin_views.CloseOrganisationView, "close"),
        "reopen": (admin_views.ReopenOrganisationView, "reopen"),
    }

    def get_form_class(self, for_update=False):
        return admin_forms.OrganisationEditForm if for_update else admin_forms.OrganisationCreateForm


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
    index_view_class = admin_views.MemberIndexView
    add_view_class = admin_views.MemberCreateView
    edit_view_class = admin_views.MemberEditView
    inspect_view_class = admin_views.MemberInspectView
    extra_views = {
        "transfer": (admin_views.TransferMemberView, "transfer"),
        "account": (admin_views.MemberAccountView, "account"),
    }

    def get_form_class(self, for_update=False):
        return admin_forms.MemberForm


class PostViewSet(OrgchartViewSet):
    """A post's page is its inspect view: holder, holders over time, appoint and vacate."""

    model = Post
    name = "orgchart_post"
    url_prefix = "orgchart/posts"
    icon = "tag"
    menu_order = 300
    list_per_page = 50
    inspect_view_enabled = True
    index_view_class = admin_views.PostIndexView
    add_view_class = admin_views.PostCreateView
    inspect_view_class = admin_views.PostInspectView
    extra_views = {
        "appoint": (admin_views.AppointView, "appoint"),
        "vacate": (admin_views.VacateView, "vacate"),
    }

    def get_form_class(self, for_update=False):
        return admin_forms.PostCreateForm

    def get_common_view_kwargs(self, **kwargs):
        # No edit page (organisation and title are what a post is); listings link to inspect.
        return {**super().get_common_view_kwargs(**kwargs), "edit_url_name": None, "delete_url_name": None}

    def get_urlpatterns(self):
        return [
            p
            for p in super().get_urlpatterns()
            if p.name not in {"edit", "delete", "history", "history_results"}
        ]

    def register_admin_url_finder(self):
        pass


class TransferViewSet(OrgchartViewSet):
    model = Transfer
    name = "orgchart_transfer"
    url_prefix = "orgchart/transfers"
    icon = "arrow-right-full"
    menu_order = 400
    list_per_page = 50
    read_only = True
    inspect_view_enabled = True
    inspect_view_fields = [
        "member",
        "kind",
        "from_organisation",
        "to_organisation",
        "outside_organisation",
        "transferred_on",
        "reason",
        "recorded_by",
    ]
    index_view_class = admin_views.TransferIndexView


class ImportJobViewSet(OrgchartViewSet):
    model = ImportJob
    name = "orgchart_importjob"
    url_prefix = "orgchart/roster-imports"
    icon = "upload"
    menu_order = 500
    read_only = True
    index_view_class = admin_views.ImportJobIndexView


class OrgchartViewSetGroup(ModelViewSetGroup):
    items = (OrganisationViewSet, MemberViewSet, PostViewSet, TransferViewSet, ImportJobViewSet)
    menu_icon = "group"
    menu_order = 150

    @cached_property
    def menu_label(self):
        return _("Organisation management")


@hooks.register("register_admin_viewset")
def register_orgchart_viewsets():
    return OrgchartViewSetGroup()


@hooks.register("register_log_actions")
def register_orgchart_log_actions(actions):
    actions.register_action("orgchart.move", _("Move"), _("Moved in the organisation tree"))
    actions.register_action("orgchart.close", _("Close"), _("Closed"))
    actions.register_action("orgchart.reopen", _("Reopen"), _("Reopened"))
    actions.register_action("orgchart.transfer", _("Transfer"), _("Member transferred"))
    actions.register_action("orgchart.appoint", _("Appoint"), _("Holder appointed"))
    actions.register_action("orgchart.vacate", _("Vacate"), _("Left vacant"))
    # Account actions: the log records that it happened and who did it, never the password.
    actions.register_action("orgchart.login_create", _("Create login"), _("Login account created"))
    actions.register_action("orgchart.login_reset", _("Reset password"), _("Login password reset"))
    actions.register_action("orgchart.login_disable", _("Disable login"), _("Login account disabled"))
