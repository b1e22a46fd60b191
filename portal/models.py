"""The Wagtail site: the home page and the organisation-chart page."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
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


class OrgChartPage(Page):
    """The organisation chart: an expandable tree with each node's statistics."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("organisation chart page")
