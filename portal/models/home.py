"""The street's front page."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from core.tree import path_prefix_q
from orgchart import access
from orgchart.models import Organisation
from orgchart.queries import cached_open_community_count, statistics_for, street_root

from ..listcache import PageList, fragment_context, listed_ids
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

    def route(self, request, path_components):
        """Wagtail's routing in two queries instead of two per level (the child by slug, then its
        specific row): every page on the way, matched by depth and slug in one query, then the
        deepest one's specific row, which routes what is left as Wagtail would."""
        if not path_components:
            return super().route(request, path_components)
        levels = Q()
        for n, slug in enumerate(path_components, start=1):
            levels |= Q(depth=self.depth + n, slug=slug)
        candidates = list(Page.objects.filter(path_prefix_q(self.path), levels))
        page, consumed = self, 0
        for slug in path_components:
            child = next(
                (
                    row
                    for row in candidates
                    if row.depth == page.depth + 1 and row.slug == slug and row.path.startswith(page.path)
                ),
                None,
            )
            if child is None:
                break
            child._cached_parent_obj = page  # as Wagtail does: get_parent() costs no query
            page, consumed = child, consumed + 1
        if consumed == 0:
            raise Http404
        specific = page.specific
        specific._cached_parent_obj = page._cached_parent_obj
        return specific.route(request, path_components[consumed:])

    def get_street(self) -> Organisation | None:
        return self.street if self.street_id else street_root()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        user = request.user
        street = self.get_street()
        context["street"] = street
        context["notices"] = PageList(NoticePage, listed_ids(request, NoticePage)[:HOME_NOTICES])
        featured = listed_ids(request, StudyPage, "featured")[:HOME_STUDY]
        context["featured_study"] = PageList(StudyPage, featured)
        context.update(fragment_context(request, "home"))
        if user.is_authenticated:
            context["unread_notices"] = unread_notice_count(request)
            if street is not None:
                context["stats"] = statistics_for(user, street)
                context["communities"] = cached_open_community_count(street)
        context["is_manager"] = access.is_manager(user)
        context["roster_import_url"] = reverse("orgchart:roster_import") if context["is_manager"] else ""
        context["own_member"] = access.member_for(user)
        return context
