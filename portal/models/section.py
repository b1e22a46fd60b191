"""A section page per organisation, mirroring the organisation tree.

Sections are made, renamed, moved and closed by the organisation's own tree services (through
portal.sections, under the tree lock), never by hand: the page tree matches the organisation tree
at every moment. An organisation's post holders publish in its section and below it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from core.tree import path_prefix_q

from .notice import NoticePage
from .result import ResultPage
from .study import StudyPage


class SectionPage(Page):
    organisation = models.OneToOneField(
        "orgchart.Organisation",
        verbose_name=_("organisation"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="section",
    )
    intro = models.TextField(_("introduction"), blank=True, max_length=1000)

    content_panels = [FieldPanel("intro")]
    promote_panels: list = []
    parent_page_types = ["portal.HomePage", "portal.SectionPage"]
    subpage_types = ["portal.SectionPage", "portal.NoticePage", "portal.StudyPage", "portal.ResultPage"]
    # Made by the organisation's tree services only.
    is_creatable = False
    template = "portal/section_page.html"

    class Meta:
        verbose_name = _("organisation section")
        verbose_name_plural = _("organisation sections")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        user = request.user
        in_section = path_prefix_q(self.path)
        context["notices"] = NoticePage.listed_for(user).filter(in_section)[:20]
        context["study"] = StudyPage.listed_for(user).filter(in_section)[:10]
        context["results"] = ResultPage.listed_for(user).filter(in_section)[:10]
        context["subsections"] = SectionPage.objects.child_of(self).live().order_by("path")
        return context


class SectionCollection(models.Model):
    """The Wagtail collection holding an organisation's documents and images, under its parent's
    collection (the street's under the root collection), like the sections: kept in step by the
    same tree services (portal.sections). Its publishers may add, change and choose media there
    and below it only."""

    organisation = models.OneToOneField(
        "orgchart.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="media_collection",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name=_("collection"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("organisation collection")
        verbose_name_plural = _("organisation collections")

    def __str__(self) -> str:
        return str(self.collection)
