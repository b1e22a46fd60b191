"""Wagtail admin wiring of residents: the permission policies (residents.access), the menu group,
and the help requests' catalogue and staff pages (register_help_admin)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from .viewsets import POLICIES, ResidentsViewSetGroup

for _model, _policy in POLICIES.items():
    register_permission_policy(_model, _policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_residents_viewsets():
    return ResidentsViewSetGroup()


class _HelpStaffMenuItem(MenuItem):
    """The staff pages of help requests (/residents/help/), for post-holders (views_help's rule)."""

    def is_shown(self, request) -> bool:
        from . import access_help

        return access_help.is_help_staff(request.user)


def register_help_admin() -> None:
    """Help requests: the catalogue's permission policies and viewsets, and the staff pages' menu item."""
    from .viewsets_help import HELP_POLICIES, HelpViewSetGroup

    for model, policy in HELP_POLICIES.items():
        register_permission_policy(model, policy, exact_class=True)
    hooks.register("register_admin_viewset", HelpViewSetGroup)
    hooks.register(
        "register_admin_menu_item",
        lambda: _HelpStaffMenuItem(
            _("Help requests"), reverse("residents_help:index"), icon_name="help", order=177
        ),
    )


register_help_admin()
