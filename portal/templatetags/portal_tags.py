"""Template helpers for the shared layout: the site's name, the chart page's URL, percentages and
figures."""

from __future__ import annotations

from django import template
from django.conf import settings
from wagtail.models import Site

from core import formatting
from orgchart import access
from orgchart.backends import ADMIN_ACCESS_PERMISSION
from orgchart.cache import cached_figure

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_site_name(context) -> str:
    """The Wagtail site's name (the street's), or the portal's name when there is no request.

    500.html renders without a request, and maybe without a database: stay query-free then.
    """
    request = context.get("request")
    if request is not None:
        # No query: portal.pagecache's middleware put the cached site on the request.
        site = Site.find_for_request(request)
        if site is not None and site.site_name:
            return site.site_name
    return str(settings.WAGTAIL_SITE_NAME)


def _per_host(request, name: str, compute) -> str:
    """A value that depends on the host, the sites and the pages at the top only: from the cache,
    keyed by their version (portal.pagecache.site_version), so every page is spared the look-up."""
    from django.core.cache import cache

    from portal.pagecache import site_version

    try:
        host = request.get_host()
    except Exception:  # DisallowedHost while rendering an error page: stay query-free
        return ""
    key = f"portal:{name}:{site_version(request)}:{host}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.PORTAL_PAGE_CACHE_SECONDS or 1)
    return value


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
        if isinstance(page, OrgChartPage):
            cached = page.get_url(request) or ""
        else:
            cached = _per_host(request, "chart-url", lambda: _chart_url(request))
        request._portal_chart_url = cached
    return cached


def _chart_url(request) -> str:
    from portal.models import OrgChartPage

    page = OrgChartPage.objects.live().first()
    return (page.get_url(request) or "") if page is not None else ""


@register.filter
def percent(share: float) -> str:
    """0.8234 → "82.3%"."""
    return formatting.percent(share)


@register.filter
def number(value) -> str:
    """Decimal("12.50") → "12.5": figures with at most two decimals, none when whole."""
    return formatting.number(value)


@register.simple_tag(takes_context=True)
def can_open_admin(context) -> bool:
    """Whether the menu shows the admin link. Post holders and superusers are known without a
    query; anyone else (a hand-made Wagtail group) is asked once per figures version and hour —
    a link only: the admin checks `wagtailadmin.access_admin` itself on every request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or access.is_manager(user):
        return True
    return cached_figure("admin-link", (user.pk,), lambda: user.has_perm(ADMIN_ACCESS_PERMISSION))
