"""Answers holding personal data are never stored by browsers or proxies; the Content Security
Policy (django-csp, configured in settings.CONTENT_SECURITY_POLICY) with the admin's exception."""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.utils.cache import add_never_cache_headers

# Paths whose answers carry members' personal data: member pages and "my record", the member and
# "me" API, exports and roster imports. Pages that need it otherwise mark themselves with
# `response.personal_data = True`.
PERSONAL_DATA_PREFIXES = ("/orgchart/", "/api/members/", "/api/me/", "/admin/orgchart/")


class PersonalDataNoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "personal_data", False) or request.path.startswith(PERSONAL_DATA_PREFIXES):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, " + response["Cache-Control"]
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with one exception: Wagtail's admin writes inline scripts in some widgets and
    panels (date and time pickers, inline panels), so its pages also allow inline script. Every
    other page runs under script-src 'self' only."""

    ADMIN_PREFIX = "/admin/"

    def process_response(self, request, response):
        if request.path.startswith(self.ADMIN_PREFIX) and not hasattr(response, "_csp_update"):
            response._csp_update = {"script-src": ["'unsafe-inline'"]}
        return super().process_response(request, response)
