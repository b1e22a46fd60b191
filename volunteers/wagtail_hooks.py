"""Wagtail admin wiring of the volunteer service: the "志愿服务" menu (activities, teams), links to
the compliance page and the dashboard, and the permission policies (the access rule on the
organiser / the team's organisation)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from orgchart import access as org_access

from .viewsets import POLICIES, VolunteerViewSetGroup
from .viewsets_reminders import ReminderPolicyViewSet

for _model, _policy in POLICIES.items():
    register_permission_policy(_model, _policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_volunteer_viewsets():
    return VolunteerViewSetGroup()


@hooks.register("register_admin_viewset")
def register_reminder_policy_viewset():
    return ReminderPolicyViewSet("reminder_policies")


class ManagersMenuItem(MenuItem):
    """A link to a page for those who manage a subtree (the 三会一课 compliance page, the
    volunteer-service dashboard: both pages' rule)."""

    def is_shown(self, request) -> bool:
        return org_access.is_manager(request.user)


@hooks.register("register_admin_menu_item")
def register_compliance_menu_item():
    return ManagersMenuItem(
        _("Organisation-life compliance"), reverse("volunteers:compliance"), icon_name="tasks", order=165
    )


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return ManagersMenuItem(
        _("Volunteer-service dashboard"), reverse("volunteers:dashboard"), icon_name="table", order=166
    )


@hooks.register("register_log_actions")
def register_series_log_actions(actions):
    actions.register_action("volunteers.series.deactivate", _("Stop the series"), _("Series stopped"))
