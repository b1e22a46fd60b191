"""Wagtail admin wiring of residents: the permission policies (residents.access) and the menu group."""

from __future__ import annotations

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .viewsets import POLICIES, ResidentsViewSetGroup

for _model, _policy in POLICIES.items():
    register_permission_policy(_model, _policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_residents_viewsets():
    return ResidentsViewSetGroup()
