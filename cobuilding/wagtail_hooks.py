"""Wagtail admin wiring of co-building: the menu group, the permission policies (cobuilding.access
through core.admin.policies) and the log actions."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from . import access
from .viewsets import POLICIES, CobuildingViewSetGroup

for _model, _policy in POLICIES.items():
    register_permission_policy(_model, _policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_cobuilding_viewsets():
    return CobuildingViewSetGroup()


@hooks.register("register_log_actions")
def register_cobuilding_log_actions(actions):
    actions.register_action("cobuilding.activate", _("Put in force"), _("Co-building agreement put in force"))
    actions.register_action("cobuilding.end", _("End the agreement"), _("Co-building agreement ended"))
    actions.register_action(
        "cobuilding.project", _("Make a project"), _("Co-building project made from a match")
    )
    actions.register_action("cobuilding.end_report_in", _("End the report-in"), _("Report-in ended"))
    actions.register_action(
        "cobuilding.minutes", _("Record the minutes"), _("Joint meeting minutes recorded")
    )
    actions.register_action(
        "cobuilding.attendance", _("Unit attendance"), _("Joint meeting attendance recorded")
    )
    actions.register_action("cobuilding.decision", _("Add a decision"), _("Joint meeting decision added"))
    actions.register_action("cobuilding.decision_done", _("Mark done"), _("Joint meeting decision done"))
    actions.register_action("cobuilding.decision_edit", _("Change"), _("Joint meeting decision changed"))
    actions.register_action("cobuilding.decision_reopen", _("Reopen"), _("Joint meeting decision reopened"))
    actions.register_action("cobuilding.invite", _("Invite the units"), _("Joint meeting units invited"))


class _DualReportingMenuItem(MenuItem):
    """The dual reporting pages (/cobuilding/report-ins/), for post-holders (views_dual's rule)."""

    def is_shown(self, request) -> bool:
        return access.is_cobuilding_manager(request.user)


@hooks.register("register_admin_menu_item")
def register_dual_reporting_menu_item():
    return _DualReportingMenuItem(
        _("Dual reporting"), reverse("cobuilding_dual:index"), icon_name="group", order=191
    )


class FiguresMenuItem(MenuItem):
    """The street figures page (/cobuilding/figures/), for post-holders of a street or community
    (the page's own rule)."""

    def is_shown(self, request) -> bool:
        return access.choosable_communities(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_figures_menu_item():
    return FiguresMenuItem(
        _("Co-building figures"), reverse("cobuilding:figures"), icon_name="table", order=192
    )
