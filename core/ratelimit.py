"""A fixed-window rate limit in the cache, for forms anyone may post (volunteer registration).

`allow(scope, ident, limit=…, seconds=…)` counts one attempt of `ident` (a client address) in
`scope` and says whether it is within `limit` attempts in the current window of `seconds`. The
count lives in the shared cache (Redis in production), so every web process sees it; the
identity is hashed, so the cache holds no addresses.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def _key(scope: str, ident: str, seconds: int) -> str:
    window = int(time.time() // seconds)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{window}:{digest}"


def allow(scope: str, ident: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt; True while the window holds at most `limit` of them."""
    key = _key(scope, ident, seconds)
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= limit


def client_address(request) -> str:
    """The address the request came from as this server saw it (REMOTE_ADDR; a proxy in front
    must set it, e.g. gunicorn's --forwarded-allow-ips, never a header the client chooses)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
