"""The street's front page."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from orgchart import access
from orgchart.models import Organisation
from orgchart.queries import cached_open_community_count, statistics_for, street_root

from ..queries import unread_notice_count
from .notice import NoticePage
from .study import StudyPage

HOME_NOTICES = 8
HOME_STUDY = 4


class HomePage(Page):
    """The street's front page, open to everyone: public notices and featured study material for a
    visitor; for a signed-in member also the notices addressed to them, how many they have not read,
    and the street's headline figures."""

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
    subpage_types = [
        "portal.OrgChartPage",
        "portal.SectionPage",
        "portal.NoticeIndexPage",
        "portal.StudyIndexPage",
        "portal.ResultIndexPage",
    ]
    max_count = 1
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("home page")

    def get_street(self) -> Organisation | None:
        return self.street if self.street_id else street_root()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        user = request.user
        street = self.get_street()
        context["street"] = street
        notices = NoticePage.listed_for(user)
        context["notices"] = notices[:HOME_NOTICES]
        context["featured_study"] = StudyPage.listed_for(user).filter(featured=True)[:HOME_STUDY]
        if user.is_authenticated:
            context["unread_notices"] = unread_notice_count(user, notices)
            if street is not None:
                context["stats"] = statistics_for(user, street)
                context["communities"] = cached_open_community_count(street)
        context["is_manager"] = access.is_manager(user)
        context["roster_import_url"] = reverse("orgchart:roster_import") if context["is_manager"] else ""
        context["own_member"] = access.member_for(user)
        return context
