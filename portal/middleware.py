"""Answers holding personal data are never stored by browsers or proxies."""

from __future__ import annotations

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
