"""Anonymous visitors' pages from Django's cache, retired by a content version stamp.

Built on Django's cache framework (the cache backend, the CSRF middleware's own "token used"
flag, `patch_vary_headers` conventions) and Wagtail's page signals and `before_serve_page` hook.
(wagtail-cache, the library that does this, supports Wagtail < 8 only.)

What is stored: the response to a GET by a visitor without a session or messages cookie, for a
Wagtail page that answered 200 without setting a cookie or rendering a CSRF token. So never a
response for a logged-in user, never one carrying a form token or a message, never a 404 (a
members-only page answers 404 to strangers: not stored, so its status cannot leak either way), never
a redirect to the login page, never a preview.

The key is the URL (host, path, query) and the content version. The portal speaks one language,
so Accept-Language cannot change a page; cookies other than session and messages do not either
(a CSRF cookie alone changes nothing: a page that renders a token is never stored).

What retires it:
- `content_changed()` puts a new content version (at once and again on commit), on Wagtail's
  page_published / page_unpublished / post_page_move, on any page, site, document or image saved
  or deleted, and on the organisation tree's `organisation_changed` (section names);
- time: an entry lives at most PORTAL_PAGE_CACHE_SECONDS, never past the next notice expiry (an
  expired notice must leave the lists and show its mark), nor past local midnight.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

VERSION_KEY = "portal:content-version"
HEADER = "X-Portal-Cache"
NO_SITE_PREFIXES = ("/api/", "/admin/", "/documents/", "/static/", "/media/")
_REQUEST_ATTR = "_portal_content_version"
_PAGE_ATTR = "_portal_served_page"


def content_version(request: HttpRequest | None = None) -> str:
    """The current content stamp (memoised on `request`); a new one when none is stored."""
    if request is not None and hasattr(request, _REQUEST_ATTR):
        return getattr(request, _REQUEST_ATTR)
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or "unstored"
    if request is not None:
        setattr(request, _REQUEST_ATTR, version)
    return version


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def content_changed(**_signal_kwargs) -> None:
    """Published content, the site or the tree changed: retire every cached page and look-up.

    Now, and again on commit: a request that rendered the old rows meanwhile stored them under
    the stamp the commit retires."""
    _new_version()
    transaction.on_commit(_new_version)


# The site's name and the chart page's URL, shown on every page, change far less often than
# content: with a version of their own, publishing a notice does not cost every page the look-up.
SITE_VERSION_KEY = "portal:site-version"


def site_version(request: HttpRequest | None = None) -> str:
    if request is not None and hasattr(request, "_portal_site_version"):
        return request._portal_site_version
    version = cache.get(SITE_VERSION_KEY)
    if version is None:
        cache.add(SITE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(SITE_VERSION_KEY) or "unstored"
    if request is not None:
        request._portal_site_version = version
    return version


def _new_site_version() -> None:
    cache.set(SITE_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def site_changed(**_signal_kwargs) -> None:
    """A site, the home page or the chart page changed, or a page moved: retire the look-ups too."""
    _new_site_version()
    transaction.on_commit(_new_site_version)
    content_changed()


# Pages at this depth or above are a site's root or its children: adding or removing one changes
# the root page's `numchild`, which treebeard writes with a queryset update (no signal of its own).
SITE_DEPTH = 3


def _on_model_saved_or_deleted(sender, instance, **kwargs) -> None:
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import Page, Site

    from .models import HomePage, OrgChartPage

    if isinstance(instance, Site | HomePage | OrgChartPage):
        site_changed()
    elif isinstance(instance, Page):
        added_or_removed = kwargs.get("created", True)  # post_delete has no "created": removed
        if added_or_removed and (instance.depth or SITE_DEPTH) <= SITE_DEPTH:
            site_changed()
        else:
            content_changed()
    elif isinstance(instance, AbstractDocument | AbstractImage):
        content_changed()


def site_for_request(request: HttpRequest):
    """Wagtail's Site for this request with its root page (specific) loaded, from the cache: the
    look-up Wagtail makes on every page (two queries) made once per host and site version.
    Matching is Wagtail's own (`Site.find_for_request`), keyed by what it reads: hostname and port."""
    from django.http.request import split_domain_port
    from wagtail.models import Site

    hostname = split_domain_port(request._get_raw_host())[0]
    key = f"portal:site:{site_version(request)}:{hostname}:{request.get_port()}"
    site = cache.get(key)
    if site is None:
        site = Site._find_for_request(request)
        if site is not None:
            site.root_page.specific  # noqa: B018 - load it now so the cached copy carries it
        cache.set(key, site or "none", settings.PORTAL_PAGE_CACHE_SECONDS or 60)
    return None if site == "none" else site


