"""The site's refusal page (handler403): the reason given with the PermissionDenied, and a way back.

Django's default view passes the exception's text; this one adds a "back" link to the page the
user came from when it is a page of this site (the Referer, checked: never a link elsewhere).
A 404 stays a plain 404 (nothing here says whether a row exists).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponseForbidden
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def back_url(request: HttpRequest) -> str:
    """The Referer when it is a page of this site (path and query only), else ""."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    back = parts.path + (f"?{parts.query}" if parts.query else "")
    # "//host/..." or "/\host" would leave the site from a relative link: no back link then.
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        return ""
    return "" if back == request.get_full_path() else back


def permission_denied(request: HttpRequest, exception=None, template_name: str = "403.html"):
    reason = str(exception) if exception is not None else ""
    template = loader.get_template(template_name)
    context = {"exception": reason, "back_url": back_url(request)}
    return HttpResponseForbidden(template.render(context, request))
