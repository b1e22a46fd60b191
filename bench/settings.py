"""Bench-only settings: production settings (DEBUG off) plus a bare Django view for comparison.

Selected with DJANGO_SETTINGS_MODULE=bench.settings by bench/web.py; never used by the portal.
"""

from portal.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Plain HTTP on loopback: no redirect to HTTPS, cookies without the Secure flag.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
