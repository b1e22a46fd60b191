"""Create the Wagtail site for a street: home page and organisation-chart page (idempotent)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from orgchart.models import Organisation

from .models import HomePage, NoticeIndexPage, OrgChartPage, ResultIndexPage, StudyIndexPage

# The chart page serves at /chart/: /orgchart/... belongs to the orgchart Django views.
CHART_SLUG = "chart"
INDEX_PAGES = ((NoticeIndexPage, "notices"), (StudyIndexPage, "study"), (ResultIndexPage, "results"))


def _tree_root() -> Page:
    """Wagtail's root page; made afresh on a database emptied after migrating (e.g. a flushed test DB)."""
    root = Page.get_first_root_node()
    if root is None:
        # Content types were emptied with everything else: drop the ids cached in this process.
        ContentType.objects.clear_cache()
        Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


@transaction.atomic
def ensure_site(street: Organisation) -> HomePage:
    """Make a HomePage for `street` the default site's root, with an OrgChartPage under it."""
    home = HomePage.objects.first()
    if home is None:
        root = _tree_root()
        # Wagtail's stock "Welcome" page already holds the slug "home" under the root: take a
        # free slug now and the usual one once that page is gone (the site root's slug is never in a URL).
        slug = "home" if not root.get_children().filter(slug="home").exists() else "portal-home"
        home = root.add_child(instance=HomePage(title=street.name, slug=slug, street=street))
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=street.name
            )
        else:
            site.root_page = home
            site.site_name = street.name
            site.save()
        # Wagtail's stock "Welcome" page is no longer reachable; remove it.
        if old_root is not None and old_root.specific_class is Page and old_root.depth == 2:
            old_root.delete()
        if home.slug != "home" and not root.get_children().filter(slug="home").exists():
            home.slug = "home"
            home.save()
    chart = OrgChartPage.objects.first()
    if chart is None:
        home.add_child(instance=OrgChartPage(title=_("Organisation chart"), slug=CHART_SLUG))
    elif chart.slug == "orgchart":
        # Sites made before the chart moved to /chart/ would shadow the orgchart views.
        chart.slug = CHART_SLUG
        chart.save()
    titles = {"notices": _("Notices"), "study": _("Study material"), "results": _("Results")}
    for model, slug in INDEX_PAGES:
        if not model.objects.exists():
            home.add_child(instance=model(title=titles[slug], slug=slug))
    from .sections import sync_all_publishers, sync_all_sections

    sync_all_sections()
    sync_all_publishers()
    return home
