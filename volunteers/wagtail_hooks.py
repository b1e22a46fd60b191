"""Wagtail admin wiring of the volunteer service: the "志愿服务" menu (activities, teams) and the
permission policies (the access rule on the organiser / the team's organisation)."""

from __future__ import annotations

from wagtail import hooks
from wagtail.permissions import register_permission_policy

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
