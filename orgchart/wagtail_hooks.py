"""Wagtail admin wiring for the organisation tree: the "组织管理" menu and its viewsets (defined in
orgchart/viewsets/), the log actions and the permission policies.

Permission policies come first: Wagtail must find ours before any view asks for a fallback.
"""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from .permissions import POLICIES
from .viewsets.members import MemberViewSet
from .viewsets.organisations import OrganisationViewSet
from .viewsets.posts import PostViewSet
from .viewsets.records import ImportJobViewSet, TransferViewSet

for _model, _policy in POLICIES.items():
    register_permission_policy(_model, _policy, exact_class=True)


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
    actions.register_action(
        "orgchart.transfer_decision",
        _("Decide a transfer"),
        _("Pending transfer accepted, declined or withdrawn"),
    )
    actions.register_action("orgchart.appoint", _("Appoint"), _("Holder appointed"))
    actions.register_action("orgchart.vacate", _("Vacate"), _("Left vacant"))
    # Account actions: the log records that it happened and who did it, never the password.
    actions.register_action("orgchart.login_create", _("Create login"), _("Login account created"))
    actions.register_action("orgchart.login_reset", _("Reset password"), _("Login password reset"))
    actions.register_action("orgchart.login_disable", _("Disable login"), _("Login account disabled"))
    actions.register_action("orgchart.login_enable", _("Enable login"), _("Login account enabled"))
