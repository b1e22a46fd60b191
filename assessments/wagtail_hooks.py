"""Wagtail admin wiring of the assessment: the menu group (cycles, objections, holidays), the
permission policies (assessments.access) and the log actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .viewsets import POLICIES, AssessmentViewSetGroup

for _model, _policy in POLICIES.items():
    register_permission_policy(_model, _policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_assessment_viewsets():
    return AssessmentViewSetGroup()


@hooks.register("register_log_actions")
def register_assessment_log_actions(actions):
    actions.register_action("assessments.advance", _("Move to the next phase"), _("Assessment phase moved"))
    actions.register_action(
        "assessments.copy_indicators", _("Replace the indicators"), _("Assessment indicators replaced")
    )
