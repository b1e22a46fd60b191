"""The street's front page."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from orgchart import access
from orgchart.models import Organisation
from orgchart.queries import open_community_count, statistics_for, street_root

from .base import LoginRequiredPage


class HomePage(LoginRequiredPage):
    """The street's front page: its name, headline figures and the ways in."""

    street = models.ForeignKey(
        "orgchart.Organisation",
        verbose_name=_("street"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The street committee whose figures the home page shows."),
    )
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("street"), FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["portal.OrgChartPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_street(self) -> Organisation | None:
        return self.street if self.street_id else street_root()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        street = self.get_street()
        context["street"] = street
        if street is not None:
            stats = statistics_for(request.user, street)
            context["stats"] = stats
            context["communities"] = open_community_count(street)
        user = request.user
        context["is_manager"] = access.is_manager(user)
        context["roster_import_url"] = reverse("orgchart:roster_import") if context["is_manager"] else ""
        context["own_member"] = access.member_for(user)
        return context
