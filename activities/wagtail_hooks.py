"""Wagtail admin wiring of activities: the street's 三会一课 requirements (activities.viewsets)."""

from __future__ import annotations

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .viewsets import POLICIES, SanhuiViewSetGroup

for _model, _policy in POLICIES.items():
    register_permission_policy(_model, _policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_sanhui_viewsets():
    return SanhuiViewSetGroup()
