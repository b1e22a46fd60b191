"""Wagtail admin wiring of the assessment: the menu group (cycles, objections, holidays), the
permission policies (assessments.access) and the log actions."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.permissions import register_permission_policy

from . import access
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


class StreetManagersMenuItem(MenuItem):
    """A link for those who manage a street's assessment (the ticket sheets' and score sheet's rule)."""

    def is_shown(self, request) -> bool:
        return access.is_assessment_manager(request.user)


class ScoreSheetMenuItem(StreetManagersMenuItem):
    """The score sheet of the latest cycle the user manages (the sheet is per cycle)."""

    url_name = "assessments:sheet"

    def _latest(self, request):
        # Read once a request, shared by the per-cycle items (sheet, committee scoring).
        if not hasattr(request, "_assessments_latest_cycle"):
            request._assessments_latest_cycle = (
                access.manageable_cycles(request.user).order_by("-year", "-pk").first()
            )
        return request._assessments_latest_cycle

    def is_shown(self, request) -> bool:
        return super().is_shown(request) and self._latest(request) is not None

    def render_component(self, request):
        # Built per request: the menu item instance is shared between requests and threads.
        cycle = self._latest(request)
        return LinkMenuItemComponent(
            self.name,
            self.label,
            reverse(self.url_name, args=[cycle.pk]) if cycle else "",
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


@hooks.register("register_admin_menu_item")
def register_ticket_sheet_menu_item():
    return StreetManagersMenuItem(
        _("Rating tickets"), reverse("assessments:ticket-sheet"), icon_name="doc-full", order=181
    )


@hooks.register("register_admin_menu_item")
def register_score_sheet_menu_item():
    return ScoreSheetMenuItem(
        _("Score sheet"), "", name="assessment-score-sheet", icon_name="list-ol", order=182
    )


class CommitteeMenuItem(ScoreSheetMenuItem):
    """Committee scoring of the latest cycle the user manages."""

    url_name = "assessments:committee"


@hooks.register("register_admin_menu_item")
def register_committee_menu_item():
    return CommitteeMenuItem(
        _("Committee scoring"), "", name="assessment-committee", icon_name="edit", order=183
    )