def connect_receivers() -> None:
    from django.db.models.signals import post_delete, post_migrate, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from orgchart.signals import organisation_changed

    page_published.connect(content_changed, dispatch_uid="portal-pagecache-published")
    page_unpublished.connect(content_changed, dispatch_uid="portal-pagecache-unpublished")
    post_page_move.connect(site_changed, dispatch_uid="portal-pagecache-moved")
    post_save.connect(_on_model_saved_or_deleted, dispatch_uid="portal-pagecache-saved")
    post_delete.connect(_on_model_saved_or_deleted, dispatch_uid="portal-pagecache-deleted")
    organisation_changed.connect(content_changed, dispatch_uid="portal-pagecache-tree")
    post_migrate.connect(site_changed, dispatch_uid="portal-pagecache-migrate")


def mark_page_served(page, request: HttpRequest, serve_args, serve_kwargs) -> None:
    """Wagtail's before_serve_page hook: this response is a page's (candidate for the cache)."""
    setattr(request, _PAGE_ATTR, page)


# When entries must end ---------------------------------------------------------------------


def _next_expiry(request: HttpRequest, now: dt.datetime) -> dt.datetime | None:
    """The earliest future expiry of a live notice; cached with the content version."""
    from .models import NoticePage

    key = f"portal:next-expiry:{content_version(request)}"
    cached = cache.get(key)
    if cached is not None and (cached == "none" or cached > now):
        return None if cached == "none" else cached
    found = NoticePage.objects.live().filter(expires_at__gt=now).aggregate(at=Min("expires_at"))["at"]
    cache.set(key, found or "none", settings.PORTAL_PAGE_CACHE_SECONDS)
    return found


def page_timeout(request: HttpRequest, now: dt.datetime | None = None) -> int:
    """Seconds a page rendered now may be served: the setting, cut at the next expiry and midnight."""
    now = now or timezone.now()
    limit = float(settings.PORTAL_PAGE_CACHE_SECONDS)
    local = timezone.localtime(now)
    midnight = timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time()))
    limit = min(limit, (midnight - now).total_seconds())
    expiry = _next_expiry(request, now)
    if expiry is not None:
        limit = min(limit, (expiry - now).total_seconds())
    return max(0, int(limit))


# The middleware ------------------------------------------------------------------------------


def _eligible(request: HttpRequest) -> bool:
    return (
        settings.PORTAL_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    user = getattr(request, "user", None)
    cache_control = response.get("Cache-Control", "")
    return (
        getattr(request, _PAGE_ATTR, None) is not None
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "is_preview", False)
        and (user is None or not user.is_authenticated)
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
    )


def _key(request: HttpRequest) -> str:
    url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"portal:page:{content_version(request)}:{url}"


class AnonymousPageCacheMiddleware:
    """Serve and store anonymous visitors' Wagtail pages (see the module docstring).

    Sits right after WhiteNoise, before sessions, locale, CSRF and auth: a hit costs two cache
    reads and no query; the headers those middlewares add are in the stored response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Wagtail's site look-up answered from the cache (Site.find_for_request reads
        # request._wagtail_site first), for the pages and views that show the site; the API and
        # the admin do not, and would pay a look-up they never use.
        if not request.path_info.startswith(NO_SITE_PREFIXES):
            request._wagtail_site = site_for_request(request)
        if not _eligible(request):
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            cached[HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if _storable(request, response):
            timeout = page_timeout(request)
            if timeout > 0:
                cache.set(key, response, timeout)
            response[HEADER] = "miss"
        return response
