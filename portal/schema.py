"""OpenAPI schema scope: only the portal's own API under /api/, not Wagtail's admin internals."""


def only_portal_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
