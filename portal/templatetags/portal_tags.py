"""Template helpers for the shared layout: the site's name, the chart page's URL, percentages."""

from __future__ import annotations

from django import template
from django.conf import settings
from wagtail.models import Site

from core import formatting

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_site_name(context) -> str:
    """The Wagtail site's name (the street's), or the portal's name when there is no request.

    500.html renders without a request, and maybe without a database: stay query-free then.
    """
    request = context.get("request")
    if request is not None:
        site = Site.find_for_request(request)
        if site is not None and site.site_name:
            return site.site_name
    return str(settings.WAGTAIL_SITE_NAME)


@register.simple_tag(takes_context=True)
def chart_page_url(context) -> str:
    """The organisation chart page's URL, looked up once per request."""
    from portal.models import OrgChartPage

    request = context.get("request")
    if request is None:
        return ""
    cached = getattr(request, "_portal_chart_url", None)
    if cached is None:
        page = context.get("page")
        if not isinstance(page, OrgChartPage):
            page = OrgChartPage.objects.live().first()
        cached = (page.get_url(request) or "") if page is not None else ""
        request._portal_chart_url = cached
    return cached


@register.filter
def percent(share: float) -> str:
    """0.8234 → "82.3%"."""
    return formatting.percent(share)
