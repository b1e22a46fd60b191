"""Create the Wagtail site for a street: home page and organisation-chart page (idempotent)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from orgchart.models import Organisation

from .models import HomePage, OrgChartPage


@transaction.atomic
def ensure_site(street: Organisation) -> HomePage:
    """Make a HomePage for `street` the default site's root, with an OrgChartPage under it."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title=street.name, slug="home", street=street))
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
        else:
            site.root_page = home
            site.site_name = street.name
            site.save()
        # Wagtail's stock "Welcome" page is no longer reachable; remove it.
        if old_root is not None and old_root.specific_class is Page and old_root.depth == 2:
            old_root.delete()
    if not OrgChartPage.objects.exists():
        home.add_child(instance=OrgChartPage(title=_("Organisation chart"), slug="orgchart"))
    return home
