"""Test settings: the same database and broker choice as the environment gives."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("PORTAL_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "test"))

from .dev import *  # noqa: E402,F403
from .dev import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a real Celery worker thread and the live server see the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One process (the Celery worker and live server are threads): a private in-memory cache that
# each test starts empty (tests/conftest.py), never a Redis database others' brokers live in.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The test Client's login() has no request to give django-axes (tests/axes_backend.py).
AUTHENTICATION_BACKENDS = [
    "tests.axes_backend.AxesBackendAllowingClientLogin",
    *[b for b in AUTHENTICATION_BACKENDS if b != "axes.backends.AxesStandaloneBackend"],  # noqa: F405
]
