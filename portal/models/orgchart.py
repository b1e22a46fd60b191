"""The organisation chart: an expandable tree with each node's statistics."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from orgchart import access
from orgchart.cache import FIGURES_TIMEOUT, data_version
from orgchart.models import Organisation
from orgchart.queries import cached_subtree_member_counts, statistics_for, street_root, tree_rows

from ..charts import statistics_charts
from ..orgtree import LazyTree
from .base import LoginRequiredPage
from .home import HomePage


class OrgChartPage(LoginRequiredPage):
    """The organisation chart: an expandable tree with each node's statistics."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("organisation chart page")

    def get_root(self) -> Organisation | None:
        """The street of the home page above this page, else the first street in the tree."""
        home = HomePage.objects.ancestor_of(self).select_related("street").first()
        return home.street if home and home.street_id else street_root()

    @staticmethod
    def selected_id(request) -> int | None:
        """The ?org= node id; anything that is not a positive integer is a 404, not a 500."""
        raw = request.GET.get("org")
        if raw in (None, ""):
            return None
        if not raw.isdigit():
            raise Http404(_("No such organisation."))
        return int(raw)

    @staticmethod
    def landing_node(user, rows: list[Organisation]) -> Organisation | None:
        """Where the chart opens without ?org=: the top of what the user manages, else their
        own community, else the street — a community secretary on a phone lands on their own."""
        if not rows:
            return None
        managed = access.managed_paths(user)
        if managed and "" not in managed:
            top = min(managed, key=len)
            return next((org for org in rows if org.path == top), rows[0])
        member = access.member_for(user)
        if member is not None:
            community_path = member.organisation.path[: 2 * Organisation.steplen]
            return next((org for org in rows if org.path == community_path), rows[0])
        return rows[0]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        wanted = self.selected_id(request)
        root = self.get_root()
        rows = tree_rows(root) if root is not None else []
        selected = self.landing_node(request.user, rows)
        if wanted is not None:
            selected = next((org for org in rows if org.pk == wanted), None)
            if selected is None:
                raise Http404(_("No such organisation."))
        context["tree"] = LazyTree(rows, selected, cached_subtree_member_counts)
        # The rendered tree is the same for every reader: it changes with the figures' version
        # (members, posts, the tree) and with the organisation open in it.
        top = rows[0].path if rows else ""
        context["tree_key"] = f"{data_version()}:{top}:{selected.pk if selected else ''}"
        context["tree_seconds"] = FIGURES_TIMEOUT
        context["selected"] = selected
        if selected is not None:
            context["stats"] = stats = statistics_for(request.user, selected)
            context["charts"] = statistics_charts(stats)
            context["breadcrumbs"] = [org for org in rows if selected.path.startswith(org.path)]
            if access.can_view_members_of(request.user, selected):
                context["members_url"] = reverse("orgchart:org_members", args=[selected.pk])
        return context
